"""Check a built site: every internal link, asset and #anchor resolves; nothing loads from elsewhere.

Pages are scanned with regular expressions (the site's own templates write every attribute in
double quotes). A build keeps the scans of the last check that passed (portal.sitecheck_state), by
each file's inode, size and modification time, so a rebuild that kept most files as they were only
scans the files it rewrote, and checks again only the unchanged pages that link to what changed.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urljoin

from portal.content.links import SITE_SCHEMES, link_problem
from portal.sitecheck_state import ScanState, StateError

_EXTERNAL_SCHEMES = tuple(f"{scheme}:" for scheme in SITE_SCHEMES)
_TAG = re.compile(r"<(a|link|script|img|iframe|source|audio|video|meta)\b([^>]*)>", re.I)
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]+)"')
_LOADS = {"script", "img", "iframe", "source", "audio", "video"}
_SCANNED = (".html", ".webmanifest")  # the files whose links are checked


def scan(text: str) -> tuple[list[tuple[str, str]], set[str]]:
    """(kind, url) of every link and loaded asset, and the ids, of one HTML page."""
    links = []
    for tag, attributes in _TAG.findall(text):
        tag = tag.lower()
        attrs = {k.lower(): html.unescape(v) for k, v in _ATTR.findall(attributes)}
        if tag == "a" and attrs.get("href"):
            links.append(("link", attrs["href"]))
        elif tag == "link" and attrs.get("href"):
            loads = attrs.get("rel", "") in ("stylesheet", "icon", "preload", "manifest")
            links.append(("load" if loads else "link", attrs["href"]))
        elif tag in _LOADS and attrs.get("src"):
            links.append(("load", attrs["src"]))
        elif tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            target = attrs.get("content", "").partition("url=")[2]
            if target:
                links.append(("link", target))
    return links, set(_ID.findall(text))


def scan_manifest(text: str) -> tuple[list[tuple[str, str]], set[str]]:
    """The addresses a web app manifest names: where the app starts, its scope and its icons."""
    try:
        data = json.loads(text)
    except ValueError:
        return [("invalid", "the web app manifest is not valid JSON (it is written by portal/site/webapp.py)")], set()
    links = [("link", data[key]) for key in ("start_url", "scope") if isinstance(data.get(key), str)]
    return links + [("load", icon["src"]) for icon in data.get("icons", []) if isinstance(icon, dict) and "src" in icon], set()


def _file(layers: list[Path], names: dict[str, Path | None], rel: str) -> Path:
    layer = names[rel]
    return layer / rel if layer else next(layer / rel for layer in layers if (layer / rel).is_file())


def check_site(root: Path | list[Path], base_path: str = "/", state_file: Path | None = None,
               hidden: set[str] = frozenset(), site_files: set[str] | None = None,
               trusted: set[str] = frozenset(), where: Callable[[str, str], str] | None = None,
               later: Callable[[], set[str] | None] | None = None) -> list[str]:
    """Return one message per broken link, missing anchor or third-party load in the built site.

    `root` may be a list of folders laid over each other (a build's changed files over the
    last build); files named in `hidden` count as deleted. A builder that knows every file of
    the site passes `site_files`, and the unchanged pages as `trusted`, to skip the disk.
    With a `state_file` (portal.sitecheck_state), the scans of a check that passed are kept
    there, and a trusted page is checked again only if a page it links to went, or changed
    and lost an #anchor; a state that cannot be read means every page is checked.
    A builder still writing files of the site while the check runs (the search index: no page
    among them) passes `later`, which waits for those files and returns them (None: they will not
    come, the build failed). It is called only for a link to a file not in `site_files`, and before
    the state is committed; without the files, the state is not saved.
    """
    layers = [Path(r) for r in (root if isinstance(root, list) else [root])]
    where = where or (lambda page, url: page)
    later = later or set  # (nothing more to come)
    state = ScanState(state_file, base_path) if state_file else None
    try:
        try:
            return _check(layers, base_path, state, set(hidden), site_files, set(trusted), where, later)
        except StateError:
            if state is None:  # (only a saved state can be damaged)
                raise
            state.reset()  # and check every page
            return _check(layers, base_path, state, set(hidden), site_files, set(trusted), where, later)
    finally:
        if state:
            state.close()


def _check(layers: list[Path], base_path: str, state: ScanState | None, hidden: set[str], site_files: set[str] | None,
           trusted: set[str], where: Callable[[str, str], str], later: Callable[[], set[str] | None]) -> list[str]:
    if site_files is None:
        names = {p.relative_to(layer).as_posix(): layer for layer in reversed(layers) for p in layer.rglob("*")
                 if p.suffix in _SCANNED}
    else:
        names = {rel: None for rel in site_files if rel.endswith(_SCANNED)}
    for rel in hidden:
        names.pop(rel, None)
    known = state.pages() if state else set()
    kept = trusted & known & names.keys()  # unchanged since their saved scan: not opened
    gone = known - names.keys()
    saved = state.scans(((names.keys() - kept) | gone) & known) if state else {}
    scans: dict = {}  # rel -> (identity, links, ids) of each page checked
    for rel in sorted(names.keys() - kept):
        path = _file(layers, names, rel)
        stat = path.stat()
        identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        hit = saved[rel][0] if rel in saved else None
        if hit and hit[0] == identity:
            scans[rel] = hit
        else:
            reader = scan_manifest if rel.endswith(".webmanifest") else scan
            scans[rel] = (identity, *reader(path.read_text(encoding="utf-8")))
    if kept:  # the unchanged pages linking to a file that went, or to an #anchor a page may have lost
        lost_ids = {rel for rel, (_identity, _links, ids) in scans.items()
                    if rel not in saved or saved[rel][0][2] - ids}
        again = state.linking_to(hidden | gone, lost_ids) & kept
        saved.update(state.scans(again))
        if not again <= saved.keys():
            raise StateError("a page linking to what changed has no saved scan")
        scans.update((rel, saved[rel][0]) for rel in again)
    exists: dict[str, bool] = {}
    judged: dict[str, tuple[str, str] | None] = {}  # url -> link_problem: every page links the same menu
    other_ids: dict[str, set[str]] = {}  # the ids of pages not checked here, from the state

    def is_file(rel: str) -> bool:
        if rel not in exists:
            exists[rel] = rel not in hidden and (rel in site_files or rel in (later() or ())
                                                 if site_files is not None
                                                 else any((layer / rel).is_file() for layer in layers))
        return exists[rel]

    def ids_of(rel: str) -> set[str]:
        if rel in scans:
            return scans[rel][2]
        if rel not in other_ids:
            found = state.scans([rel]) if state and rel in known else {}
            if rel not in found:
                raise StateError(f"no saved scan of {rel}")  # the state lost a page: check them all
            other_ids[rel] = found[rel][0][2]
        return other_ids[rel]

    problems = []
    targets_of: dict[str, dict[str, bool]] = {}
    for rel in sorted(scans):
        targets: dict[str, bool] = {}
        targets_of[rel] = targets
        page_url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for kind, url in scans[rel][1]:
            if kind == "invalid":
                problems.append(f"{rel}: {url}")
                continue
            refused = judged[url] if url in judged else judged.setdefault(url, link_problem(url, in_source=False))
            if refused:
                problems.append(f"{where(rel, url)}: {refused[0]} ({refused[1]})")
                continue
            if url.startswith(_EXTERNAL_SCHEMES) or url.startswith("//"):
                if kind == "load":
                    problems.append(f"{where(rel, url)}: loads {url} from another site (serve it from the site itself)")
                continue
            path, _, fragment = (url if url.startswith("/") else urljoin(page_url, url)).partition("#")
            path = unquote(path.partition("?")[0])
            if not path.startswith(base_path):
                problems.append(f"{where(rel, url)}: link {url} points outside the site's base path {base_path}")
                continue
            target = path[len(base_path):]
            if target.endswith("/") or target == "" or (not is_file(target) and is_file(target + "/index.html")):
                target = (target.rstrip("/") + "/index.html").lstrip("/")
            targets[target] = targets.get(target, False) or bool(fragment)
            if not is_file(target):
                problems.append(f"{where(rel, url)}: broken link {url} (no file {target})")
            elif fragment and target.endswith(".html") and fragment not in ids_of(target):
                problems.append(f"{where(rel, url)}: link {url} names #{fragment}, which is not on that page")
    if state and not problems:  # a rejected build's pages must never be trusted later
        changed = {rel: (scans[rel], targets) for rel, targets in targets_of.items()
                   if saved.get(rel) != (scans[rel], targets)}
        if changed or gone:
            state.save(changed, {rel: saved[rel][1] for rel in changed.keys() | gone if rel in saved}, gone,
                       lambda: later() is not None)
    return problems
