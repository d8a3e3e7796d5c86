"""The static build: load content, render and freeze the site, check it, then publish it.

Each step is its own function. The site is built in a temporary folder beside the output and
swapped in only when every step succeeded, so a failed build leaves the last good site alone.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask_frozen import Freezer

from portal import create_app
from portal.content import Library, load_library
from portal.sitecheck import check_site


class BuildError(Exception):
    """The build failed; `problems` says what to fix. The previous site is untouched."""

    def __init__(self, title: str, problems: list[str]):
        self.title, self.problems = title, problems
        super().__init__(title + "\n" + "\n".join(problems))


@dataclass
class BuildResult:
    output: Path
    pages: int
    seconds: float


def load(settings: dict) -> Library:
    """Step 1: read and validate every content file (raises ContentErrors)."""
    return load_library(settings["PORTAL_CONTENT_DIR"], settings["PORTAL_LANGUAGES"], settings["PORTAL_CACHE_DIR"])


def make_site(library: Library, settings: dict) -> Flask:
    """Step 2: the Flask app whose views render the pages."""
    return create_app(settings, library=library)


def freeze(app: Flask, destination: Path, progress=None) -> int:
    """Step 3: write every page to `destination` with Frozen-Flask; returns the page count."""
    base = app.config["PORTAL_BASE_URL"]
    app.config.update(FREEZER_DESTINATION=str(destination), FREEZER_BASE_URL=base if base.startswith("http")
                      else "http://localhost" + base, FREEZER_REMOVE_EXTRA_FILES=False,
                      FREEZER_IGNORE_404_NOT_FOUND=False, FREEZER_REDIRECT_POLICY="error")
    freezer = Freezer(app, with_static_files=True)
    _register_generators(freezer, app)
    count = 0
    for count, _page in enumerate(freezer.freeze_yield(), start=1):
        if progress and count % 100 == 0:
            progress(f"  froze {count} pages")
    (destination / ".nojekyll").write_text("")  # GitHub Pages: serve folders as they are
    return count


def _register_generators(freezer: Freezer, app: Flask) -> None:
    """Name every page with URL parameters, so none depends on being linked to be built."""
    library = app.extensions["portal.library"]
    languages = app.config["PORTAL_LANGUAGES"]

    @freezer.register_generator
    def site_pages():
        for lang in languages:
            for endpoint in ("home", "conditions", "medications", "resources", "about"):
                yield f"site.{endpoint}", {"lang": lang}
            for slug in library.conditions:
                yield "site.condition", {"lang": lang, "slug": slug}
            for slug in library.medications:
                yield "site.medication", {"lang": lang, "slug": slug}
            for slug in library.resources:
                yield "site.resource", {"lang": lang, "slug": slug}
        for endpoint in ("not_found_page", "sitemap", "robots"):
            yield f"site.{endpoint}", {}


def verify(destination: Path, base_url: str) -> None:
    """Step 4: every internal link and asset resolves and nothing loads from another site."""
    problems = check_site(destination, urlsplit(base_url).path or "/")
    if problems:
        raise BuildError(f"The built site has {len(problems)} broken link(s):", problems)


def publish(staging: Path, output: Path) -> None:
    """Step 5: replace the published site with the new one in two renames."""
    old = output.with_name(f".{output.name}.old-{os.getpid()}")
    if output.exists():
        output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def build(settings: dict, output: str | Path = "build", progress=None) -> BuildResult:
    """Run every step; on any failure remove the staging folder and re-raise."""
    started = time.perf_counter()
    output = Path(output).resolve()
    library = load(settings)
    app = make_site(library, settings)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        pages = freeze(app, staging, progress)
        verify(staging, app.config["PORTAL_BASE_URL"])
        publish(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(output, pages, time.perf_counter() - started)
