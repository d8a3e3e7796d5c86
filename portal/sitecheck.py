"""Check a built site: every internal link, asset and #anchor resolves; nothing loads from elsewhere."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

_EXTERNAL_SCHEMES = ("http:", "https:", "mailto:", "tel:", "sms:", "data:")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (kind, url): kind "link" is navigation, "load" is fetched
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(("link", attrs["href"]))
        elif tag == "link" and attrs.get("href"):
            loads = attrs.get("rel", "") in ("stylesheet", "icon", "preload", "manifest")
            self.links.append(("load" if loads else "link", attrs["href"]))
        elif tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.links.append(("load", attrs["src"]))
        elif tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            target = attrs.get("content", "").partition("url=")[2]
            if target:
                self.links.append(("link", target))


def _parse(path: Path) -> _Refs:
    refs = _Refs()
    refs.feed(path.read_text(encoding="utf-8"))
    refs.close()
    return refs


def _target(root: Path, base_path: str, page_url: str, url: str) -> tuple[Path | None, str]:
    absolute = urljoin(page_url, url)
    parts = urlsplit(absolute)
    path = unquote(parts.path)
    if not path.startswith(base_path):
        return None, parts.fragment
    local = root / path[len(base_path):]
    if path.endswith("/") or local.is_dir():
        local = local / "index.html"
    return local, parts.fragment


def check_site(root: Path, base_path: str = "/") -> list[str]:
    """Return one message per broken link, missing anchor or third-party load in the built site."""
    root = Path(root)
    pages = {p: _parse(p) for p in sorted(root.rglob("*.html"))}
    problems = []
    for page, refs in pages.items():
        rel = page.relative_to(root).as_posix()
        page_url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for kind, url in refs.links:
            if url.startswith(_EXTERNAL_SCHEMES) or url.startswith("//"):
                if kind == "load":
                    problems.append(f"{rel}: loads {url} from another site (serve it from the site itself)")
                continue
            target, fragment = _target(root, base_path, page_url, url)
            if target is None:
                problems.append(f"{rel}: link {url} points outside the site's base path {base_path}")
            elif not target.is_file():
                problems.append(f"{rel}: broken link {url} (no file {target.relative_to(root).as_posix()})")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if fragment not in ids:
                    problems.append(f"{rel}: link {url} names #{fragment}, which is not on that page")
    return problems
