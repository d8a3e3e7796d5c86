"""Any spoken language, named as CLDR names it (Babel): for interpreters, whose language need not be
one the site is written in.

A language is stored as its BCP 47 tag (`so`, `es-MX`, `zh-Hant`); the primary subtag must be a
language CLDR knows. Names are shown, and may be typed, in the care manager's own language.
"""
from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
MAX_TAG = 12


@lru_cache(maxsize=None)
def names(locale: str) -> dict[str, str]:
    """Language tag -> name in `locale` (English when CLDR has no such locale), by name."""
    try:
        found = Locale.parse(locale).languages
    except (UnknownLocaleError, ValueError):
        found = Locale("en").languages
    tags = {code.replace("_", "-"): name for code, name in found.items() if TAG.match(code.replace("_", "-"))
            and code not in ("und", "zxx", "mul")}
    return dict(sorted(tags.items(), key=lambda pair: pair[1].casefold()))


def is_known(tag: str) -> bool:
    """Whether `tag` is a well-formed tag whose language CLDR knows (so, es-MX; not xx or 'Somali')."""
    return bool(TAG.match(tag)) and len(tag) <= MAX_TAG and tag.split("-")[0] in names("en")


def name_of(tag: str | None, locale: str) -> str:
    """The language's name in `locale` (its tag when unknown)."""
    if not tag:
        return ""
    known = names(locale)
    return known.get(tag) or known.get(tag.split("-")[0], tag)


def from_text(text: str, locale: str) -> str | None:
    """The tag a care manager typed or picked: a tag, or a name in `locale` or English; None if neither."""
    text = text.strip()
    if is_known(text):
        return text
    wanted = text.casefold()
    for lang in (locale, "en"):
        for tag, name in names(lang).items():
            if name.casefold() == wanted:
                return tag
    return None
