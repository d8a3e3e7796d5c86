"""Which pages teach about a clinical concept an EHR names: by code, else by its display name.

The infobutton (portal.api.infobutton) and the CDS Hooks service (portal.care.cds) ask the same
question, in their own shapes: a concept is a list of (system, code) codings plus words.

- ICD-10-CM: the search package's code lookup (by prefix: E11.65 finds the E11 guide).
- SNOMED CT: pages whose English front matter lists the code under `snomed`.
- RxNorm: medication sheets whose English front matter lists the code under `rxnorm` (the
  ingredient, and any clinical-drug codes, SCD or SBD, the sheet declares).
- Any other system: no pages from the code.
When no coding finds a page, the words are matched against titles, other names, generic and
brand names: a page whose name is the words, else pages whose title, generic or brand name, or
other name of two or more words, appears in them ("Lisinopril 10 MG Oral Tablet"; but
"rheumatoid arthritis" does not find the osteoarthritis guide through its other name "arthritis"). Codes live in the English page (they are the same in every language); the answer
is the page in the language asked for, English where it has no translation yet.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from portal.content import Library
from portal.content.pages import PAGE_KINDS
from portal.search import SearchHit
from portal.search.codes import ICD10, RXNORM, normalize_code
from portal.search.documents import page_names, page_path

SNOMED = "snomed"
SYSTEM_URIS = {
    ICD10: ("http://hl7.org/fhir/sid/icd-10-cm", "2.16.840.1.113883.6.90", "icd10", "icd10cm", "icd-10-cm"),
    SNOMED: ("http://snomed.info/sct", "2.16.840.1.113883.6.96", "snomed", "snomedct", "snomed-ct", "sct"),
    RXNORM: ("http://www.nlm.nih.gov/research/umls/rxnorm", "2.16.840.1.113883.6.88", "rxnorm"),
}
_SYSTEMS = {name: system for system, names in SYSTEM_URIS.items() for name in names}
OIDS = {system: names[1] for system, names in SYSTEM_URIS.items()}
LABELS = {ICD10: "ICD-10-CM", SNOMED: "SNOMED CT", RXNORM: "RxNorm"}
_SNOMED_CODE = re.compile(r"^[0-9]{6,18}$")
MIN_PHRASE = 4  # a name found inside longer words has at least this many letters (gout)


class ConceptError(ValueError):
    """A code that cannot be a code of its (known) system; `index` says which coding."""

    def __init__(self, message: str, index: int = 0):
        self.index = index
        super().__init__(message)


def code_system(name: str | None) -> str | None:
    """icd10, snomed or rxnorm from a FHIR system URI, an OID (with or without urn:oid:) or a name; None if unknown."""
    name = (name or "").strip().lower().removeprefix("urn:oid:")
    return _SYSTEMS.get(name)


@dataclass
class Concept:
    """A problem, medication or request as an EHR names it: codings (system as sent, code) and words."""

    codings: list[tuple[str, str]]
    text: str = ""


def _fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces: how names are compared."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


class ConceptIndex:
    """The pages of a library by SNOMED CT code, RxNorm code and name; ICD-10-CM through the search index."""

    def __init__(self, library: Library, search, base_url: str):
        self.library, self.search = library, search
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.snomed: dict[str, list[tuple[str, str]]] = {}
        self.rxnorm: dict[str, list[tuple[str, str]]] = {}
        self.names: dict[str, list[tuple[str, str]]] = {}  # every name, matched whole
        self.phrases: dict[str, list[tuple[str, str]]] = {}  # names also found inside longer words
        for kind in PAGE_KINDS:
            for slug, versions in sorted(library.pages_of(kind).items()):
                for page in versions.values():
                    other = {_fold(name) for name in page.meta.also_called}
                    for name in filter(None, map(_fold, page_names(page))):
                        self._add(self.names, name, (kind, slug))
                        if len(name) >= MIN_PHRASE and (name not in other or " " in name):
                            self._add(self.phrases, name, (kind, slug))
                english = versions.get("en")
                if english is None:
                    continue
                for code in getattr(english.meta, "snomed", []):
                    self._add(self.snomed, code, (kind, slug))
                for code in getattr(english.meta, "rxnorm_codes", []):
                    self._add(self.rxnorm, code, (kind, slug))

    @staticmethod
    def _add(table: dict, key: str, page: tuple[str, str]) -> None:
        pages = table.setdefault(key, [])
        if page not in pages:
            pages.append(page)

    def hit(self, kind: str, slug: str, lang: str) -> SearchHit:
        page = self.library.page(kind, slug, lang)
        return SearchHit(kind, slug, page.title, page.summary, self.base_url + page_path(lang, kind, slug), lang,
                         page.lang, 0.0, page.meta.last_reviewed.isoformat())

    def by_code(self, system: str | None, code: str, lang: str) -> list[SearchHit]:
        """Pages for one code; a system the portal does not know finds none. A malformed code is a ConceptError."""
        code = code.strip()
        if system == ICD10:
            try:
                return [h for h in self.search.lookup(code, ICD10, lang) if h.kind != "resource"]
            except ValueError as error:
                raise ConceptError(str(error)) from None
        if system == SNOMED:
            if not _SNOMED_CODE.match(code):
                raise ConceptError(f"'{code}' is not a SNOMED CT code; send the concept id, digits only, "
                                   "like 38341003")
            return [self.hit(kind, slug, lang) for kind, slug in self.snomed.get(code, [])]
        if system == RXNORM:
            try:
                code = normalize_code(code, RXNORM)
            except ValueError as error:
                raise ConceptError(str(error)) from None
            return [self.hit(kind, slug, lang) for kind, slug in self.rxnorm.get(code, [])]
        return []

    def by_name(self, text: str, lang: str) -> list[SearchHit]:
        """Pages one of whose names is the text, else whose names appear in it as whole words (longest first)."""
        words = _fold(text)
        if not words:
            return []
        exact = self.names.get(words)
        if exact:
            return [self.hit(kind, slug, lang) for kind, slug in exact]
        padded = f" {words} "
        found = sorted((name for name in self.phrases if f" {name} " in padded), key=len, reverse=True)
        pages: list[tuple[str, str]] = []
        for name in found:
            pages += [page for page in self.phrases[name] if page not in pages]
        return [self.hit(kind, slug, lang) for kind, slug in pages]

    def pages(self, concept: Concept, lang: str) -> list[SearchHit]:
        """Pages for the concept: from its codes, else from its words; each page once."""
        hits: list[SearchHit] = []
        for index, (system, code) in enumerate(concept.codings):
            try:
                hits += self.by_code(code_system(system), code, lang)
            except ConceptError as error:
                error.index = index
                raise
        if not hits and concept.text:
            hits = self.by_name(concept.text, lang)
        return unique(hits)


def unique(hits: list[SearchHit]) -> list[SearchHit]:
    seen, kept = set(), []
    for hit in hits:
        if (hit.kind, hit.slug) not in seen:
            seen.add((hit.kind, hit.slug))
            kept.append(hit)
    return kept
