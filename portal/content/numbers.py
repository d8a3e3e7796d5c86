"""Numbers in rendered body text: phone numbers become tap-to-call links, and every phone number and
number-with-separators-or-unit is isolated left-to-right, so an Arabic page shows 1-800-222-1222 and
120/80 mm Hg in the order they are written (the Unicode bidi algorithm would otherwise reorder their
digit groups inside right-to-left text).

It works on sanitized-to-be HTML from Markdown: only text between tags changes, never inside a link,
code or a heading (headings become plain-text titles).
"""
from __future__ import annotations

import html
import re

import phonenumbers

# Short codes a reader dials as written: emergency, crisis line, relay service, community help.
SHORT_CODES = ("911", "988", "711", "211")
_UNIT = r"(?:\s?(?:%|°\s?[CF]\b|mg/dL|mmol/L|mm\s?Hg|mmHg|(?:[AaPp]\.?[Mm]\.?)(?![\w])))"
_NUMBER = re.compile(r"(?<![\w&#.,:/-])\d+(?:[.,:/\u2013-]\d+)*" + _UNIT + r"?(?![\w])")
_TAG = re.compile(r"(<[^>]+>)")
_SKIP = {"a", "code", "h1", "h2", "h3", "h4", "h5", "h6"}  # no link inside these (and no link in a link)
_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# The fewest digits a valid phone number has anywhere: a 2-digit country code and a 4-digit number (+43, +49,
# +98). A run of text with fewer holds no phone number, so PhoneNumberMatcher, which tries every digit run,
# is skipped there (tests/test_numbers.py checks the figure against phonenumbers' metadata).
MIN_PHONE_DIGITS = 6
_ENOUGH_DIGITS = re.compile(r"\d(?:\D*\d){%d}" % (MIN_PHONE_DIGITS - 1))


def tel_target(number: phonenumbers.PhoneNumber) -> str:
    """tel:+18002221222 (with ',extension' when it has one), the form tap-to-call expects."""
    target = "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return target + (f",{number.extension}" if number.extension else "")


def _ltr(text: str) -> str:
    return f'<bdi dir="ltr">{text}</bdi>'


def _numbers(text: str, links: bool) -> str:
    """Isolate numbers with separators or units in `text`; short codes become links if `links`."""
    def one(match: re.Match) -> str:
        run = match.group(0)
        if links and run in SHORT_CODES:
            return f'<a href="tel:{run}">{run}</a>'
        return _ltr(run) if not run.isdigit() else run
    return _NUMBER.sub(one, text)


def _text(text: str, links: bool) -> str:
    """One run of text between tags: phone numbers first, then the other numbers in the gaps."""
    text, out, last = html.unescape(text), [], 0  # matched as plain text, written back escaped
    for match in phonenumbers.PhoneNumberMatcher(text, "US") if _ENOUGH_DIGITS.search(text) else ():
        out.append(_numbers(html.escape(text[last:match.start], quote=False), links))
        shown = _ltr(html.escape(match.raw_string, quote=False))
        out.append(f'<a href="{tel_target(match.number)}">{shown}</a>' if links else shown)
        last = match.end
    out.append(_numbers(html.escape(text[last:], quote=False), links))
    return "".join(out)


def mark_numbers(fragment: str) -> str:
    """The HTML `fragment` with its phone numbers linked and its numbers isolated left-to-right."""
    if not any(map(str.isdigit, fragment)):
        return fragment  # no number in it
    pieces, open_skips = _TAG.split(fragment), []
    for i, piece in enumerate(pieces):
        if i % 2:  # a tag
            name = _NAME.match(piece)
            if name and name.group(1).lower() in _SKIP and not piece.endswith("/>"):
                if piece.startswith("</"):
                    if name.group(1).lower() in open_skips:
                        open_skips.remove(name.group(1).lower())
                else:
                    open_skips.append(name.group(1).lower())
        elif piece and any(map(str.isdigit, piece)):
            pieces[i] = _text(piece, links=not open_skips)
    return "".join(pieces)
