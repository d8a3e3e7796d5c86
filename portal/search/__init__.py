"""Search over the content, behind one small interface so the engine can be replaced.

    index = open_index(library, synonyms, languages, base_url, cache_dir)
    index.search("water pill", "en", type="medication", limit=10) -> SearchResults(hits, suggestion)
    index.lookup("E11.65", "icd10", "es") -> [SearchHit, ...]

Whoosh answers text queries today (portal.search.whoosh_index); nothing outside this package
imports it. The static site is searched by Pagefind in the browser (portal.search.pagefind).
Knows no Flask.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from portal.search.codes import CodeError, code_system, find_by_code, looks_like_code
from portal.search.documents import KINDS, SearchDocument, build_documents
from portal.search.synonyms import Synonyms

__all__ = ["SearchHit", "SearchResults", "SearchIndex", "CodeError", "KINDS", "open_index", "resolve_language"]


@dataclass
class SearchHit:
    """A page that answers a query, with the address to send to a patient."""

    kind: str  # condition, medication, topic or resource
    slug: str
    title: str
    summary: str
    url: str  # the page on the static site (PORTAL_BASE_URL + path)
    lang: str  # the language of the page's URL
    content_lang: str  # the language its text is in: English where no translation exists yet
    score: float = 0.0
    reviewed: str = ""  # YYYY-MM-DD the page was last reviewed
    categories: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    hits: list[SearchHit]
    suggestion: str | None = None  # the query with misspelled words corrected ("did you mean")


class SearchIndex(Protocol):
    """What the API needs of a search engine."""

    def search(self, query: str, lang: str, type: str | None = None, limit: int = 10) -> SearchResults: ...

    def lookup(self, code: str, system: str, lang: str) -> list[SearchHit]: ...


def resolve_language(code: str | None, languages: tuple[str, ...]) -> str:
    """The site language for a requested one (es-MX -> es, zh-Hans -> zh); English when the site lacks it."""
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return base if base in languages else languages[0]


class PortalSearch:
    """The portal's search: Whoosh for words, the code tables for ICD-10-CM and RxNorm."""

    def __init__(self, documents: list[SearchDocument], base_url: str, cache_dir: str | Path | None):
        from portal.search.whoosh_index import WhooshIndex

        self.documents = documents
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.engine = WhooshIndex(documents, cache_dir)

    def _hit(self, document: SearchDocument, score: float = 0.0) -> SearchHit:
        return SearchHit(document.kind, document.slug, document.title, document.summary,
                         self.base_url + document.path, document.lang, document.content_lang, round(score, 3),
                         document.reviewed, list(document.categories))

    def search(self, query: str, lang: str, type: str | None = None, limit: int = 10) -> SearchResults:
        """Pages for the words of `query` in `lang`; a query that is a code also finds the code's pages."""
        query = unicodedata.normalize("NFC", query)
        coded = []
        system = looks_like_code(query)
        if system:
            coded = [d for d in find_by_code(self.documents, query, system, lang) if type in (None, d.kind)]
        found, suggestion = self.engine.search(query, lang, type, limit)
        if suggestion and not coded:  # the pages for the words as typed first, then for the corrected words
            found = found + self.engine.search(suggestion, lang, type, limit)[0]
        hits, keys = [self._hit(d, 100.0) for d in coded], {d.key for d in coded}
        for document, score in found:
            if document.key not in keys:
                keys.add(document.key)
                hits.append(self._hit(document, score))
        return SearchResults(hits[:limit], None if coded else suggestion)

    def lookup(self, code: str, system: str, lang: str) -> list[SearchHit]:
        """Guides and medication sheets for a clinical code, in `lang` (English text where untranslated)."""
        return [self._hit(d) for d in find_by_code(self.documents, code, code_system(system), lang)
                if d.kind != "resource"]


def open_index(library, synonyms: Synonyms, languages: tuple[str, ...], base_url: str,
               cache_dir: str | Path | None = None) -> PortalSearch:
    """The search index of a content library, loaded from `cache_dir` when the content is unchanged."""
    return PortalSearch(build_documents(library, synonyms, languages), base_url, cache_dir)
