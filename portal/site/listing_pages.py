"""The directory's lists, in pages of PORTAL_DIRECTORY_PAGE_SIZE listings: every service A to Z
(/<lang>/resources/, then .../page/2/, ...) and each kind of help (/<lang>/categories/<id>/, ...),
and the ZIP code centers "near me" reads (/directory/zip/<state>.json).

Without JavaScript a reader pages through them. With it, static/directory.js filters and sorts the
whole directory by fetching the other pages of the list it needs (the kind of help's pages when
one is chosen, else every page) and reading their cards: the pages are the data, so no page and
no file a filter loads grows with the directory.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from flask import abort, current_app, render_template, url_for
from flask_babel import gettext as _

from portal.content import Library
from portal.content.library import a_to_z
from portal.content.resource_models import WEEKDAYS, Resource
from portal.site import library, per_library, site
from portal.site.directory import spoken_languages
from portal.site.near_me import Point, county_key, county_state, located, prefixes, served_states, state_file
from portal.site.us_states import STATE_NAMES


@dataclass(frozen=True)
class DirectoryIndex:
    """What every list page needs to know of the whole directory (worked out once per library)."""

    entries: list  # every listing, A to Z (the made-up examples last)
    order: dict[str, int]  # slug -> place in `entries`
    points: dict[str, list[Point]]  # slug -> where its locations are
    states: list[str]  # the states whose ZIP code centers the site ships
    categories: list  # the kinds of help that have listings, in taxonomy order
    by_category: dict[str, list]  # a kind of help's id -> its listings, A to Z as in `entries`
    spoken: list[str]  # every language some listing's staff speak
    local: dict[str | None, bool]  # whether a list (None: the whole directory) has a listing with a place or a local area

    def listings(self, category: str | None) -> list:
        """The listings of a kind of help (None: every listing)."""
        return self.entries if category is None else self.by_category[category]


def listing_order(lib: Library) -> tuple[list, dict[str, list], list]:
    """Every listing A to Z (the made-up examples last), each kind of help's listings in that order, and
    the kinds of help that have listings."""
    entries = sorted(lib.resources.values(), key=a_to_z)
    categories = lib.categories_in_use()
    return entries, {c.id: [e for e in entries if c.id in e.data.categories] for c in categories}, categories


def directory_index(lib: Library | None = None) -> DirectoryIndex:
    lib = lib or library()
    return per_library(lib, ("directory",), lambda: _directory_index(lib))


def _directory_index(lib: Library) -> DirectoryIndex:
    entries, by_category, categories = listing_order(lib)
    points = {e.slug: located(e.data) for e in entries}
    # "Near me" can place a listing that has a place or serves a local area.
    local = {e.slug for e in entries if points[e.slug] or (e.data.service_area and not e.data.service_area.national)}
    return DirectoryIndex(entries, {e.slug: n for n, e in enumerate(entries)}, points,
                          served_states(e.data for e in entries), categories, by_category,
                          sorted({code for e in entries for code in spoken_languages(e.data)}),
                          {key: any(e.slug in local for e in listed)
                           for key, listed in [(None, entries), *by_category.items()]})


def page_count(listings: int, size: int) -> int:
    return max(1, -(-listings // size))


def directory_pages(lib: Library, size: int, lang: str) -> list[tuple[str, dict]]:
    """(endpoint, values) of the list pages beyond /<lang>/resources/ itself: its further pages and
    every page of every kind of help. For the build's plan and the sitemap."""
    count = page_count(len(lib.resources), size)
    pages = [("site.resources", {"lang": lang, "number": n}) for n in range(2, count + 1)]
    listed = Counter(c for entry in lib.resources.values() for c in set(entry.data.categories))  # one pass, not
    for category in lib.categories_in_use():  # one (sorted) lib.resources_in per kind of help
        count = page_count(listed[category.id], size)
        pages += [("site.category", {"lang": lang, "category": category.id, **({"number": n} if n > 1 else {})})
                  for n in range(1, count + 1)]
    return pages


def directory_data(lib: Library) -> list[tuple[str, dict]]:
    """(endpoint, values) of the language-independent files: the ZIP code centers of each state served.

    (The states alone: the rest of directory_index, each listing's place, is worked out when a list is rendered.)"""
    index = per_library(lib, ("directory",))
    states = index.states if index else served_states(entry.data for entry in lib.resources.values())
    return [("site.zip_centers", {"state": state}) for state in states]


def _page_of(entries: list, number: int) -> list:
    size = current_app.config["PORTAL_DIRECTORY_PAGE_SIZE"]
    if not 1 <= number <= page_count(len(entries), size):
        abort(404)
    return slice_of(entries, number, size)


def slice_of(entries: list, number: int, size: int) -> list:
    """The listings page `number` of a list shows."""
    return entries[(number - 1) * size: number * size]


def list_shape(entries: list, categories: list) -> str:
    """What a page of the lists shows of every listing, its own or not: where each stands (the pages, the
    totals), its kinds of help and languages (the filters), and where it is and serves ("near me": whether
    it is local, the states served). For the build's fingerprints: `entries` and `categories` as
    `listing_order` gives them. A listing's other details show on its own pages only."""
    def place(resource: Resource) -> str:
        area = resource.service_area
        area = f"{area.national}|{area.states}|{area.counties}|{area.zip_codes}|" if area else ""
        return area + ";".join(f"{loc.address.zip},{loc.address.state},{loc.latitude},{loc.longitude}"
                               for loc in resource.locations)
    rows = [f"{e.slug}|{' '.join(e.data.categories)}|{' '.join(spoken_languages(e.data))}|{place(e.data)}"
            for e in entries]
    return "\n".join([*rows, " ".join(c.id for c in categories)])


def list_urls(endpoint: str, count: int, **values) -> list[str]:
    """The address of every page of a list (of the directory's, or of guides), page 1 first."""
    return [url_for(endpoint, number=n, **values) for n in range(1, count + 1)]


def _near_me(category: str | None) -> dict | None:
    """What "near me" needs on a list (a kind of help's, or None: every listing's): None when no listing
    of it has a place or a local area."""
    index = directory_index()
    if not index.local[category] or not index.states:
        return None
    return {"files": {state: url_for("site.zip_centers", state=state) for state in index.states},
            "prefixes": prefixes(index.states),
            "states": {state: _("Serves all of %(state)s", state=STATE_NAMES[state]) for state in index.states}}


@site.route("/<lang:lang>/resources/", defaults={"number": 1})
@site.route("/<lang:lang>/resources/page/<int:number>/")
def resources(lang, number):
    index, size = directory_index(), current_app.config["PORTAL_DIRECTORY_PAGE_SIZE"]
    shown = _page_of(index.entries, number)
    count = page_count(len(index.entries), size)
    categories = index.categories
    data = {"pages": list_urls("site.resources", count, lang=lang), "page": number, "total": len(index.entries),
            "categories": {c.id: list_urls("site.category", page_count(len(index.listings(c.id)), size),
                                       lang=lang, category=c.id) for c in categories},
            "near": _near_me(None)}
    return render_template("site/resources.html", lang=lang, entries=shown, spoken=index.spoken, data=data,
                           total=len(index.entries), page=number, pages=count, categories=categories)


@site.route("/<lang:lang>/categories/<category>/", defaults={"number": 1})
@site.route("/<lang:lang>/categories/<category>/page/<int:number>/")
def category(lang, category, number):
    # A category with no listings has no page (the build does not make one either).
    index = directory_index()
    found = next((c for c in index.categories if c.id == category), None) or abort(404)
    entries = index.listings(found.id)
    shown = _page_of(entries, number)
    count = page_count(len(entries), current_app.config["PORTAL_DIRECTORY_PAGE_SIZE"])
    data = {"pages": list_urls("site.category", count, lang=lang, category=found.id), "page": number, "total": len(entries),
            "near": _near_me(found.id)}
    return render_template("site/category.html", lang=lang, category=found, entries=shown, data=data,
                           total=len(entries), page=number, pages=count)


@site.route("/directory/zip/<state>.json")
def zip_centers(state):
    """The centers of one served state's ZIP codes, for "near me" (see portal/site/near_me.py)."""
    if state not in directory_index().states:
        abort(404)
    return current_app.response_class(json.dumps(state_file(state), separators=(",", ":")),
                                      mimetype="application/json")


def listing_data(entry) -> dict[str, str]:
    """The data-* attributes the browser-side filters and "near me" read (empty ones left out:
    a list page carries a hundred listings)."""
    resource: Resource = entry.data
    index = directory_index()
    area = resource.service_area
    data = {
        "order": str(index.order[entry.slug]),
        "categories": " ".join(resource.categories),
        "languages": " ".join(spoken_languages(resource)),
        "cost": resource.cost,
        "national": "1" if area and area.national else "",
        "states": " ".join(area.states) if area else "",
        "zips": " ".join(area.zip_codes) if area else "",
        "counties": "|".join(f"{county_key(c)}/{county_state(c)}" for c in area.counties) if area else "",
        "places": "|".join([*(area.counties if area else []), *(loc.address.city for loc in resource.locations)]
                           ).casefold(),
        # "lat lon" of each location; a third part names the ZIP code whose center stands for the address.
        "at": ";".join(" ".join(str(part) for part in point if part is not None) for point in index.points[entry.slug]),
        "schedule": schedule_data(resource.schedule),
    }
    return {key: value for key, value in data.items() if value}


def schedule_data(schedule) -> str:
    """A schedule as "open now" reads it: '24/7', or the time zone and each line of hours as the
    weekdays (0 = Monday) and the times: 'America/Los_Angeles;13 09:00-13:00;5 10:00-12:00'."""
    if schedule is None:
        return ""
    if schedule.open_24_7:
        return "24/7"
    lines = ["".join(str(WEEKDAYS.index(d)) for d in h.days) + f" {h.opens}-{h.closes}" for h in schedule.regular]
    return ";".join([schedule.timezone, *lines]) if lines else ""


@site.app_context_processor
def _listing_helpers() -> dict:
    return {"listing_data": listing_data}
