"""Curated search synonyms (content/synonyms.yaml), checked like other content, and each page's search terms.

The file has one block per language. `same` lists groups of words that mean the same thing to a
reader ("short of breath", "can't breathe"); `means` maps what a reader types to the words of the
pages it should find ("water pill" -> furosemide, hydrochlorothiazide). A page gets the synonyms of
its own words (title, other names, keywords, brand and generic names), so both search engines find
it by them: Pagefind through the page's hidden search terms, Whoosh through its keywords field.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from pydantic import Field, ValidationError

from portal.content import ContentErrors
from portal.content.errors import ContentError
from portal.content.frontmatter import YamlDocument, parse_yaml
from portal.content.models import Strict, Text
from portal.content.pages import PAGE_KINDS
from portal.content.schema_errors import schema_errors

FILE_NAME = "synonyms.yaml"
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def normalize(term: str) -> str:
    """How terms are compared: case-folded, one space between words, straight apostrophes."""
    return _SPACES.sub(" ", term.translate(_QUOTES)).strip().casefold()


class LanguageSynonyms(Strict):
    """The synonyms of one language."""

    same: list[list[Text]] = Field(default_factory=list, examples=["[[short of breath, can't breathe]]"])
    means: dict[str, list[Text]] = Field(default_factory=dict, examples=["{water pill: [furosemide]}"])


@dataclasses.dataclass
class Synonyms:
    """Every language's synonyms, ready to expand a page's terms."""

    languages: dict[str, LanguageSynonyms] = dataclasses.field(default_factory=dict)
    digest: str = ""  # hash of the file, so pages are rendered again when it changes

    def expand(self, terms: list[str], langs: tuple[str, ...]) -> list[str]:
        """`terms` plus the synonyms (in the languages `langs`) of any of them, without repeats."""
        known = {normalize(t) for t in terms}
        extra: list[str] = []
        for lang in dict.fromkeys(langs):
            entry = self.languages.get(lang)
            if entry is None:
                continue
            for group in entry.same:
                if any(normalize(t) in known for t in group):
                    extra += group
            for typed, targets in entry.means.items():
                if any(normalize(t) in known for t in targets):
                    extra.append(typed)
        out, seen = [], set()
        for term in [*terms, *extra]:
            key = normalize(term)
            if key and key not in seen:
                seen.add(key)
                out.append(term)
        return out


def page_terms(page) -> list[str]:
    """A guide's, sheet's or topic's own search words: title, other names, keywords, brand and generic names, codes."""
    meta = page.meta
    terms = [meta.title, *meta.also_called, *meta.keywords]
    if page.kind == "medication":
        terms += [meta.generic_name, *meta.brand_names] + ([meta.rxnorm] if meta.rxnorm else [])
    else:
        terms += list(meta.icd10)
    return terms


def resource_terms(resource, taxonomy, lang: str) -> list[str]:
    """A resource's search words: its name (translated, and in English), and the names of its categories."""
    names = {c.id: c.text(lang).name for c in taxonomy.categories} if taxonomy else {}
    terms = []
    for name in dict.fromkeys([resource.text("name", lang), resource.name]):
        # "SNAP (Supplemental Nutrition Assistance Program)" is also found as "SNAP" and by its long name.
        terms += [name, *([p.strip(" )") for p in name.split(" (")] if " (" in name else [])]
    return [*terms, *(names[c] for c in resource.categories if c in names)]


def search_terms(synonyms: Synonyms, terms: list[str], lang: str, content_lang: str) -> list[str]:
    """The words a page is found by in language `lang` (its content may be in `content_lang`)."""
    return synonyms.expand(terms, (lang, content_lang))


def _vocabulary(library, lang: str) -> set[str]:
    """Every search word of the pages shown in `lang` (translations, or English where missing)."""
    words: set[str] = set()
    for kind in PAGE_KINDS:
        for slug in library.pages_of(kind):
            words.update(normalize(t) for t in page_terms(library.page(kind, slug, lang)))
    for entry in library.resources.values():
        words.update(normalize(t) for t in resource_terms(entry.data, library.taxonomy, lang))
    return words


def _language_errors(entry: LanguageSynonyms, document: YamlDocument, rel: str, lang: str,
                     library) -> list[ContentError]:
    errors = []
    owner: dict[str, int] = {}
    for index, group in enumerate(entry.same):
        for position, term in enumerate(group):
            key = normalize(term)
            if key in owner and owner[key] != index:
                errors.append(ContentError(rel, document.line_of((lang, "same", index, position)),
                                           f"{lang}.same[{index + 1}]", f"'{term}' is also in group {owner[key] + 1}",
                                           "merge the two groups, or keep the word in one of them"))
            owner.setdefault(key, index)
    if library is None:
        return errors
    vocabulary = _vocabulary(library, lang)
    for index, group in enumerate(entry.same):
        if not any(normalize(t) in vocabulary for t in group):
            errors.append(ContentError(rel, document.line_of((lang, "same", index)), f"{lang}.same[{index + 1}]",
                                       f"no page in '{lang}' has any of these words in its title, also_called, "
                                       "keywords or brand names, so the group finds nothing",
                                       "add a word that a page uses, or check the spelling"))
    for typed, targets in entry.means.items():
        for position, target in enumerate(targets):
            if normalize(target) not in vocabulary:
                errors.append(ContentError(rel, document.line_of((lang, "means", typed, position)),
                                           f"{lang}.means.{typed}[{position + 1}]",
                                           f"no page in '{lang}' has '{target}' in its title, also_called, "
                                           "keywords or brand names",
                                           "name a page's title or keyword exactly, or check the spelling"))
    return errors


def read_synonyms(root: str | Path, languages: tuple[str, ...], library=None) -> tuple[Synonyms, list[ContentError]]:
    """Read content/synonyms.yaml (optional); return it and every problem, with file and line."""
    path = Path(root) / FILE_NAME
    rel = f"{Path(root).name}/{FILE_NAME}" if Path(root).name else FILE_NAME
    if not path.is_file():
        return Synonyms(), []
    raw = path.read_bytes()
    document, errors = parse_yaml(raw.decode("utf-8"), rel)
    synonyms = Synonyms(digest=hashlib.sha256(raw).hexdigest())
    if document is None or document.data is None:
        return synonyms, errors
    if not isinstance(document.data, dict):
        return synonyms, errors + [ContentError(rel, 1, "synonyms", "the file is not a list of languages",
                                                "start each block with a language code and a colon, like 'en:'")]
    for lang, value in document.data.items():
        line = document.line_of((lang,))
        if lang not in languages:
            errors.append(ContentError(rel, line, str(lang), f"'{lang}' is not a language of the site",
                                       f"use one of: {', '.join(languages)}; or add it to PORTAL_LANGUAGES"))
            continue
        # Validate the block alone, then point each error at its line in the whole file.
        block = YamlDocument(value or {}, {k[1:]: v for k, v in document.lines.items() if k[:1] == (lang,)}, line)
        try:
            entry = LanguageSynonyms.model_validate(block.data)
        except ValidationError as exc:
            errors += [dataclasses.replace(e, field=f"{lang}.{e.field}")
                       for e in schema_errors(exc, block, rel, LanguageSynonyms)]
            continue
        synonyms.languages[lang] = entry
        errors += _language_errors(entry, document, rel, lang, library)
    return synonyms, errors


def load_synonyms(root: str | Path, languages: tuple[str, ...], library=None) -> Synonyms:
    """The checked synonyms; raises ContentErrors listing every problem."""
    synonyms, errors = read_synonyms(root, languages, library)
    if errors:
        raise ContentErrors(errors)
    return synonyms
