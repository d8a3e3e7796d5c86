"""Check a built site: every internal link, asset and #anchor resolves; nothing loads from elsewhere.

Pages are scanned with regular expressions (the site's own templates write every attribute in
double quotes), and what a file holds is cached by its inode, size and modification time, so
a rebuild that kept most files as they were only scans the files it rewrote.
"""
from __future__ import annotations

import html
import os
import pickle
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

_EXTERNAL_SCHEMES = ("http:", "https:", "mailto:", "tel:", "sms:", "data:")
_TAG = re.compile(r"<(a|link|script|img|iframe|source|audio|video|meta)\b([^>]*)>", re.I)
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]+)"')
_LOADS = {"script", "img", "iframe", "source", "audio", "video"}


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


def _scan_layers(layers: list[Path], hidden: set[str], cache_file: Path | None) -> dict[str, tuple[list, set]]:
    """Scan the pages of the site seen through its layers (first wins), minus `hidden` files."""
    cached: dict = {}
    if cache_file and cache_file.is_file():
        try:
            cached = pickle.loads(cache_file.read_bytes())
        except (pickle.PickleError, EOFError, ValueError):
            cached = {}
    scanned: dict = {}
    for layer in layers:
        for path in sorted(layer.rglob("*.html")):
            rel = path.relative_to(layer).as_posix()
            if rel in scanned or rel in hidden:
                continue
            stat = path.stat()
            identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            hit = cached.get(rel)
            scanned[rel] = hit if hit and hit[0] == identity else (identity, *scan(path.read_text(encoding="utf-8")))
    if cache_file:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(scanned, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(cache_file)
    return {rel: (links, ids) for rel, (_identity, links, ids) in scanned.items()}


def check_site(root: Path | list[Path], base_path: str = "/", cache_dir: Path | None = None,
               hidden: set[str] = frozenset()) -> list[str]:
    """Return one message per broken link, missing anchor or third-party load in the built site.

    `root` may be a list of folders laid over each other (a build's changed files over the
    last build); files named in `hidden` count as deleted.
    """
    layers = [Path(r) for r in (root if isinstance(root, list) else [root])]
    pages = _scan_layers(layers, set(hidden), Path(cache_dir) / "scan.pickle" if cache_dir else None)
    exists: dict[str, bool] = {}

    def is_file(rel: str) -> bool:
        if rel not in exists:
            exists[rel] = rel not in hidden and any((layer / rel).is_file() for layer in layers)
        return exists[rel]

    problems = []
    for rel, (links, _ids) in pages.items():
        page_url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for kind, url in links:
            if url.startswith(_EXTERNAL_SCHEMES) or url.startswith("//"):
                if kind == "load":
                    problems.append(f"{rel}: loads {url} from another site (serve it from the site itself)")
                continue
            path, _, fragment = (url if url.startswith("/") else urljoin(page_url, url)).partition("#")
            path = unquote(path.partition("?")[0])
            if not path.startswith(base_path):
                problems.append(f"{rel}: link {url} points outside the site's base path {base_path}")
                continue
            target = path[len(base_path):]
            if target.endswith("/") or target == "" or (not is_file(target) and is_file(target + "/index.html")):
                target = (target.rstrip("/") + "/index.html").lstrip("/")
            if not is_file(target):
                problems.append(f"{rel}: broken link {url} (no file {target})")
            elif fragment and target.endswith(".html") and fragment not in pages.get(target, ((), set()))[1]:
                problems.append(f"{rel}: link {url} names #{fragment}, which is not on that page")
    return problems
