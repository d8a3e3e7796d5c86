"""The directory's filters in real Chromium, on the built starter site, at a fixed clock."""
from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import LANGUAGES, STARTER
from portal.content import load_library
from portal.site.directory import LOW_COST, spoken_languages
from test_browser import browser  # noqa: F401  (the Chromium fixture)

LIBRARY = load_library(STARTER, LANGUAGES)
RESOURCES = [entry.data for entry in LIBRARY.resources.values()]
TUESDAY_10_AM_PACIFIC = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.timezone.utc)
SUNDAY_3_AM_PACIFIC = dt.datetime(2026, 11, 22, 11, 0, tzinfo=dt.timezone.utc)


def _open(browser, site_server, moment=TUESDAY_10_AM_PACIFIC, path="/sub/en/resources/", **context):
    page = browser.new_context(**context).new_page()
    page.clock.set_fixed_time(moment)
    page.goto(site_server + path)
    return page


def _settled(page) -> None:
    """Wait until the list shows the last choice (filters read other pages and ZIP codes first)."""
    page.wait_for_function("() => !document.querySelector('.listings[aria-busy]')")


def _shown(page) -> set[str]:
    """The listings shown, in every group (with a ZIP code, near it, its state, the whole country)."""
    _settled(page)
    return set(page.locator(".listings:not([hidden]) .cards > li:not([hidden]) h3").all_inner_texts())


def _names(predicate) -> set[str]:
    return {r.name for r in RESOURCES if predicate(r)}


def test_each_filter_narrows_the_list(browser, site_server):
    page = _open(browser, site_server)
    assert _shown(page) == _names(lambda r: True)
    assert page.locator("#result-count").inner_text() == f"Showing {len(RESOURCES)} of {len(RESOURCES)} services."

    page.select_option("#f-category", "food")
    assert _shown(page) == _names(lambda r: "food" in r.categories) != set()
    page.select_option("#f-category", "")

    page.select_option("#f-language", "es")
    assert _shown(page) == _names(lambda r: "es" in spoken_languages(r))
    page.select_option("#f-language", "")

    page.check("#f-cost")
    assert _shown(page) == _names(lambda r: r.cost in LOW_COST)
    page.uncheck("#f-cost")

    page.fill("#f-place", "92508")  # a Riverside ZIP only the ride program lists
    near = _names(lambda r: r.service_area and (r.service_area.national or "92508" in r.service_area.zip_codes
                                                 or "CA" in r.service_area.states))
    assert _shown(page) == near and "Example: Riverside Senior Ride Program" in near
    assert "Example: Hillside Community Food Pantry" not in near
    page.fill("#f-place", "Riverside County")
    assert "Example: Hillside Community Food Pantry" in _shown(page)
    page.fill("#f-place", "")

    _settled(page)
    count = page.locator("#result-count").inner_text()
    assert count == f"Showing {len(RESOURCES)} of {len(RESOURCES)} services."
    page.close()


@pytest.mark.parametrize("moment", [TUESDAY_10_AM_PACIFIC, SUNDAY_3_AM_PACIFIC])
def test_open_now_at_a_fixed_clock(browser, site_server, moment):
    page = _open(browser, site_server, moment)
    page.check("#f-open")
    expected = _names(lambda r: r.schedule is not None and r.schedule.is_open(moment) is True)
    assert _shown(page) == expected
    always = _names(lambda r: r.schedule is not None and r.schedule.open_24_7)
    assert always <= expected
    if moment == TUESDAY_10_AM_PACIFIC:  # the pantry opens Tuesdays 9 to 1, Pacific time
        assert "Example: Hillside Community Food Pantry" in expected
    else:
        assert expected == always
    card = page.locator("#listings > li").filter(has_text="Example: Hillside Community Food Pantry")
    badge = card.locator("[data-open-now]")
    assert badge.inner_text() == ("Open now" if moment == TUESDAY_10_AM_PACIFIC else "Closed now")
    page.close()


def test_no_match_says_so_and_filters_survive_a_reload(browser, site_server):
    page = _open(browser, site_server, SUNDAY_3_AM_PACIFIC)
    page.select_option("#f-category", "food")
    page.check("#f-open")
    assert _shown(page) == set()
    assert page.locator("#no-results").is_visible()
    assert page.locator("#result-count").inner_text() == f"Showing 0 of {len(RESOURCES)} services."
    assert "category=food" in page.url and "open=1" in page.url
    page.reload()
    assert page.locator("#f-category").input_value() == "food" and page.locator("#f-open").is_checked()
    page.click("button[type=reset]")
    assert len(_shown(page)) == len(RESOURCES)
    page.close()


def test_filters_are_keyboard_operable(browser, site_server):
    page = _open(browser, site_server)
    page.locator("#f-category").focus()
    page.keyboard.press("ArrowDown")  # first real category
    assert page.locator("#f-category").input_value() != ""
    assert len(_shown(page)) < len(RESOURCES)
    page.close()


def test_filters_come_before_the_listings_and_sit_beside_them_on_wide_screens(browser, site_server):
    page = _open(browser, site_server, viewport={"width": 375, "height": 800})
    listings, filters = page.locator("#listings").bounding_box(), page.locator("#filters").bounding_box()
    assert filters["y"] < listings["y"]
    wide = _open(browser, site_server, viewport={"width": 1280, "height": 900})
    listings, filters = wide.locator("#listings").bounding_box(), wide.locator("#filters").bounding_box()
    assert filters["x"] < listings["x"] and filters["y"] < listings["y"] + listings["height"]
    page.close()
    wide.close()


def test_without_javascript_the_directory_still_works(browser, site_server):
    page = _open(browser, site_server, java_script_enabled=False)
    assert page.locator("#filters").is_hidden()
    assert len(_shown(page)) == len(RESOURCES)
    page.click("nav.toc a:text-is('Food')")
    assert page.url.endswith("/sub/en/categories/food/")
    assert page.locator("ul.printable > li").count() == len(LIBRARY.resources_in("food"))
    page.close()


@pytest.mark.parametrize("path", ["/sub/en/resources/", "/sub/ar/resources/", "/sub/en/categories/food/",
                                  "/sub/es/resources/example-senior-rides/"])
def test_axe_finds_no_violations_in_the_directory(browser, site_server, path):
    page = _open(browser, site_server, path=path)
    if page.locator("#f-open").count():
        page.check("#f-open")  # with badges and a narrowed list
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.close()


def test_category_list_prints_cleanly(browser, site_server):
    page = _open(browser, site_server, path="/sub/en/categories/food/")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator("ul.printable > li").first.is_visible()
    assert page.locator("ul.printable a[href^='tel:']").first.is_visible()
    page.close()
