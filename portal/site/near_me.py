"""Where listings are, for "near me" in the directory: ZIP code centers from the `zipcodes` package.

`zipcodes` ships the US Postal Service ZIP codes with the center (latitude, longitude), state and
county of each, so nothing is looked up on the internet, at build time or in the browser. The site
publishes the centers only for the states its listings are in or serve, one file per state; the
browser fetches the whole file of the state a reader's ZIP code is in, so the ZIP code itself
never leaves the device.

A listing's place is the latitude and longitude of each of its locations when the listing gives
them, else the center of the location's ZIP code (an approximation the site says it is).
"""
from __future__ import annotations

import math
import re
from functools import cached_property, lru_cache
from typing import NamedTuple

import zipcodes

from portal.content.models import US_STATES
from portal.content.resource_models import Resource
from portal.user_cache import cached_table

DECIMALS = 3  # about 110 m: ZIP code centers are no more precise than that
EARTH_RADIUS_MILES = 3958.8
_ZIP = re.compile(r"(\d{5})(-\d{4})?")
_COUNTY_WORDS = re.compile(r"\s+(county|parish|borough|census area|municipality|city and borough)$")


class ZipPlace(NamedTuple):
    latitude: float
    longitude: float
    state: str
    county: str  # as county_key() writes it: "riverside"


class Point(NamedTuple):
    """Where a listing is: given coordinates (zip is None) or the center of a ZIP code."""

    latitude: float
    longitude: float
    zip: str | None


def county_key(name: str) -> str:
    """A county's name as compared: 'Riverside County, CA' and 'riverside county' are 'riverside'."""
    name = name.split(",")[0].strip().casefold()
    return _COUNTY_WORDS.sub("", name)


def county_state(name: str) -> str:
    """The state a county is written with ('Riverside County, CA' -> 'CA'), else ''."""
    _, _, state = name.partition(",")
    state = state.strip().upper()
    return state if state in US_STATES else ""


class _Places(dict):
    """ZIP code -> ZipPlace. The values are kept as plain tuples, made ZipPlaces when asked for: unpickling
    42,000 named tuples takes about five times as long as plain ones, at every build."""

    def __getitem__(self, code: str) -> ZipPlace:
        return ZipPlace._make(dict.__getitem__(self, code))

    def get(self, code: str, default=None):
        place = dict.get(self, code)
        return default if place is None else ZipPlace._make(place)

    def values(self):
        return map(ZipPlace._make, dict.values(self))

    def items(self):
        return ((code, ZipPlace._make(place)) for code, place in dict.items(self))

    @cached_property
    def states(self) -> frozenset[str]:
        """The states that have ZIP codes."""
        return frozenset(place[2] for place in dict.values(self))

    def of_state(self, state: str) -> list[tuple[str, ZipPlace]]:
        """The ZIP codes of `state` with their places, in code order."""
        return sorted((code, ZipPlace._make(place)) for code, place in dict.items(self) if place[2] == state)

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """Each state's ZIP code prefixes as ranges (see `prefixes`), found in one pass over the table: every
        list page of the directory asks for them."""
        found: dict[str, set[int]] = {}
        for code, place in dict.items(self):
            found.setdefault(place[2], set()).add(int(code[:3]))
        return {state: _ranges(numbers) for state, numbers in found.items()}


def _read_table() -> dict[str, tuple]:
    return {z["zip_code"]: (round(float(z["lat"]), DECIMALS), round(float(z["long"]), DECIMALS), z["state"],
                            county_key(z["county"]))
            for z in zipcodes.list_all() if z["lat"] and z["long"]}


@lru_cache(maxsize=1)
def _table() -> _Places:
    """Every ZIP code of the package (parsed once per `zipcodes` version, about 2 s, then kept in the
    user's cache folder: a build loads it in a few hundredths of a second)."""
    return _Places(cached_table("zip-centers", "zipcodes", _read_table))


def zip_place(zip_code: str) -> ZipPlace | None:
    """The center, state and county of a ZIP code ('92501' or '92501-1234'), or None if there is no such ZIP code."""
    match = _ZIP.fullmatch(str(zip_code).strip())
    return _table().get(match.group(1)) if match else None


def located(resource: Resource) -> list[Point]:
    """Where a listing's locations are: their own coordinates, else the center of their ZIP code."""
    points = []
    for location in resource.locations:
        if location.latitude is not None and location.longitude is not None:
            points.append(Point(location.latitude, location.longitude, None))
        elif place := zip_place(location.address.zip):
            points.append(Point(place.latitude, place.longitude, location.address.zip[:5]))
    return points


def served_states(resources) -> list[str]:
    """The states whose ZIP codes the site ships: where listings are, and the areas they serve
    (states, counties written with their state, ZIP codes). Listings for the whole country add none."""
    states: set[str] = set()
    for resource in resources:
        states.update(location.address.state for location in resource.locations)
        area = resource.service_area
        if area and not area.national:
            states.update(area.states)
            states.update(county_state(county) for county in area.counties)
            states.update(place.state for code in area.zip_codes if (place := zip_place(code)))
    return sorted(states & _table().states)


def state_file(state: str) -> dict:
    """What the browser needs to place a reader's ZIP code in `state`: the state's counties and,
    for each ZIP code, its center and county (an index into the counties)."""
    places = _table().of_state(state)
    counties = sorted({place.county for _, place in places})
    index = {county: i for i, county in enumerate(counties)}
    return {"state": state, "counties": counties,
            "zips": {code: [place.latitude, place.longitude, index[place.county]] for code, place in places}}


def prefixes(states: list[str]) -> dict[str, str]:
    """The first three digits of each state's ZIP codes, as ranges: {'CA': '900-908 910-961'}.
    The browser fetches a state's file only for a ZIP code that starts with one of them."""
    known = _table().prefixes
    return {state: known.get(state, "") for state in states}


def _ranges(numbers: set[int]) -> str:
    """Three-digit prefixes as runs: {900, 901, 902, 910} -> '900-902 910'."""
    runs = []
    for number in sorted(numbers):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return " ".join(f"{a:03d}" if a == b else f"{a:03d}-{b:03d}" for a, b in runs)


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-line (great-circle) distance in miles; static/directory.js computes the same."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))
