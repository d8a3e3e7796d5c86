"""Feed an HTML fragment to an HTMLParser, by regular expression when every tag in it is plain.

The content checks read the HTML that Markdown and the sanitizer make, tag by tag, with
html.parser (pure Python, about a tenth of reading a page). That HTML is regular: lower-case
tag names, double-quoted attribute values, no comments. For such a fragment `feed` finds the
tags with one regular expression and calls the parser's handle_starttag, handle_startendtag,
handle_endtag and handle_data with exactly the arguments HTMLParser(convert_charrefs=True) would
pass; any other fragment (a comment, a stray "<", single quotes, a raw-text element such as
<script>) goes through HTMLParser itself.
"""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_TAG = re.compile(r'<(?:([a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9_:.-]*(?:\s*=\s*"[^"<>]*")?)*)\s*(/?)|/([a-z][a-z0-9]*)\s*)>')
_ATTRIBUTE = re.compile(r'\s+([a-z][a-z0-9_:.-]*)(?:\s*=\s*"([^"<>]*)")?')
# Elements whose content HTMLParser reads as text (in some Python version), and <plaintext>.
RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}


def tokens(html: str) -> list[str | None] | None:
    """The fragment split at its tags, or None if a tag in it is not plain.

    Five items per tag after the text before it: [text, start tag name, its attributes, "/" if it
    closes itself, end tag name, text, ...] (None where the tag is not of that sort), as re.split
    gives them.
    """
    pieces = _TAG.split(html)
    if any("<" in text for text in pieces[0::5]) or not RAW_TEXT.isdisjoint(pieces[1::5]) \
            or not RAW_TEXT.isdisjoint(pieces[4::5]):
        return None
    return pieces


def _events(html: str) -> list[tuple] | None:
    """("start", tag, attrs, text, self-closing), ("end", tag) and ("data", text), or None if a tag is not plain."""
    pieces = tokens(html)
    if pieces is None:
        return None
    events = [("data", unescape(pieces[0]))] if pieces[0] else []
    for at, match in zip(range(1, len(pieces), 5), _TAG.finditer(html)):
        name, attributes, closing, end, text = pieces[at:at + 5]
        if end:
            events.append(("end", end))
        else:
            attrs = [(a.group(1), None if a.group(2) is None else unescape(a.group(2)))
                     for a in _ATTRIBUTE.finditer(attributes)] if attributes else []
            events.append(("start", name, attrs, match.group(), bool(closing)))
        if text:
            events.append(("data", unescape(text)))
    return events


def feed(parser: HTMLParser, html: str) -> None:
    """What parser.feed(html); parser.close() does, for a parser made with convert_charrefs=True."""
    events = _events(html)
    if events is None:
        parser.feed(html)
        parser.close()
        return
    for event in events:
        if event[0] == "data":
            parser.handle_data(event[1])
        elif event[0] == "end":
            parser.handle_endtag(event[1])
        else:
            _, tag, attrs, text, self_closing = event
            parser._HTMLParser__starttag_text = text  # what get_starttag_text() returns, as HTMLParser sets it
            (parser.handle_startendtag if self_closing else parser.handle_starttag)(tag, attrs)
