"""Real words of each language, so "did you mean" never rewrites one (cant, bank, failing, despensa).

The word lists are pyspellchecker's (word frequencies from OpenSubtitles and Wikipedia, for English,
Spanish and Arabic, among others). Vietnamese and Chinese have no list there: for them only the
library's own vocabulary counts as known (and Chinese gets no suggestions at all).
"""
from __future__ import annotations

from functools import lru_cache

WORD_LISTS = ("en", "es", "ar")  # the shipped languages pyspellchecker has a list for


@lru_cache(maxsize=None)
def _words(lang: str):
    if lang not in WORD_LISTS:
        return None
    from spellchecker import SpellChecker

    return SpellChecker(language=lang, distance=1, case_sensitive=False).word_frequency


def load(lang: str) -> None:
    """Read a language's list now (at start-up) rather than during the first search that needs it."""
    _words(lang)


def is_word(word: str, lang: str) -> bool:
    """Whether `word` is a word of `lang` in its word list (always False without a list)."""
    words = _words(lang)
    return words is not None and word.lower() in words
