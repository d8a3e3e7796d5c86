"""Markdown bodies: split into sections, find cross-links and unsafe HTML, render and sanitize."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import markdown
import nh3

from portal.content.sections import section_id

LINK_KINDS = ("condition", "medication", "resource")
_LINK_RE = re.compile(r"\]\((condition|medication|resource):([^)\s]*)\)")
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
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "table", "thead", "tbody", "tr",
                "th", "td", "br", "hr", "blockquote", "code", "abbr", "dfn", "span", "sup", "sub"}
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
    markdown: str = ""

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
    """Markdown to sanitized HTML: no content file can inject script."""
    _md.reset()
    html = _md.convert(text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"},
                                                          "th": {"scope"}, "td": {"colspan"}},
                     url_schemes=URL_SCHEMES, link_rel=None)


def _slugify(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-") or "section"


def _split(lines: list[tuple[int, str]], marker: str) -> list[tuple[str | None, int, list[tuple[int, str]]]]:
    """Split numbered lines at headings that start with `marker` ('## ' or '### ')."""
    chunks: list[tuple[str | None, int, list]] = [(None, lines[0][0] if lines else 0, [])]
    fenced = False
    for number, line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith(marker):
            chunks.append((line[len(marker):].strip().strip("#").strip(), number, []))
        else:
            chunks[-1][2].append((number, line))
    return chunks


def parse_body(text: str, first_line: int, lang: str) -> Body:
    """Split a Markdown body into rendered sections and collect its links and unsafe HTML."""
    numbered = [(first_line + i, line) for i, line in enumerate(text.splitlines())]
    links, unsafe = [], []
    for number, line in numbered:
        for match in _LINK_RE.finditer(line):
            links.append(Link(match.group(1), match.group(2), number))
        for pattern, message, fix in _UNSAFE:
            if pattern.search(line):
                unsafe.append((number, message, fix))
    sections = []
    for title, line, chunk in _split(numbered, "## "):
        if title is None and not "".join(l for _, l in chunk).strip():
            continue
        key = section_id(title, lang) if title else "intro"
        section = Section(key=key or _slugify(title), title=title or "", line=line, known=key is not None,
                          markdown="\n".join(l for _, l in chunk))
        for part_title, part_line, part_chunk in _split(chunk, "### "):
            source = "\n".join(l for _, l in part_chunk)
            if part_title is None and not source.strip():
                continue
            part_key = (section_id(part_title, lang) or _slugify(part_title)) if part_title else "intro"
            if part_title and "911" in part_title:
                part_key = "emergency"
            section.parts.append(Part(part_key, part_title or "", render_markdown(source), part_line))
        sections.append(section)
    return Body(sections, links, unsafe)
