"""Plain-language review of one English page: reading grade and the PEMAT items a machine can check.

PEMAT is AHRQ's Patient Education Materials Assessment Tool. We check the items that can be
read off the text: purpose stated up front, informative headings, short sections, the reader
addressed as "you", at least one concrete action, and actions given as steps.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from portal.content import readability
from portal.content.sections import ACTION_SECTION

GENERIC_HEADINGS = {"information", "info", "details", "other", "more", "misc", "notes", "overview", "general"}
MAX_HEADING_WORDS = 8
MAX_SUMMARY_WORDS = 40
MIN_YOU = 3
_EXPLAINED = re.compile(r"\(|\bmeans?\b|\bis called\b|\bcalled\b|\bis an?\b|\bare\b", re.I)
_WORD = re.compile(r"[a-z][a-z-]+")


@cache
def medical_terms() -> frozenset[str]:
    """Words patients often do not know; a page should explain each where it uses it."""
    path = Path(__file__).with_name("medical_terms.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines()
                     if line.strip() and not line.startswith("#"))


@dataclass
class PematItem:
    name: str
    passed: bool
    detail: str
    line: int
    fix: str


@dataclass
class PlainLanguage:
    """The plain-language measures of one page."""

    grade: float
    words: int
    long_sentences: list[str] = field(default_factory=list)
    undefined_terms: list[str] = field(default_factory=list)
    pemat: list[PematItem] = field(default_factory=list)

    @property
    def pemat_failed(self) -> list[PematItem]:
        return [item for item in self.pemat if not item.passed]


def review(kind: str, summary: str, sections, names: tuple[str, ...], first_line: int) -> PlainLanguage:
    """Measure a page from its summary and rendered sections (see portal.content.body)."""
    section_prose = [readability.prose_of(s.html) for s in sections]
    prose = readability.prose_of(f"<p>{summary}</p>", names) + " " + " ".join(section_prose)
    if names:
        prose = readability.without_names(prose, names)
    words = len(prose.split())
    result = PlainLanguage(grade=readability.grade_of(prose), words=words,
                           long_sentences=readability.long_sentences(prose))
    result.undefined_terms = _undefined_terms(readability.sentences_of(prose))

    summary_words = len(summary.split())
    first = sections[0] if sections else None
    result.pemat.append(PematItem(
        "purpose up front", summary_words <= MAX_SUMMARY_WORDS and first is not None and first.known,
        f"summary has {summary_words} words; first section is '{first.title if first else 'none'}'",
        first.line if first else first_line,
        f"keep the summary under {MAX_SUMMARY_WORDS} words and start with the page's first standard section"))

    vague = [s for s in sections if s.title and (s.title.casefold().strip(" :") in GENERIC_HEADINGS
                                                 or len(s.title.split()) > MAX_HEADING_WORDS)]
    result.pemat.append(PematItem(
        "informative headings", not vague, ", ".join(f"'{s.title}'" for s in vague) or "all headings say what follows",
        vague[0].line if vague else first_line,
        f"use a heading of at most {MAX_HEADING_WORDS} words that says what the section tells the reader"))

    sizes = [(s, len(text.split())) for s, text in zip(sections, section_prose)]
    long = [(s, words) for s, words in sizes if words > readability.LONG_SECTION_WORDS]
    result.pemat.append(PematItem(
        "short sections", not long,
        ", ".join(f"'{s.title}' has {words} words" for s, words in long) or "all short",
        long[0][0].line if long else first_line,
        f"split sections longer than {readability.LONG_SECTION_WORDS} words or cut what the reader does not need"))

    you = len(re.findall(r"\byou(r|rs|rself)?\b", prose, re.I))
    result.pemat.append(PematItem(
        "addresses the reader as you", you >= MIN_YOU, f"'you' appears {you} times", first_line,
        "talk to the reader: 'Take your pills' rather than 'Patients should take their pills'"))

    action = next((s for s in sections if s.key == ACTION_SECTION[kind]), None)
    action_text = section_prose[sections.index(action)] if action else ""
    result.pemat.append(PematItem(
        "at least one concrete action", bool(action_text.strip()),
        f"section '{action.title}'" if action else "no action section", action.line if action else first_line,
        "say at least one thing the reader can do"))
    steps = action is not None and ("<li>" in action.html)
    result.pemat.append(PematItem(
        "actions as steps", steps, "actions are a list" if steps else "actions are not in a list",
        action.line if action else first_line, "write the actions as a bulleted or numbered list"))
    return result


def _undefined_terms(sentences: list[str]) -> list[str]:
    """Medical terms used in no sentence that explains them (a parenthesis, 'means', 'is a', ...)."""
    terms = medical_terms()
    used: dict[str, bool] = {}
    for sentence in sentences:
        found = set(_WORD.findall(sentence.lower())) & terms
        if found:
            explained = bool(_EXPLAINED.search(sentence))
            for word in found:
                used[word] = used.get(word, False) or explained
    return sorted(word for word, explained in used.items() if not explained)
