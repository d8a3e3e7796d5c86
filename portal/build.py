"""The static build: load content, render and freeze the site, check it, then publish it.

Each step is its own function. The site is staged in a folder beside the output and swapped
in only when every step succeeded, so a failed build leaves the last good site alone.

Builds are incremental: the staging folder starts as hard links to the last build, and only
pages whose fingerprint changed (portal.fingerprints) are rendered again, by Frozen-Flask on
every core. A file is rewritten only when its bytes changed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
import warnings
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from flask_frozen import Freezer, MissingURLGeneratorWarning
from jinja2 import FileSystemBytecodeCache, TemplateError

from portal import create_app
from portal.beside import Beside
from portal.build_memo import remembered
from portal.content import Library, load_library
from portal.content.pages import PAGE_KINDS, SOURCE_LANGUAGE
from portal.fingerprints import Shown, guides_fingerprint, page_fingerprint, site_fingerprint
from portal.frozen_urls import page_urls
from portal.search.pagefind import (BUNDLE, DELTA, ENTRY, STATE, PagefindError, base_files, bundle_files, check_index,
                                    index_site, is_indexed, page_ids, read_page, sample, write_state)
from portal.site.guide_lists import LIST_ENDPOINTS, guide_list, guide_list_pages
from portal.site.listing_pages import directory_data, directory_pages, list_shape, listing_order, slice_of
from portal.site.page_context import remember_urls
from portal.sitecheck import check_site

EXTRA_FILES = {".nojekyll"}
PROGRESS_SECONDS = 5  # how often a long build says how far it got


class BuildError(Exception):
    """The build failed; `problems` says what to fix. The previous site is untouched."""

    def __init__(self, title: str, problems: list[str]):
        self.title, self.problems = title, problems
        super().__init__(title + "\n" + "\n".join(problems))


@dataclass
class BuildResult:
    output: Path
    pages: int  # pages in the site
    rendered: int  # pages rendered by this build (the rest were unchanged)
    seconds: float


@dataclass
class PlannedPage:
    endpoint: str
    values: dict
    fingerprint: str
    source: str = ""  # the content file the page shows, as `portal check` names it
    url: str = ""  # filled in by the freezer, relative to the base URL


def load(settings: dict, progress=None) -> Library:
    """Step 1: read and validate every content file (raises ContentErrors)."""
    return load_library(settings["PORTAL_CONTENT_DIR"], settings["PORTAL_LANGUAGES"], settings["PORTAL_CACHE_DIR"],
                        progress)


def require_review(library: Library, settings: dict) -> None:
    """With PORTAL_REQUIRE_REVIEW, no page is published whose English text no clinician reviewed."""
    if not settings.get("PORTAL_REQUIRE_REVIEW"):
        return
    problems = []
    for kind in PAGE_KINDS:
        for slug, versions in sorted(library.pages_of(kind).items()):
            state = library.review_state(kind, slug)
            if state.needs_review:
                problems.append(f"{versions['en'].path}: {state.status} (the text to review is {state.current_hash})")
    if problems:
        raise BuildError(f"{len(problems)} page(s) have no clinician's review of their current text "
                         "(PORTAL_REQUIRE_REVIEW is on; 'portal report review' lists them):", problems)


def make_site(library: Library, settings: dict) -> Flask:
    """Step 2: the Flask app whose views render the pages, configured for Frozen-Flask."""
    app = create_app(settings, library=library, site_only=True)
    app.config["SITE_IS_STATIC"] = True  # no API behind it unless PORTAL_API_URL names one
    base = app.config["PORTAL_BASE_URL"]
    app.config.update(FREEZER_BASE_URL=base if base.startswith("http") else "http://localhost" + base,
                      FREEZER_REMOVE_EXTRA_FILES=False, FREEZER_IGNORE_404_NOT_FOUND=False,
                      FREEZER_REDIRECT_POLICY="error",
                      FREEZER_DESTINATION_IGNORE=[f"{BUNDLE}/*", f"{DELTA}/*"])  # the search index is written after freezing
    prepare_rendering(app)
    return app


class _FreezerClient(FlaskClient):
    """The client Frozen-Flask requests each page with: a frozen page sends and keeps no cookie."""

    def __init__(self, *args, **kwargs):
        kwargs["use_cookies"] = False
        super().__init__(*args, **kwargs)


def prepare_rendering(app: Flask) -> None:
    """Set the app up for rendering every page once: what a request to a frozen page does not need is off.

    Addresses are built once (portal.site.page_context), no cookie is handled, and the site's
    templates are compiled here, before the workers fork, rather than once in each worker (and kept
    compiled in the cache folder for the next build). The app has the public site alone
    (create_app's `site_only`)."""
    remember_urls(app)
    app.test_client_class = _FreezerClient
    cache = app.config.get("PORTAL_CACHE_DIR")
    if cache:
        folder = Path(cache) / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    for name in app.jinja_env.list_templates(filter_func=lambda name: name.startswith("site/")):
        try:
            app.jinja_env.get_template(name)
        except TemplateError:
            pass  # a page that uses it reports the error when it is rendered


def plan(app: Flask) -> list[PlannedPage]:
    """Every page of the site with its fingerprint, in a stable order."""
    library: Library = app.extensions["portal.library"]
    site = site_fingerprint(app)
    # A listing turns stale with time alone: the set of stale listings is part of what pages show.
    # (Computed without a request context: one pushed here would fix the interface language for every page.)
    days, today = app.config["PORTAL_STALE_AFTER_DAYS"], dt.date.today()
    stale = ",".join(slug for slug, entry in sorted(library.resources.items())
                     if entry.data.is_stale(days, today))
    synonyms = app.extensions["portal.synonyms"].digest  # every page carries its search words
    # Every page's: the menu names health topics only if there are any.
    common = hashlib.sha256((site + stale + synonyms + str(bool(library.topics))).encode()).hexdigest()
    shown = Shown(library)
    listings, guides = shown.listings(), guides_fingerprint(library)
    # What each guide, listing and list page shows of the others: the same while no front matter, listing
    # or code changed, as after the common edit of a guide's text (kept, it is not worked out again).
    size, guide_size = app.config["PORTAL_DIRECTORY_PAGE_SIZE"], app.config["PORTAL_GUIDE_LIST_PAGE_SIZE"]
    languages, cache = app.config["PORTAL_LANGUAGES"], app.config.get("PORTAL_CACHE_DIR")
    parts = {**remembered(cache, "shown", site + guides + listings, lambda: _shown(shown, languages, size)),
             **remembered(cache, "shown-lists", site + guides, lambda: _shown_lists(shown, languages, guide_size))}
    # The other index pages (the home page lists conditions and topics by title) show the guides' titles
    # and what they like of the listings.
    titles = "".join(parts[f"titles/{lang}"] for lang in languages)
    shared = hashlib.sha256((common + titles + listings).encode()).hexdigest()
    pages = []
    for lang in languages:
        for endpoint in ("home", "search", "about", "enter_code", "not_found_in", "offline", "manifest"):
            pages.append(PlannedPage(f"site.{endpoint}", {"lang": lang}, shared))
        for endpoint in ("reading_list", "reading_print"):  # (the pages it lists give their titles in the browser)
            pages.append(PlannedPage(f"site.{endpoint}", {"lang": lang}, common))
        for endpoint, values in [(LIST_ENDPOINTS[kind], {"lang": lang}) for kind in PAGE_KINDS] + \
                guide_list_pages(library, guide_size, lang):
            pages.append(PlannedPage(endpoint, values, common + parts[_guide_list_key(endpoint, values)]))
        pages.append(PlannedPage("site.resources", {"lang": lang}, common + parts[_list_key({})]))
        for kind in PAGE_KINDS:
            for slug, versions in library.pages_of(kind).items():
                source = versions.get(SOURCE_LANGUAGE)
                page = versions.get(lang) or source  # (as library.page: the English page until it is translated)
                # A translation also shows whether the English page changed since it was made.
                own = page_fingerprint(page) + (source.source_hash if source and page.lang != "en" else "")
                pages.append(PlannedPage(f"site.{kind}", {"lang": lang, "slug": slug},
                                         common + own + parts[f"{kind}/{lang}/{slug}"], page.path))
        for slug, entry in library.resources.items():
            pages.append(PlannedPage("site.resource", {"lang": lang, "slug": slug}, common + parts[f"resource/{slug}"],
                                     entry.path))
        for endpoint, values in directory_pages(library, size, lang):
            pages.append(PlannedPage(endpoint, values, common + parts[_list_key(values)]))  # further pages, kinds
    for endpoint in ("choose_language", "not_found_page", "robots", "service_worker"):
        pages.append(PlannedPage(f"site.{endpoint}", {}, shared))
    # The sitemap lists the address of every page: it changes with the pages there are.
    there = "".join(f"{page.endpoint}{sorted(page.values.items())}" for page in pages)
    pages.append(PlannedPage("site.sitemap", {}, hashlib.sha256((common + there).encode()).hexdigest()))
    # The ZIP code centers of "near me": the same files while the code and settings are (which states have
    # one: while the listings are).
    for endpoint, values in remembered(app.config.get("PORTAL_CACHE_DIR"), "directory-data", site + listings,
                                       lambda: directory_data(library)):
        pages.append(PlannedPage(endpoint, values, common))
    return pages


def _list_key(values: dict) -> str:
    """A page of the directory's lists (the same listings in every language)."""
    return f"list/{values.get('category', '')}/{values.get('number', 1)}"


def _guide_list_key(endpoint: str, values: dict) -> str:
    """A page of a list of guides, in one language."""
    return f"guides/{endpoint}/{values['lang']}/{values.get('number', 1)}"


def _shown_lists(shown: Shown, languages: list[str], guide_size: int) -> dict[str, str]:
    """What each page of a list of guides and each index page shows of the guides (portal.fingerprints.Shown),
    by `_guide_list_key` and `titles/lang` (every guide's title in that language): nothing of the listings, so
    an edit of a listing does not work it out again."""
    library, parts = shown.library, {}
    for lang in languages:
        parts[f"titles/{lang}"] = shown.titles(lang)
        for kind in PAGE_KINDS:
            listed = guide_list(library, kind, lang, guide_size)
            shape = hashlib.sha256(listed.shape().encode()).hexdigest()
            for number, (guides, brands) in enumerate(zip(listed.pages, listed.brands), 1):
                key = _guide_list_key(LIST_ENDPOINTS[kind], {"lang": lang, "number": number})
                parts[key] = shown.of_guide_list(shape, guides, brands)
    return parts


def _shown(shown: Shown, languages: list[str], size: int) -> dict[str, str]:
    """What each guide (in each language), listing and page of the directory's lists shows of the rest of the
    library (portal.fingerprints.Shown), by `kind/lang/slug`, `resource/slug` and `_list_key`."""
    library = shown.library
    parts = {f"resource/{slug}": shown.of_listing(slug) for slug in library.resources}
    for lang in languages:
        for kind in PAGE_KINDS:
            for slug, versions in library.pages_of(kind).items():
                parts[f"{kind}/{lang}/{slug}"] = shown.of_guide(versions.get(lang) or versions.get(SOURCE_LANGUAGE),
                                                               versions, lang)
    # A list page: its own listings, and where every listing stands.
    entries, by_category, categories = listing_order(library)
    shape = hashlib.sha256(list_shape(entries, categories).encode()).hexdigest()
    for _, values in [("site.resources", {}), *directory_pages(library, size, languages[0])]:
        listed = by_category.get(values["category"], []) if "category" in values else entries
        parts[_list_key(values)] = shown.of_list(shape, slice_of(listed, values.get("number", 1), size))
    return parts


def _freezer(app: Flask, destination: Path, pages: list[PlannedPage], static: bool) -> Freezer:
    app.config["FREEZER_DESTINATION"] = str(destination)
    freezer = Freezer(app, with_static_files=static, with_no_argument_rules=False, log_url_for=False)

    @freezer.register_generator
    def planned():
        for page in pages:
            yield page.endpoint, page.values

    return freezer


_JOB: dict = {}  # set in the parent just before the workers fork


def _freeze_share(index: int) -> None:
    """In a worker: freeze share `index` of the changed pages (the first share also the static files; the
    share after the workers' is frozen in the parent, before they fork)."""
    app, destination, shares, done = _JOB["app"], _JOB["destination"], _JOB["shares"], _JOB["done"]
    freezer = _freezer(app, destination, shares[index], static=index == 0)
    with warnings.catch_warnings():  # each worker freezes only its share of the endpoints
        warnings.simplefilter("ignore", MissingURLGeneratorWarning)
        for _ in freezer.freeze_yield():
            with done.get_lock():
                done.value += 1


def filepath(url: str) -> str:
    """The file a URL is frozen to, as Frozen-Flask writes it: /en/ -> en/index.html."""
    return (url + "index.html" if url.endswith("/") else url).lstrip("/")


def freeze(app: Flask, staging: Path, published: Path | None, previous: dict[str, str],
           workers: int | None = None, progress=None) -> tuple[dict[str, str], list[str], set[str], set[str], dict]:
    """Step 3: render into `staging` every page that changed since the build in `published`.

    `previous` maps each URL to its fingerprint in that build (empty for a full build).
    Returns the new map, the files of the published build that no longer exist, every file of
    the new site, the pages kept unchanged from the published build, and the content file of
    each built page that shows one.
    """
    pages = plan(app)
    for page, url in zip(pages, page_urls(app, [(page.endpoint, page.values) for page in pages])):
        page.url = url
    files = [filepath(page.url) for page in pages]
    root = os.path.join(published, "") if published is not None else ""  # (a string: joined to 10,000 names)
    changed = [page for page, rel in zip(pages, files)
               if published is None or previous.get(page.url) != page.fingerprint or not os.path.isfile(root + rel)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(changed) // 50 or 1))
    # With workers, the first page of each kind is rendered here first: what rendering one loads the first
    # time (catalogs, locale data, template globals) is then loaded once, before the workers fork.
    first = set({page.endpoint: id(page) for page in reversed(changed)}.values()) if workers > 1 else set()
    rest = [page for page in changed if id(page) not in first]
    shares = [rest[i::workers] for i in range(workers)] + [[page for page in changed if id(page) in first]]
    if progress:
        progress(f"  rendering {len(changed)} of {len(pages)} pages on {workers} core(s)")
    staging.mkdir(parents=True, exist_ok=True)
    context = get_context("fork")
    _JOB.update(app=app, destination=staging, shares=shares, done=context.Value("i", 0))
    try:
        if workers == 1:
            _freeze_share(0)
        else:
            _freeze_share(workers)  # the first page of each kind, here
            with context.Pool(workers) as pool:
                running = pool.map_async(_freeze_share, range(workers))
                while not running.ready():
                    running.wait(PROGRESS_SECONDS)
                    if progress and not running.ready():
                        progress(f"  rendered {min(_JOB['done'].value, len(changed))} of {len(changed)} pages")
                running.get()  # re-raise a worker's error here
    finally:
        _JOB.clear()
    (staging / ".nojekyll").write_text("")  # GitHub Pages: serve folders as they are
    current = set(files)
    static = {p.relative_to(staging).as_posix() for p in (staging / "static").rglob("*") if p.is_file()}
    fingerprints = {page.url: page.fingerprint for page in pages}
    stale = sorted({filepath(url) for url in previous.keys() - fingerprints.keys()} - current)  # pages gone
    if published is not None and (published / "static").is_dir():
        stale += sorted(rel for p in (published / "static").rglob("*")
                        if p.is_file() and (rel := p.relative_to(published).as_posix()) not in static)
    unchanged = current - {filepath(p.url) for p in changed} if published is not None else set()
    sources = {rel: page.source for page, rel in zip(pages, files) if page.source}
    return fingerprints, stale, current | static | EXTRA_FILES, unchanged, sources


def delta_limit(setting, indexed: int) -> int:
    """How many pages the delta index may hold before a build re-indexes everything (PORTAL_SEARCH_DELTA_MAX_PAGES;
    unset: 5% of the indexed pages, at least 50; 0: never a delta)."""
    return max(50, indexed // 20) if setting is None else setting


def index(staging: Path, published: Path | None, site_files: set[str], unchanged: set[str], removed: list[str],
          search: dict | None = None, limit=None, progress=None) -> tuple[set[str], list[str], dict]:
    """Step 4: the search index (Pagefind) of the new site: pagefind/ and pagefind-delta/ in staging.

    `search` is what the last build left of its index (None if nothing usable): its base's entry file
    (a hash), the id of each page in the base, the base's files, and the pages changed since the base
    was made. If only a few pages changed since, just they (and a sample of the others) are indexed,
    into the delta; else every page is, into a new base. Returns the index's files, the files of the
    published index it replaces, and what the next build needs to know of it. When no page changed,
    the published index is kept as it is.
    """
    pages = {rel for rel in site_files if rel.endswith(".html")}
    base_entry = published / BUNDLE / ENTRY if published is not None else None
    usable = isinstance(search, dict) and isinstance(search.get("ids"), dict) and isinstance(search.get("dirty"), list) \
        and base_entry.is_file() and (published / DELTA / STATE).is_file() \
        and search.get("entry") == hashlib.sha256(base_entry.read_bytes()).hexdigest()
    # The base's files change only with the base: listed when it was made (10,000 pages: 0.35 s to list again).
    listed = usable and isinstance(search.get("files"), list)
    old = (base_files(published, search["files"] if listed else None) | bundle_files(published, DELTA)
           if published is not None else set())
    if usable and not listed:  # kept by a build before the list was
        search = {**search, "files": sorted(rel for rel in old if rel.startswith(BUNDLE + "/"))}
    gone = {rel for rel in removed if rel.endswith(".html")}
    most = delta_limit(limit, len(search["ids"])) if usable else 0
    fits = usable and (not search["dirty"] or 0 < len(search["dirty"]) <= most)  # (the limit may have been lowered)
    if fits and pages <= unchanged and not gone:
        return old, [], search
    layers = [staging, published] if published else [staging]
    if usable:
        # The pages whose bytes changed since the last build (a page rendered again may come out the same).
        changed = {rel for rel in pages - unchanged
                   if not (published / rel).is_file() or (published / rel).read_bytes() != (staging / rel).read_bytes()}
        dirty = set(search["dirty"]) | changed | gone
        if fits and not changed and not gone:
            return old, [], search
        delta = {rel for rel in dirty & pages if is_indexed(read_page(layers, rel) or b"")}
        samples = sample(search["ids"], dirty)
        # Past the limit, or when the delta with its sample would hold half the pages (a template or a setting
        # changed; or a small site, whose sample is most of it), a full index costs little more and is exact.
        if most and (delta or samples) and len(delta) <= most and 2 * len(delta | samples) <= len(search["ids"]):
            return _index_delta(staging, layers, old, search, dirty, delta, samples, progress)
    if progress:
        progress("  indexing the pages for search (Pagefind)")
    if listed:  # the files the new base replaces, as they are (a list kept since may have missed one)
        old = bundle_files(published) | bundle_files(published, DELTA)
    try:
        count, files = index_site(layers, pages, staging)
    except PagefindError as exc:
        raise BuildError("The search index could not be built:", [str(exc)]) from None
    write_state(staging / DELTA, {"delta": False})
    files.add(f"{DELTA}/{STATE}")
    if progress:
        progress(f"  indexed {count} pages for search")
    state = {"entry": hashlib.sha256((staging / BUNDLE / ENTRY).read_bytes()).hexdigest(),
             "ids": page_ids(staging / BUNDLE), "dirty": [],
             "files": sorted(rel for rel in files if rel.startswith(BUNDLE + "/"))}
    return files, sorted(old - files), state


def _index_delta(staging: Path, layers: list[Path], old: set[str], search: dict, dirty: set[str], delta: set[str],
                 samples: set[str], progress=None) -> tuple[set[str], list[str], dict]:
    """Index the pages changed since the base (`delta`, of the pages changed or gone: `dirty`) and the sample
    of the others (`samples`) into pagefind-delta/, and say in its state.json which results the browser drops."""
    base_ids = search["ids"]
    if progress:
        progress(f"  indexing the {len(delta)} pages changed since the last full index (Pagefind), "
                 f"with {len(samples)} others for comparison")
    try:
        count, files = index_site(layers, delta | samples, staging, DELTA, samples)
    except PagefindError as exc:
        raise BuildError("The search index could not be built:", [str(exc)]) from None
    ids = page_ids(staging / DELTA)
    kept = {ids[rel] for rel in delta if rel in ids}  # a page indexed the same as in the base keeps its id
    hide_base = sorted({base_ids[rel] for rel in dirty if rel in base_ids} - kept)
    hide_delta = sorted(ids[rel] for rel in samples if rel in ids)
    languages = sorted({page_id.rpartition("_")[0] for page_id in ids.values()})
    write_state(staging / DELTA, {"delta": True, "hide_base": hide_base, "hide_delta": hide_delta,
                                  "languages": languages})
    files.add(f"{DELTA}/{STATE}")
    if progress:
        progress(f"  indexed {count} pages for search into {DELTA}/")
    base = {rel for rel in old if rel.startswith(BUNDLE + "/")}
    return base | files, sorted(old - base - files), {**search, "dirty": sorted(dirty)}


def source_namer(sources: dict[str, str], content_root: Path):
    """For the site check's messages: the content file (and line) behind a built page, else the page."""
    def where(page: str, url: str) -> str:
        source = sources.get(page)
        if not source:
            return page
        try:
            lines = (content_root.parent / source).read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        line = next((number for number, text in enumerate(lines, 1) if url in text), None)
        return f"{source}:{line} (built page {page})" if line else f"{source} (built page {page})"
    return where


def verify(problems: list[str], layers: list[Path], files: set[str]) -> None:
    """Step 5: the link check (portal.sitecheck, run beside step 4) found every internal link and asset
    resolves and nothing loads from another site, and the search page has the files of its index
    (pagefind/ and pagefind-delta/) among the site's `files`."""
    if problems:
        raise BuildError(f"The built site has {len(problems)} broken link(s):", problems)
    missing = check_index(layers, files)
    if missing:
        raise BuildError("The site's search index is incomplete:", missing)


def _publish_rank(path: Path) -> int:
    """Files of rank 0 are moved into place first, then the indexes' entry files (each names the other files
    of its index), then the delta's state.json (it names pages of both indexes)."""
    return 2 if path.name == STATE and path.parent.name == DELTA else int(path.name == ENTRY)


def publish(staging: Path, output: Path, incremental: bool, stale: list[str]) -> None:
    """Step 6: put the new site in place.

    A full build swaps the whole folder in two renames. An incremental build moves each
    changed file over the old one (each move is atomic) and deletes the pages that are gone.
    """
    if not incremental:
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        if output.exists():
            output.rename(old)
        staging.rename(output)
        shutil.rmtree(old, ignore_errors=True)
        return
    # The search index's entry file names its other files, so it is replaced after them, and the delta's
    # state.json (which names pages of both indexes) after both.
    for path in sorted(staging.rglob("*"), key=lambda p: (_publish_rank(p), p)):
        if path.is_file():
            target = output / path.relative_to(staging)
            if target.is_file() and target.read_bytes() == path.read_bytes():
                continue  # unchanged bytes: keep the old file and its date (rsync, CDNs)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    folders = set()
    for rel in stale:
        (output / rel).unlink(missing_ok=True)
        folders.update((output / rel).parents)
    # Folders left empty go too, deepest first. rmdir refuses a folder that still holds something, so no
    # folder is listed: listing it once per file removed was quadratic (a delta replaces hundreds of files).
    for folder in sorted((f for f in folders if output in f.parents), key=lambda f: len(f.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            pass


def _manifest_path(settings: dict, output: Path) -> Path | None:
    cache = settings.get("PORTAL_CACHE_DIR")
    if not cache:
        return None
    return Path(cache) / "builds" / (hashlib.sha256(str(output).encode()).hexdigest()[:16] + ".json")


def build(settings: dict, output: str | Path = "build", progress=None, workers: int | None = None) -> BuildResult:
    """Run every step; on any failure remove the staging folder and re-raise."""
    started = time.perf_counter()
    output = Path(output).resolve()
    library = load(settings, progress)
    require_review(library, settings)
    app = make_site(library, settings)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    manifest = _manifest_path(app.config, output)
    previous = json.loads(manifest.read_text()) if manifest and manifest.is_file() and output.is_dir() else {}
    published = output if previous else None
    search_cache = manifest.with_suffix(".search.json") if manifest else None
    try:
        search = json.loads(search_cache.read_text()) if published and search_cache.is_file() else None
    except ValueError:
        search = None  # a full index then
    try:
        fingerprints, stale, site_files, unchanged, sources = freeze(app, staging, published, previous, workers,
                                                                     progress)
        rendered = len(fingerprints) - len(unchanged)  # pages and data files
        layers = [staging, output] if published else [staging]
        # The link check keeps what it read of each page in its state (one per built site), for the next build;
        # Beside gives it its last argument, `later`: the index's files.
        check_state = manifest.with_suffix(".sitecheck.sqlite") if manifest else None
        check = partial(check_site, layers, urlsplit(app.config["PORTAL_BASE_URL"]).path or "/", check_state,
                        set(stale), site_files, unchanged, source_namer(sources, Path(library.root)))
        with Beside(check) as links:
            if rendered or stale or published is None:
                links.start()  # it reads the pages while Pagefind indexes them, and gets the index's files after
            try:
                search_files, stale_search, search = index(staging, published, site_files, unchanged, stale, search,
                                                           app.config.get("PORTAL_SEARCH_DELTA_MAX_PAGES"), progress)
            except BuildError as failed:  # no index: what the link check found is said too
                links.give(None)
                problems = links.result()
                if not problems:
                    raise
                raise BuildError(f"{failed.title[:-1]}, and the built site has {len(problems)} broken link(s):",
                                 failed.problems + problems) from None
            links.give(search_files)
            indexed = (staging / BUNDLE).exists() or (staging / DELTA).exists()  # a new index, full or delta
            if rendered or stale or stale_search or indexed or published is None:  # else: the site checked last time
                links.start()  # (if it did not start beside the index)
                verify(links.result(), layers, (site_files | search_files) - set(stale))
        stale += stale_search
        if manifest:
            manifest.unlink(missing_ok=True)  # if publishing is cut short, the next build is a full one
            search_cache.unlink(missing_ok=True)
        publish(staging, output, published is not None, stale)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if manifest:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps(fingerprints, sort_keys=True))
        search_cache.write_text(json.dumps(search, sort_keys=True))
    return BuildResult(output, len(fingerprints), rendered, time.perf_counter() - started)
