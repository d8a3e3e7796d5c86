"""Check a built site: every internal link, asset and #anchor resolves; nothing loads from elsewhere.

Pages are scanned with regular expressions (the site's own templates write every attribute in
double quotes), and what a file holds is cached by its inode, size and modification time, so
a rebuild that kept most files as they were only scans the files it rewrote.
"""
from __future__ import annotations

import html
import json
import os
import pickle
import re
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urljoin

from portal.content.links import SITE_SCHEMES, link_problem

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


def _scan_layers(layers: list[Path], hidden: set[str], cache_file: Path | None,
                 site_files: set[str] | None, trusted: set[str]) -> tuple[dict, dict]:
    """Scan the pages of the site seen through its layers (first wins), minus `hidden` files.

    Pages in `trusted` (unchanged since the cached scan) are taken from the cache unopened.
    Returns the scan and the cache it started from.
    """
    cached: dict = {}
    if cache_file and cache_file.is_file():
        try:
            cached = pickle.loads(cache_file.read_bytes())
        except (pickle.PickleError, EOFError, ValueError):
            cached = {}
    if site_files is None:
        names = {p.relative_to(layer).as_posix(): layer for layer in reversed(layers) for p in layer.rglob("*")
                 if p.suffix in _SCANNED}
    else:
        names = {rel: None for rel in site_files if rel.endswith(_SCANNED)}
    scanned: dict = {}
    for rel in sorted(names):
        if rel in hidden:
            continue
        hit = cached.get(rel)
        if hit and rel in trusted:
            scanned[rel] = hit
            continue
        hit = hit[:3] if hit else None  # a page read again has its links resolved again
        path = names[rel] / rel if names[rel] else next(layer / rel for layer in layers if (layer / rel).is_file())
        stat = path.stat()
        identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        reader = scan_manifest if rel.endswith(".webmanifest") else scan
        scanned[rel] = hit if hit and hit[0] == identity else (identity, *reader(path.read_text(encoding="utf-8")))
    return scanned, cached


def _save(cache_file: Path, scanned: dict) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(pickle.dumps(scanned, protocol=pickle.HIGHEST_PROTOCOL))
    temporary.replace(cache_file)


def check_site(root: Path | list[Path], base_path: str = "/", cache_dir: Path | None = None,
               hidden: set[str] = frozenset(), site_files: set[str] | None = None,
               trusted: set[str] = frozenset(), where: Callable[[str, str], str] | None = None) -> list[str]:
    """Return one message per broken link, missing anchor or third-party load in the built site.

    `root` may be a list of folders laid over each other (a build's changed files over the
    last build); files named in `hidden` count as deleted. A builder that knows every file of
    the site passes `site_files`, and the unchanged pages as `trusted`, to skip the disk.
    """
    layers = [Path(r) for r in (root if isinstance(root, list) else [root])]
    cache_file = Path(cache_dir) / "scan.pickle" if cache_dir else None
    where = where or (lambda page, url: page)
    scanned, cached = _scan_layers(layers, set(hidden), cache_file, site_files, set(trusted))
    pages = {rel: (entry[1], entry[2]) for rel, entry in scanned.items()}
    exists: dict[str, bool] = {}
    judged: dict[str, tuple[str, str] | None] = {}  # url -> link_problem: every page links the same menu

    def is_file(rel: str) -> bool:
        if rel not in exists:
            exists[rel] = rel not in hidden and (rel in site_files if site_files is not None
                                                 else any((layer / rel).is_file() for layer in layers))
        return exists[rel]

    html_files = set(pages)
    touched = set(hidden) | (html_files - set(trusted))  # files that are new, re-rendered or gone
    problems = []
    for rel, (links, _ids) in pages.items():
        entry = scanned[rel]
        if rel in trusted and len(entry) > 3 and entry[3][0] == base_path and not (entry[3][1] & touched):
            continue  # passed last time, and nothing it points at has changed
        targets: set[str] = set()
        page_url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for kind, url in links:
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
            targets.add(target)
            if not is_file(target):
                problems.append(f"{where(rel, url)}: broken link {url} (no file {target})")
            elif fragment and target.endswith(".html") and fragment not in pages.get(target, ((), set()))[1]:
                problems.append(f"{where(rel, url)}: link {url} names #{fragment}, which is not on that page")
        resolved = (base_path, frozenset(targets))
        if len(entry) < 4 or entry[3] != resolved:
            scanned[rel] = (*entry[:3], resolved)
    dirty = scanned.keys() != cached.keys() or any(scanned[rel] is not cached[rel] for rel in scanned)
    if cache_file and not problems and dirty:  # a rejected build's pages must never be trusted later
        _save(cache_file, scanned)
    return problems
