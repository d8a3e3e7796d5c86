"""Markdown bodies: split into sections, find cross-links and unsafe HTML, render and sanitize."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import nh3

from portal.content import markdown_engine
from portal.content.links import LINK_KINDS, WEB_SCHEMES
from portal.content.markup import html_problems, unclosed_blocks
from portal.content.numbers import mark_numbers
from portal.content.sections import section_id

# Dosing stays general: a written dose can be wrong for the reader. Lab values (70 mg/dL) are fine.
_DOSE = re.compile(r"\b\d[\d.,]*\s*(mg|mcg|milligrams?|micrograms?|units?|ml|milliliters?|tablets?|pills?|"
                   r"capsules?|puffs?)\b(?!\s*/\s*dl)", re.I)
_DOSE_PROBLEM = ("a dose amount is written", "keep dosing general: 'Take it as your doctor told you.'")
# ... but milligrams of sodium are diet advice ("keep sodium under 2,300 mg a day"): en, es, zh, vi, ar.
_SODIUM = re.compile(r"sodium|salt|sodio|\bsal\b|钠|盐|natri|muối|صوديوم|(?<![\u0600-\u06ff])(ال)?ملح(?![\u0600-\u06ff])",
                     re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|[。！？؟]")
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "table", "thead", "tbody", "tr",
                "th", "td", "br", "hr", "blockquote", "code", "abbr", "dfn", "span", "sup", "sub", "bdi"}
URL_SCHEMES = {*WEB_SCHEMES, *LINK_KINDS}


@dataclass
class Part:
    """A `###` subsection of a section (or the text before the first one, with key 'intro')."""

    key: str
    title: str
    html: str
    line: int


@dataclass
class Section:
    """A `##` section of a page; `key` is a known section id or the heading as a slug."""

    key: str
    title: str
    line: int
    known: bool
    parts: list[Part] = field(default_factory=list)

    @property
    def html(self) -> str:
        return "".join(p.html for p in self.parts)


@dataclass
class Link:
    kind: str
    slug: str
    line: int


@dataclass
class Body:
    sections: list[Section]
    links: list[Link]
    unsafe: list[tuple[int, str, str, str]]  # (line, field, problem, fix)


@lru_cache(maxsize=1)  # parse_body checks, then renders, the same text
def markdown_html(text: str) -> str:
    """Markdown to HTML, not yet sanitized: what the content checks judge (portal.content.markup)."""
    return markdown_engine.convert(text)


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML: no content file can inject script.

    Phone numbers become tap-to-call links and numbers are isolated left-to-right (numbers.py)."""
    html = mark_numbers(markdown_html(text))
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"},
                                                          "th": {"scope"}, "td": {"colspan"}, "bdi": {"dir"}},
                     url_schemes=URL_SCHEMES, link_rel=None)


def _slugify(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-") or "section"


def _headings(lines: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """(level, line number) of each ## and ### heading in the source, outside code fences."""
    found, fenced = [], False
    for number, line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{2,3} ", line):
            found.append((2 if line.startswith("## ") else 3, number))
    return found


_HTML_HEADING = re.compile(r"<h([23])>(.*?)</h\1>\n?", re.S)


def _text(html: str) -> str:
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def writes_a_dose(line: str) -> bool:
    """A dose amount in some sentence of the line; milligrams in a sentence about sodium or salt are not one."""
    if not _DOSE.search(line):  # a dose in one of its sentences is a match in the whole line too
        return False
    return any(not (match.group(1).lower().startswith(("mg", "milligram")) and _SODIUM.search(sentence))
               for sentence in _SENTENCE_END.split(line) for match in _DOSE.finditer(sentence))


def parse_body(text: str, first_line: int, lang: str) -> Body:
    """Split a Markdown body into rendered sections and collect its links and unsafe HTML.

    The body is rendered once and the HTML is cut at its h2/h3 headings; line numbers come
    from the same headings in the source.
    """
    numbered = [(first_line + i, line) for i, line in enumerate(text.splitlines())]
    unsafe, found = html_problems(text, markdown_html(text), first_line)
    links = [Link(kind, slug, line) for kind, slug, line in found]
    unsafe += unclosed_blocks(text, first_line)
    unsafe += [(number, "body", *_DOSE_PROBLEM) for number, line in numbered if writes_a_dose(line)]
    html = render_markdown(text)
    source_headings = _headings(numbered)
    pieces = _HTML_HEADING.split(html)  # [before, level, title, after, level, title, after, ...]
    html_headings = [(int(pieces[i]), pieces[i + 1]) for i in range(1, len(pieces), 3)]
    aligned = [level for level, _ in source_headings] == [level for level, _ in html_headings]
    sections: list[Section] = []
    if pieces[0].strip():
        sections.append(Section("intro", "", first_line, False, [Part("intro", "", pieces[0], first_line)]))
    for index, i in enumerate(range(1, len(pieces), 3)):
        level, title, after = int(pieces[i]), _text(pieces[i + 1]), pieces[i + 2]
        line = source_headings[index][1] if aligned else first_line
        if level == 2 or not sections:
            key = section_id(title, lang)
            section = Section(key=key or _slugify(title), title=title, line=line, known=key is not None)
            sections.append(section)
            if after.strip():
                section.parts.append(Part("intro", "", after, line))
        else:
            part_key = "emergency" if "911" in title else (section_id(title, lang) or _slugify(title))
            sections[-1].parts.append(Part(part_key, title, after, line))
    return Body(sections, links, unsafe)
