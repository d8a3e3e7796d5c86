"""HTML in content: what the sanitizer would silently remove, unclosed blocks, and every link, at its source line.

A Markdown body is judged by the HTML that Markdown makes of it before sanitizing (exactly what
the build sanitizes and links), and each finding is placed back on the line of the file that
wrote it. Front-matter text is plain text: HTML in it would be shown to readers as written.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from markdown.util import BLOCK_LEVEL_ELEMENTS

from portal.content import html_scan
from portal.content.links import LINK_KINDS, link_problem

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "cite", "background", "data", "xlink:href",
                  "srcset"}
EMBEDS = {"iframe", "object", "embed", "style", "form", "frame", "frameset", "applet", "video", "audio", "canvas",
          "template", "link", "meta", "base", "input", "button", "textarea", "select", "noscript"}
_CODE = "remove it; pages cannot run code"
_TAG_PROBLEMS = {
    "script": ("raw <script> is not allowed", _CODE),
    **{tag: ("embedded HTML is not allowed", "remove it; link to the page instead of embedding it") for tag in EMBEDS},
    **{tag: (f"{name} is not allowed", "remove it: the site would drop it and all it shows; say it in words instead")
       for tag, name in (("svg", "an <svg> drawing"), ("math", "a <math> formula"))},
    "img": ("an image is not allowed", "remove it: pages show no pictures; describe it in words, or link to "
                                       "an https:// page that shows it"),
}
_BLOCK_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PLAIN_TEXT_HTML = re.compile(r"<!--|<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


class _Tags(HTMLParser):
    """Every start tag of an HTML fragment: (name, decoded attributes, the tag as written)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]], str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs, self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag


class _Lines:
    """Finds where a piece of the rendered HTML was written in the source, in reading order."""

    def __init__(self, text: str, first_line: int):
        self.text, self.first_line, self.cursor = text, first_line, 0

    def line_at(self, offset: int) -> int:
        return self.first_line + self.text.count("\n", 0, offset)

    def find(self, *candidates: str) -> int:
        for start in (self.cursor, 0):
            for candidate in filter(None, candidates):
                offset = self.text.find(candidate, start)
                if offset >= 0:
                    self.cursor = offset + 1
                    return self.line_at(offset)
        return self.line_at(self.cursor)


def _raw_value(tag_text: str, name: str) -> str:
    """An attribute's value as written in the tag (before entities are decoded)."""
    match = re.search(rf"\s{re.escape(name)}\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", tag_text, re.I)
    return match.group(1).strip("\"'") if match else ""


def html_problems(text: str, rendered: str, first_line: int) -> tuple[list[tuple[int, str, str, str]], list]:
    """(line, field, problem, fix) of what the sanitizer would drop from a body, and its (kind, slug, line) links.

    `rendered` is the body as Markdown renders it, before sanitizing.
    """
    parser = _Tags()
    html_scan.feed(parser, rendered)
    lines, problems, links = _Lines(text, first_line), [], []
    for tag, attrs, written in parser.tags:
        if tag not in _TAG_PROBLEMS and not any(name in URL_ATTRIBUTES or name == "style" or name.startswith("on")
                                                for name, _ in attrs):
            continue  # Markdown's own <p>, <li> ...: nothing to judge, nothing to place
        values = [_raw_value(written, name) for name, _ in attrs if name in URL_ATTRIBUTES]
        line = lines.find(written, *values, *(html.unescape(value) for value in values))
        if tag in _TAG_PROBLEMS:
            problems.append((line, "body", *_TAG_PROBLEMS[tag]))
        for name, value in attrs:
            if name.startswith("on"):
                problems.append((line, "body", "an HTML event attribute (on...=) is not allowed",
                                 "remove the attribute; pages cannot run code"))
            elif name == "style":
                problems.append((line, "body", "a style= attribute is not allowed",
                                 "remove it; the site's own look is used on every page"))
            elif name in URL_ATTRIBUTES and tag not in _TAG_PROBLEMS:  # a dropped tag is reported once
                found = link_problem(value or "")
                if found:
                    problems.append((line, "body link", *found))
                elif tag == "a" and name == "href" and value.partition(":")[0] in LINK_KINDS:
                    links.append((*value.split(":", 1), line))
    return sorted(set(problems)), links


def unclosed_blocks(text: str, first_line: int) -> list[tuple[int, str, str, str]]:
    """An HTML block or comment that is never closed hides the rest of the page: name the line that opens it."""
    lines = _Lines(text, first_line)
    opened = text.find("<!--")
    while opened >= 0:
        end = text.find("-->", opened + 4)
        if end < 0:
            return [(lines.line_at(opened), "body", "the HTML comment '<!--' opened here is never closed",
                     "add '-->' where the comment ends, or remove the '<!--'; everything after it is hidden")]
        opened = text.find("<!--", end + 3)
    visible = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    open_tags: list[tuple[str, int]] = []
    for match in _BLOCK_TAG.finditer(visible):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name not in BLOCK_LEVEL_ELEMENTS or name == "hr" or self_closing:
            continue
        if not closing:
            at_line_start = re.fullmatch(r" {0,3}", visible[visible.rfind("\n", 0, match.start()) + 1:match.start()])
            if at_line_start:
                open_tags.append((name, match.start()))
            continue
        for index in range(len(open_tags) - 1, -1, -1):
            if open_tags[index][0] == name:
                del open_tags[index]
                break
    return [(lines.line_at(offset), "body", f"the HTML block <{name}> opened here is never closed",
             f"add </{name}> where it ends, or remove the <{name}>; everything after it is not shown as written")
            for name, offset in open_tags[:1]]


def plain_text_problem(value: str) -> tuple[str, str] | None:
    """(problem, fix) when front-matter text holds HTML tags, comments or entities, which readers would see."""
    match = _PLAIN_TEXT_HTML.search(value)
    if match is None:
        return None
    shown = match.group() if len(match.group()) <= 30 else match.group()[:27] + "..."
    return (f"'{shown}' is HTML, which readers would see as written",
            "write plain text, without HTML tags or codes like &amp; (type & itself)")
