"""The static site's search index: Pagefind (the `pagefind[extended]` wheel, which bundles its binary).

The build calls `index_site` after freezing. The pages of the new site (each from the new build,
or from the last one where it did not change) are linked into a scratch folder, and Pagefind's
command (`python -m pagefind`) indexes the pages marked `data-pagefind-body` (guides, sheets,
resources) into `pagefind/` of the staged site. It makes one index per language (from `<html
lang>`; the extended build splits Chinese into words), with filters for page type and resource
category, and keeps each page's title and summary to show in the results.

An incremental build re-indexes only what changed (portal.build.index): the full index in
`pagefind/` stays as the last full build made it (the base), and a second, small bundle in
`pagefind-delta/` indexes every page changed or added since then, with a fixed sample of unchanged
pages of each language beside them. The sample keeps the delta's word statistics (Pagefind ranks with
BM25, whose weight of a word falls with the share of the index's pages that have it) close to the
base's, so an edited page ranks in the delta about as it would in a full index. `pagefind-delta/state.json`
tells the browser (portal/site/static/search.js) whether to merge the delta, and which results to
drop: the base's copies of the pages changed since, and the delta's copies of the sample pages.
"""
from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

BUNDLE = "pagefind"  # the folder of the site that holds the index
ENTRY = "pagefind-entry.json"  # names the current index files, so it is published after them
DELTA = "pagefind-delta"  # the folder of the index of the pages changed since the base was made
STATE = "state.json"  # in DELTA: whether there is a delta, and which results to drop; published last
SAMPLE_PAGES = 100  # unchanged pages of each language indexed into the delta, for its word statistics
# A sample page is marked in the delta's copy, so its fragment (and the id Pagefind gives it) differs from
# the base's copy of the same page: the browser drops the one and keeps the other.
_SAMPLE_MARK = b'<span hidden data-pagefind-meta="delta_sample:1"></span>'
_BODY = re.compile(rb"<[^>]*\bdata-pagefind-body\b[^>]*>")
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


def _find(layers: list[Path], rel: str) -> Path | None:
    """The file of page `rel` of the site seen through its layers (first wins), or None."""
    return next((layer / rel for layer in layers if (layer / rel).is_file()), None)


def read_page(layers: list[Path], rel: str) -> bytes | None:
    """The bytes of page `rel` of the site seen through its layers (first wins), or None."""
    source = _find(layers, rel)
    return source.read_bytes() if source is not None else None


def is_indexed(html: bytes) -> bool:
    """Whether Pagefind indexes this page (the site marks the part to index on the pages to find)."""
    return b"data-pagefind-body" in html


def _pagefind() -> list[str]:
    """The command that runs Pagefind: its binary, found as `python -m pagefind` finds it (PAGEFIND_BINARY_PATH,
    else the extended wheel's), started directly, which saves starting a Python only to exec it."""
    if path := os.environ.get("PAGEFIND_BINARY_PATH"):
        return [path]
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        return [sys.executable, "-m", "pagefind"]
    return [str(get_executable())]


def index_site(layers: list[Path], pages: set[str], destination: Path, bundle_name: str = BUNDLE,
               samples: set[str] = frozenset()) -> tuple[int, set[str]]:
    """Index the HTML files `pages` (paths in the site, each read from the first layer that has it).

    Writes destination/<bundle_name>/ (the pages in `samples` marked as the delta's sample); returns
    how many pages were indexed and every file written, relative to `destination`.
    """
    scratch = destination.with_name(destination.name + ".pages")
    shutil.rmtree(scratch, ignore_errors=True)
    bundle = (destination / bundle_name).resolve()
    try:
        for rel in sorted(p for p in pages if p.endswith(".html")):
            source = _find(layers, rel)
            if source is None:
                continue
            if rel in samples:
                (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
                (scratch / rel).write_bytes(_BODY.sub(lambda m: m.group(0) + _SAMPLE_MARK, source.read_bytes(), 1))
            else:
                _link(source, scratch / rel)
        command = [*_pagefind(), "--site", str(scratch.resolve()), "--output-path", str(bundle)]
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
    if bundle_name != BUNDLE:  # a merged index is searched with the base's script and WebAssembly
        for path in [bundle / "pagefind.js", bundle / "pagefind-worker.js", *bundle.glob("wasm.*.pagefind")]:
            path.unlink(missing_ok=True)
    indexed = next((int(line.split()[1]) for line in done.stdout.splitlines()
                    if line.strip().startswith("Indexed ") and line.strip().endswith((" page", " pages"))), 0)
    return indexed, {p.relative_to(destination).as_posix() for p in bundle.rglob("*") if p.is_file()}


def bundle_files(site: Path, bundle_name: str = BUNDLE) -> set[str]:
    """The files of one index bundle of a built site, relative to it."""
    return {p.relative_to(site).as_posix() for p in (site / bundle_name).rglob("*") if p.is_file()}


def base_files(site: Path, listed: list[str] | None) -> set[str]:
    """The files of the base index of a built site: `listed`, the list the build that made the base kept,
    if the files the search page starts from (its script and entry file) are there as listed; else the
    files found in the site's index folder."""
    if listed is not None and all(f"{BUNDLE}/{name}" in listed and (site / BUNDLE / name).is_file()
                                  for name in ("pagefind.js", ENTRY)):
        return set(listed)
    return bundle_files(site)


def page_ids(bundle: Path) -> dict[str, str]:
    """The id Pagefind's JavaScript gives each page of an index (`result.id`: its fragment's name), by the
    page's file in the site (en/conditions/asthma/index.html)."""
    ids = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        url = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
        ids[(url + "index.html" if url.endswith("/") else url).lstrip("/")] = path.name.removesuffix(".pf_fragment")
    return ids


def sample(ids: dict[str, str], excluded: set[str], size: int = SAMPLE_PAGES) -> set[str]:
    """The delta's background sample: of each language's indexed pages not in `excluded`, at most `size` and at
    most a fifth of them, chosen by a hash of their address: a stable pseudo-random draw (the same pages from
    one build to the next while few pages change). Every k-th page by address would follow any period in the
    addresses (a library whose pages come in a repeating order would be sampled from a few kinds of page)."""
    by_language: dict[str, list[str]] = {}
    for rel, page_id in ids.items():
        if rel not in excluded:
            by_language.setdefault(page_id.rpartition("_")[0], []).append(rel)
    chosen = set()
    for pages in by_language.values():
        # A fifth of a small site's pages at most: its sample should not be most of it (a full index, exact,
        # would cost about the same; see portal.build.index).
        count = min(size, max(1, len(pages) // 5))
        chosen.update(heapq.nsmallest(count, pages, key=lambda rel: hashlib.blake2b(rel.encode(), digest_size=8).digest()))
    return chosen


def write_state(bundle: Path, state: dict) -> None:
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / STATE).write_text(json.dumps(state, sort_keys=True, separators=(",", ":")))


def check_index(layers: list[Path], files: set[str]) -> list[str]:
    """What the search page would miss in a built site (`files`, read through `layers`, first wins): the base
    index's script and entry file, the delta's state.json and, if it says there is a delta, the delta's entry
    file and the metadata file it names for each language."""
    needed = [f"{BUNDLE}/pagefind.js", f"{BUNDLE}/{ENTRY}", f"{DELTA}/{STATE}"]
    problems = [f"the search index has no {rel}" for rel in needed if rel not in files]
    if f"{DELTA}/{STATE}" not in files:
        return problems
    try:
        state = json.loads(read_page(layers, f"{DELTA}/{STATE}") or b"")
        entry = json.loads(read_page(layers, f"{DELTA}/{ENTRY}") or b"null") if state.get("delta") else None
    except ValueError as exc:
        return problems + [f"{DELTA}/{STATE} or {DELTA}/{ENTRY} is not valid JSON: {exc}"]
    if state.get("delta"):
        if entry is None:
            return problems + [f"{DELTA}/{STATE} names a delta index, but there is no {DELTA}/{ENTRY}"]
        problems += [f"{DELTA}/{ENTRY} names {DELTA}/pagefind.{language['hash']}.pf_meta, which is missing"
                     for language in entry.get("languages", {}).values()
                     if f"{DELTA}/pagefind.{language['hash']}.pf_meta" not in files]
    return problems
