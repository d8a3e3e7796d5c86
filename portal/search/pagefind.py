"""The static site's search index: Pagefind (the `pagefind[extended]` wheel, which bundles its binary).

The build calls `index_site` after freezing. The pages of the new site (each from the new build,
or from the last one where it did not change) are linked into a scratch folder, and Pagefind's
command (`python -m pagefind`) indexes the pages marked `data-pagefind-body` (guides, sheets,
resources) into `pagefind/` of the staged site. It makes one index per language (from `<html
lang>`; the extended build splits Chinese into words), with filters for page type and resource
category, and keeps each page's title and summary to show in the results.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BUNDLE = "pagefind"  # the folder of the site that holds the index
ENTRY = "pagefind-entry.json"  # names the current index files, so it is published after them
# Pagefind's own result interfaces: the site renders its results itself (portal/site/static/search.js).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class PagefindError(Exception):
    """Pagefind could not index the site; the message says why."""


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system: copy instead
        shutil.copyfile(source, target)


def index_site(layers: list[Path], pages: set[str], destination: Path) -> tuple[int, set[str]]:
    """Index the HTML files `pages` (paths in the site, each read from the first layer that has it).

    Writes destination/pagefind/; returns how many pages were indexed and every file written,
    relative to `destination`.
    """
    scratch = destination.with_name(destination.name + ".pages")
    shutil.rmtree(scratch, ignore_errors=True)
    bundle = (destination / BUNDLE).resolve()
    try:
        for rel in sorted(p for p in pages if p.endswith(".html")):
            source = next((layer / rel for layer in layers if (layer / rel).is_file()), None)
            if source is not None:
                _link(source, scratch / rel)
        command = [sys.executable, "-m", "pagefind", "--site", str(scratch.resolve()), "--output-path", str(bundle)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise PagefindError(f"Pagefind could not be started: {exc}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0 or not (bundle / ENTRY).is_file():
        raise PagefindError(f"Pagefind failed (exit status {done.returncode}): "
                            f"{(done.stderr or done.stdout).strip()[-2000:]}")
    for name in _UNUSED:
        (bundle / name).unlink(missing_ok=True)
    indexed = next((int(line.split()[1]) for line in done.stdout.splitlines()
                    if line.strip().startswith("Indexed ") and line.strip().endswith(" pages")), 0)
    return indexed, {p.relative_to(destination).as_posix() for p in bundle.rglob("*") if p.is_file()}


def bundle_files(site: Path) -> set[str]:
    """The index files of a built site, relative to it."""
    return {p.relative_to(site).as_posix() for p in (site / BUNDLE).rglob("*") if p.is_file()}
