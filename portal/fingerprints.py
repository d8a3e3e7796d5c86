"""What each page of the site is made from, as a hash: a page whose hash is unchanged since the
last build has the same bytes, so the build can keep it instead of rendering it again.

A detail page depends on the code and templates, the settings, its own content, and what it
shows of other pages: a guide, the front matter of the pages and the listings it names (their
titles) and of its English version (its review); a listing, the kinds of help; a page of a list
of guides, the front matter of its guides and where every guide stands. The reading list shows
nothing of them (the browser asks the pages it lists for their titles). The other index pages
(the home page lists guides by title) depend on every guide's title and every listing. Bodies
are never shown on another page, so the common edit (a guide's text) renders one page, and an
edit of a guide's front matter or of a listing renders it, the pages that name it, the page of
its list and the other index pages.
"""
from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

from flask import Flask

from portal.content.cache import code_fingerprint
from portal.content.pages import PAGE_KINDS, RELATED_FIELDS, SOURCE_LANGUAGE
from portal.i18n import TRANSLATIONS

_PORTAL = Path(__file__).parent


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def site_fingerprint(app: Flask) -> str:
    """The code, templates, static files, libraries and settings every page is rendered with."""
    folders = [_PORTAL, TRANSLATIONS] + ([Path(app.template_folder)] if app.template_folder else [])
    files = sorted(p for folder in folders for p in folder.rglob("*")
                   if p.is_file() and p.suffix in (".py", ".html", ".xml", ".css", ".js", ".txt", ".po", ".png"))
    settings = json.dumps({k: v for k, v in app.config.items() if k.startswith("PORTAL_")}, sort_keys=True,
                          default=str)
    libraries = ",".join(f"{p}={version(p)}" for p in ("flask", "jinja2", "flask-babel", "babel", "frozen-flask", "zipcodes"))
    return _digest(code_fingerprint(), settings, libraries,
                   *(str(p).encode() + p.read_bytes() for p in files))


def guides_fingerprint(library) -> str:
    """Every guide's front matter: what the lists of guides (and the home page) show of them."""
    return _digest(*(f"{page.path}:{page.meta_json}" for page in sorted(library.all_pages(), key=lambda p: p.path)))


def page_fingerprint(page) -> str:
    """A guide's own content: the hash its file was cached under, else its rendered parts."""
    return page.digest or _digest(page.path, page.meta_json, *(
        f"{s.key}|{s.title}|{p.key}|{p.title}|{p.html}" for s in page.sections for p in s.parts))


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Shown:
    """What a detail page shows of the rest of the library, as a hash (see the module's text). Each page's
    front matter and each listing is hashed once, however many pages show it."""

    def __init__(self, library):
        self.library = library
        self._listings: dict[str, str] = {}  # slug -> a hash of the listing
        self._fronts: dict[int, str] = {}  # id(page) -> a hash of its front matter
        self._named: dict[tuple, str] = {}  # (kind, slug, lang) -> what a page naming that page shows of it
        self._taxonomy = _hash(library.taxonomy.model_dump_json() if library.taxonomy else "")

    def front(self, page) -> str:
        key = id(page)
        if key not in self._fronts:
            self._fronts[key] = _hash(page.meta_json)
        return self._fronts[key]

    def listing(self, slug: str) -> str:
        if slug not in self._listings:
            entry = self.library.resources.get(slug)
            self._listings[slug] = _hash(entry.data.model_dump_json()) if entry else "-"
        return self._listings[slug]

    def of_guide(self, page, versions: dict, lang: str) -> str:
        """A guide in `lang` (`page`: its own version, or the English one until it is translated)."""
        source = versions.get(SOURCE_LANGUAGE)
        parts = [",".join(sorted(versions)), self.front(source) if source is not None and source is not page else ""]
        related, named = page.related, self._named
        for field, kind in RELATED_FIELDS.items():
            for slug in related.get(field, ()):
                if kind == "resource":
                    parts.append(self.listing(slug))
                elif (kind, slug, lang) in named:
                    parts.append(named[kind, slug, lang])
                else:
                    other = self.library.page(kind, slug, lang)
                    named[kind, slug, lang] = f"{kind}:{slug}:{self.front(other) if other is not None else '-'}"
                    parts.append(named[kind, slug, lang])
        return _hash("\0".join(parts))

    def of_listing(self, slug: str) -> str:
        return _hash(self.listing(slug) + self._taxonomy)

    def of_guide_list(self, shape: str, pages: list, brands: list) -> str:
        """A page of a list of guides: where every guide stands (`shape`, a hash of GuideList.shape), and the
        front matter of its guides and of the medicines its brand names name."""
        return _hash(shape + "".join(f"{page.lang}:{self.front(page)}" for page in [*pages, *(p for _, p in brands)]))

    def titles(self, lang: str) -> str:
        """The title of every guide in `lang` (the English one until it is translated): what the home page
        shows of the guides."""
        return _hash("".join(f"{kind}:{slug}:{self.library.page(kind, slug, lang).title}\0" for kind in PAGE_KINDS
                             for slug in sorted(self.library.pages_of(kind))))

    def of_list(self, shape: str, entries: list) -> str:
        """A page of the directory's lists: the listings it shows, and `shape` (a hash of listing_pages.list_shape)."""
        return _hash(shape + self._taxonomy + "".join(self.listing(entry.slug) for entry in entries))

    def listings(self) -> str:
        """Every listing and the kinds of help: what the directory's lists show (and nothing of the guides)."""
        return _hash("".join(f"{slug}:{self.listing(slug)}" for slug in sorted(self.library.resources)) + self._taxonomy)
