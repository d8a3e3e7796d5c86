"""Markdown bodies: split into sections, find cross-links and unsafe HTML, render and sanitize."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import markdown
import nh3

from portal.content.numbers import mark_numbers
from portal.content.sections import section_id

LINK_KINDS = ("condition", "medication", "topic", "resource")
_LINK_RE = re.compile(r"\]\((" + "|".join(LINK_KINDS) + r"):([^)\s]*)\)")
_UNSAFE = [
    (re.compile(r"<\s*script", re.I), "raw <script> is not allowed", "remove it; pages cannot run code"),
    (re.compile(r"javascript\s*:", re.I), "a javascript: link is not allowed", "link to an https:// page instead"),
    (re.compile(r"<\s*(iframe|object|embed|style|form)\b", re.I), "embedded HTML is not allowed",
     "remove it; link to the page instead of embedding it"),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.I), "an HTML event attribute (on...=) is not allowed",
     "remove the attribute; pages cannot run code"),
    # Dosing stays general: a written dose can be wrong for the reader. Lab values (70 mg/dL) are fine.
    (re.compile(r"\b\d[\d.,]*\s*(mg|mcg|milligrams?|micrograms?|units?|ml|milliliters?|tablets?|pills?|"
                r"capsules?|puffs?)\b(?!\s*/\s*dl)", re.I),
     "a dose amount is written", "keep dosing general: 'Take it as your doctor told you.'"),
]
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "table", "thead", "tbody", "tr",
                "th", "td", "br", "hr", "blockquote", "code", "abbr", "dfn", "span", "sup", "sub", "bdi"}
URL_SCHEMES = {"http", "https", "mailto", "tel", *LINK_KINDS}


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
    unsafe: list[tuple[int, str, str]]  # (line, problem, fix)


_md = markdown.Markdown(extensions=["tables", "sane_lists"])


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML: no content file can inject script.

    Phone numbers become tap-to-call links and numbers are isolated left-to-right (numbers.py)."""
    _md.reset()
    html = mark_numbers(_md.convert(text))
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


def parse_body(text: str, first_line: int, lang: str) -> Body:
    """Split a Markdown body into rendered sections and collect its links and unsafe HTML.

    The body is rendered once and the HTML is cut at its h2/h3 headings; line numbers come
    from the same headings in the source.
    """
    numbered = [(first_line + i, line) for i, line in enumerate(text.splitlines())]
    links, unsafe = [], []
    for number, line in numbered:
        for match in _LINK_RE.finditer(line):
            links.append(Link(match.group(1), match.group(2), number))
        for pattern, message, fix in _UNSAFE:
            if pattern.search(line):
                unsafe.append((number, message, fix))
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
