"""Find library pages for the console: the same search engine as /api/v1/search (portal/search).

Lay words, brand names, misspellings and codes find pages as they do in the API; the console
shows each hit with its summary and teach-back questions.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.care.items import Item, resolve
from portal.content import Library
from portal.content.pages import PAGE_KINDS


@dataclass(frozen=True)
class ContentHit:
    item: Item
    summary: str
    teach_back: tuple[str, ...]


def _words_of(library: Library, kind: str, slug: str, lang: str) -> str:
    if kind == "resource":
        data = library.resources[slug].data
        return " ".join([data.name, data.description, *data.categories])
    page, english = library.page(kind, slug, lang), library.page(kind, slug, "en")
    meta = page.meta
    names = [meta.title, english.meta.title, *meta.also_called, *meta.keywords, slug]
    names += [getattr(meta, "generic_name", ""), *getattr(meta, "brand_names", [])]
    return " ".join(names)


def hit(library: Library, ref: str, lang: str) -> ContentHit | None:
    """A page as a search result: title, summary and its teach-back questions."""
    item = resolve(library, ref, lang)
    if item is None:
        return None
    if item.kind == "resource":
        return ContentHit(item, library.resources[item.slug].data.description, ())
    page = library.page(item.kind, item.slug, lang)
    return ContentHit(item, page.summary, tuple(page.meta.teach_back))


def search_content(library: Library, query: str, lang: str, limit: int = 30) -> list[ContentHit]:
    """The pages the search engine finds for `query`, best first; every page, by title, when it is empty."""
    if query.strip():
        from flask import current_app

        from portal.search.app_index import search_index

        found = search_index(current_app).search(query, lang, None, limit)
        hits = [hit(library, f"{h.kind}:{h.slug}", lang) for h in found.hits]
        return [h for h in hits if h is not None] or _matching(library, query, lang, limit)
    return _matching(library, query, lang, limit)


def _matching(library: Library, query: str, lang: str, limit: int) -> list[ContentHit]:
    """Pages whose names contain every word of `query`, titles first."""
    words = query.casefold().split()
    refs = [f"{kind}:{slug}" for kind in PAGE_KINDS for slug in library.pages_of(kind)]
    refs += [f"resource:{slug}" for slug in library.resources]
    hits = []
    for ref in refs:
        kind, _, slug = ref.partition(":")
        text = _words_of(library, kind, slug, lang).casefold()
        if all(word in text for word in words):
            hits.append(hit(library, ref, lang))
    title_first = sorted(hits, key=lambda h: (not all(w in h.item.title.casefold() for w in words),
                                               h.item.title.casefold()))
    return title_first[:limit]
