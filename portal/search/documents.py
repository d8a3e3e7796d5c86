"""What search engines index: one record per page and language, built from the content models.

Engine-neutral: the Whoosh index (portal.search.whoosh_index) and the code lookup
(portal.search.codes) read these records; the static pages carry the same search terms for
Pagefind (portal.search.pagefind).
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import asdict, dataclass, field

from portal.search.synonyms import Synonyms, page_terms, resource_terms, search_terms

from portal.content.pages import PAGE_KINDS

KINDS = (*PAGE_KINDS, "resource")
URL_FOLDERS = {"condition": "conditions", "medication": "medications", "topic": "topics", "resource": "resources"}
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class SearchDocument:
    """A page of the site in one language, as the search engines see it."""

    lang: str  # the language of the site the page belongs to (its URL)
    content_lang: str  # the language its text is in (English where no translation exists yet)
    kind: str  # condition, medication, topic or resource
    slug: str
    title: str
    summary: str
    terms: list[str]  # own search words plus their synonyms
    names: list[str]  # the names a page is known by, correctly spelled (for "did you mean")
    body: str
    path: str  # the page's path below the site's base URL: es/conditions/asthma/
    reviewed: str = ""  # when the page was last reviewed (a resource: last verified), YYYY-MM-DD
    categories: list[str] = field(default_factory=list)
    icd10: list[str] = field(default_factory=list)
    rxnorm: str = ""

    @property
    def key(self) -> str:
        return f"{self.lang}/{self.kind}/{self.slug}"


def page_names(page) -> list[str]:
    """Title, other names, generic and brand names: the words a page is known by, spelled right."""
    meta = page.meta
    return [meta.title, *meta.also_called, getattr(meta, "generic_name", ""), *getattr(meta, "brand_names", [])]


def page_path(lang: str, kind: str, slug: str) -> str:
    """Where a page is on the static site, below the base URL (the site blueprint's URL rules)."""
    return f"{lang}/{URL_FOLDERS[kind]}/{slug}/"


def text_of(html_text: str) -> str:
    """Plain text of rendered HTML."""
    return html.unescape(_TAGS.sub(" ", html_text))


def build_documents(library, synonyms: Synonyms, languages: tuple[str, ...]) -> list[SearchDocument]:
    """One record for every page of the site in every language, in a stable order."""
    documents = []
    for lang in languages:
        for kind in PAGE_KINDS:
            for slug in sorted(library.pages_of(kind)):
                page = library.page(kind, slug, lang)
                body = " ".join(text_of(part.html) for section in page.sections for part in section.parts)
                meta = page.meta
                documents.append(SearchDocument(
                    lang, page.lang, kind, slug, page.title, page.summary,
                    search_terms(synonyms, page_terms(page), lang, page.lang), page_names(page), body,
                    page_path(lang, kind, slug), meta.last_reviewed.isoformat(),
                    icd10=list(getattr(meta, "icd10", [])), rxnorm=getattr(meta, "rxnorm", None) or ""))
        for slug in sorted(library.resources):
            documents.append(resource_document(library.resources[slug].data, slug, library, synonyms, lang))
    return documents


def resource_document(resource, slug: str, library, synonyms: Synonyms, lang: str) -> SearchDocument:
    """A community resource on the site of `lang`: its translated name and text where it has them."""
    translated = resource.translations.get(lang)
    content_lang = lang if translated and translated.description else "en"
    name, description = resource.text("name", lang), resource.text("description", lang)
    body = " ".join(filter(None, (description, *(resource.text(f, lang) for f in ("eligibility", "application_process")))))
    return SearchDocument(
        lang, content_lang, "resource", slug, name, description,
        search_terms(synonyms, resource_terms(resource, library.taxonomy, lang), lang, content_lang),
        list(dict.fromkeys([name, resource.name])), body, page_path(lang, "resource", slug),
        resource.last_verified.isoformat(), categories=list(resource.categories))


def documents_digest(documents: list[SearchDocument]) -> str:
    """A hash of everything the index is built from: the cache key of a stored index."""
    digest = hashlib.sha256()
    for document in documents:
        digest.update(json.dumps(asdict(document), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()
