"""The community resource directory on the site: resource pages and what listings show.

The lists (every service, each kind of help) are in listing_pages.py. Pages work without
JavaScript; nothing is loaded from another site.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from babel.dates import format_time, get_day_names, get_timezone_name
from flask import abort, current_app, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.content.resource_models import WEEKDAYS, Resource, Schedule
from portal.content.library import SOURCE_LANGUAGE
from portal.content.numbers import mark_numbers
from portal.site import library, site

# The filters treat these as "free or low cost".
LOW_COST = ("free", "low-cost", "sliding-scale")


@site.route("/<lang:lang>/resources/<slug>/")
def resource(lang, slug):
    entry = library().resources.get(slug) or abort(404)
    return render_template("site/resource.html", lang=lang, entry=entry, resource=entry.data)


def spoken_languages(resource: Resource) -> list[str]:
    """Languages the service or any of its phone lines speaks."""
    codes = list(resource.languages)
    codes += [code for phone in resource.phones for code in phone.languages if code not in codes]
    return codes


def is_stale(resource: Resource, today: dt.date | None = None) -> bool:
    """Not verified within PORTAL_STALE_AFTER_DAYS."""
    return resource.is_stale(current_app.config["PORTAL_STALE_AFTER_DAYS"], today or dt.date.today())


def hours_lines(schedule: Schedule | None, lang: str) -> list[tuple[str, str]]:
    """Regular hours as (days, times) lines in the reader's language: ('Monday–Friday', '9:00 AM–5:00 PM')."""
    if schedule is None or not schedule.regular:
        return []
    names = get_day_names("wide", locale=lang)  # 0 = Monday, as in WEEKDAYS
    lines = []
    for hours in schedule.regular:
        indexes = sorted(WEEKDAYS.index(d) for d in hours.days)
        runs, start = [], indexes[0]
        for previous, current in zip(indexes, indexes[1:] + [None]):
            if current != previous + 1:
                runs.append(names[start] if start == previous else f"{names[start]}–{names[previous]}")
                start = current
        lines.append((", ".join(runs), f"{_clock(hours.opens, lang)}–{_clock(hours.closes, lang)}"))
    return lines


def _clock(value: str, lang: str) -> str:
    hour, minute = (int(part) for part in value.split(":"))
    if hour == 24:
        hour, minute = 23, 59
    return format_time(dt.time(hour, minute), "short", locale=lang)


def zone_name(zone: str, lang: str) -> str:
    """'Eastern Time' for America/New_York, in the reader's language."""
    return get_timezone_name(zone, "long", zone_variant="generic", locale=lang)


def map_href(resource: Resource, index: int = 0) -> str:
    """A plain link to the address on OpenStreetMap: nothing is loaded until the reader follows it."""
    location = resource.locations[index]
    if location.latitude is not None:
        return (f"https://www.openstreetmap.org/?mlat={location.latitude}&mlon={location.longitude}"
                f"#map=17/{location.latitude}/{location.longitude}")
    return "https://www.openstreetmap.org/search?query=" + quote(location.address.one_line())


def report_problem_href(slug: str, lang: str) -> str:
    """Where 'Report a problem with this listing' goes: a prefilled issue, an email, or the About page."""
    target = current_app.config["PORTAL_REPORT_PROBLEM_TO"]
    resource = library().resources[slug]
    page = url_for("site.resource", lang=lang, slug=slug, _external=current_app.config["PORTAL_BASE_URL"]
                   .startswith("http"))
    title = _("Problem with the listing: %(name)s", name=resource.data.name)
    body = "\n".join([_("What is wrong or out of date?"), "", "", "---",
                      f"{resource.data.name}", f"{resource.path}", page])
    if target.startswith("https://github.com/"):
        return f"{target}/issues/new?" + urlencode({"title": title, "body": body, "labels": "listing"})
    if target.startswith("mailto:"):
        return target + "?" + urlencode({"subject": title, "body": body}, quote_via=quote)
    return url_for("site.about", lang=lang) + "#report-a-problem"


@site.app_template_filter("english")
def english(text, lang: str, numbers: bool = True) -> Markup:
    """English text on a page in another language, marked so screen readers and browsers know it
    (with `numbers`, its phone numbers linked and numbers isolated, as in body text)."""
    shown = Markup(mark_numbers(str(escape(text or "")))) if numbers else escape(text or "")
    if not text or lang == SOURCE_LANGUAGE:
        return shown
    return Markup('<span lang="en" dir="ltr">%s</span>') % shown


def listing_text(resource: Resource, field: str, lang: str) -> Markup:
    """A listing's field in the reader's language, or its English text marked as English.
    A name is shown inside a link, so its numbers are not made into links."""
    numbers = field != "name"
    if getattr(resource.translations.get(lang), field, None):
        text = resource.text(field, lang)
        return Markup(mark_numbers(str(escape(text)))) if numbers else escape(text)
    return english(resource.text(field, lang), lang, numbers)


@site.app_context_processor
def _directory_helpers() -> dict:
    return {"listing_text": listing_text, "hours_lines": hours_lines, "map_href": map_href, "is_stale": is_stale,
            "report_problem_href": report_problem_href, "zone_name": zone_name, "spoken_languages": spoken_languages,
            "LOW_COST": LOW_COST}
