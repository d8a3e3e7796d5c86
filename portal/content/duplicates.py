"""Listings a reviewer would call the same service: same name, phone or web page.

Names are compared with case, punctuation, spacing and common words removed ("N.A.M.I. Help-Line"
is "NAMI HelpLine"); phones as the number dialled (formatting and extension count, the shared
national short codes 211, 911, 988 ... do not: many services are reached through them); web sites by
host and path ("https://www.example.org/help/" is "http://example.org/help"). A listing that is close
to another on purpose says so with `not_duplicate_of: [slug]` (either side is enough).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from portal.content.models import SHORT_CODES
from portal.content.resource_models import Resource

KINDS = ("name", "phone", "website")
COMMON_WORDS = frozenset("a an and the of for in on at to inc llc org co corp program service services".split())


def name_key(name: str) -> str:
    """'N.A.M.I. Help-Line' -> 'namihelpline': what is left when the spelling details are gone."""
    text = name.casefold().replace("&", " and ")
    text = re.sub(r"[.'\u2019]", "", text)  # N.A.M.I. -> nami, Women's -> womens
    words = [w for w in re.split(r"[^\w]+", text) if w and w not in COMMON_WORDS]
    return "".join(words)


def phone_key(number: str, extension: str | None) -> str | None:
    """The number as dialled (the validator already normalized its format), or None for a shared short code."""
    digits = re.sub(r"\D", "", number)
    if digits in SHORT_CODES:
        return None
    return digits[-10:] + (f"x{extension}" if extension else "")


def website_key(url) -> str | None:
    """Host without 'www.' and path without the trailing slash: 'nami.org/help'."""
    if url is None:
        return None
    parts = urlsplit(str(url))
    host = (parts.hostname or "").casefold().removeprefix("www.")
    return host + parts.path.rstrip("/").casefold()


@dataclass(frozen=True)
class Clue:
    """Why two listings look alike: which field of the blamed listing, and how."""

    field: tuple  # path into the YAML, for the line number
    reason: str


@dataclass(frozen=True)
class Listing:
    """A resource with what is needed to compare and blame it."""

    slug: str
    rel: str  # the path shown in messages
    file: Path
    data: Resource
    clues: dict[str, Clue] | None = None  # clues_of(data), if it is at hand (kept with the file's cache entry)


def clues_of(data: Resource) -> dict[str, Clue]:
    """key -> clue; the key says what kind of likeness it is."""
    clues = {f"name:{name_key(data.name)}": Clue(("name",), "same name")}
    for index, phone in enumerate(data.phones):
        key = phone_key(phone.number, phone.extension)
        if key:
            clues.setdefault(f"phone:{key}", Clue(("phones", index, "number"), f"same phone {phone.number}"))
    site = website_key(data.website)
    if site:
        clues[f"website:{site}"] = Clue(("website",), f"same website {site}")
    return clues


def blamed(a: Listing, b: Listing, changed: set[Path] | None) -> tuple[Listing, Listing]:
    """(the listing to fix, the other): the changed file; else the later-modified, then later-sorting one."""
    if changed is not None:
        a_changed, b_changed = a.file.resolve() in changed, b.file.resolve() in changed
        if a_changed != b_changed:
            return (a, b) if a_changed else (b, a)

    def order(item: Listing):
        try:
            modified = item.file.stat().st_mtime
        except OSError:
            modified = 0
        return modified, item.rel

    return (b, a) if order(b) >= order(a) else (a, b)


def likely_duplicates(listings: list[Listing], changed: set[Path] | None = None):
    """(blamed listing, other listing, clues of the blamed one) for each pair that looks like one service."""
    by_key: dict[str, list[Listing]] = {}
    clues = {listing.slug: listing.clues if listing.clues is not None else clues_of(listing.data)
             for listing in listings}
    for listing in listings:
        for key in clues[listing.slug]:
            by_key.setdefault(key, []).append(listing)
    pairs: dict[tuple[str, str], list[str]] = {}
    for key, group in by_key.items():
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                pairs.setdefault(tuple(sorted((first.slug, second.slug))), []).append(key)
    by_slug = {listing.slug: listing for listing in listings}
    for (one, two), keys in sorted(pairs.items()):
        a, b = by_slug[one], by_slug[two]
        if b.slug in a.data.not_duplicate_of or a.slug in b.data.not_duplicate_of:
            continue
        fix, other = blamed(a, b, changed)
        keys.sort(key=lambda k: KINDS.index(k.split(":", 1)[0]))
        yield fix, other, [clues[fix.slug][key] for key in keys]
