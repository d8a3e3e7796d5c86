"""Near me and the paged lists in real Chromium: a ZIP code sorts a kind of help by distance, with the
whole-state and whole-country services in their own groups, across every page of the list."""
from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe

from near_me_helpers import NEAR, NO_ADDRESS, NOT_SERVED, READER_ZIP, WHOLE_COUNTRY, WHOLE_STATE, near_me_content
from portal.build import build
from portal.config import load_settings
from portal.content import load_library
from portal.site.near_me import located, miles, zip_place
from test_browser import browser  # noqa: F401  (the Chromium fixture)

PAGE_SIZE = 3  # 11 food listings: 4 pages; 12 listings in all: 4 pages


@pytest.fixture(scope="module")
def near_site(tmp_path_factory):
    """The near-me library built in English and Arabic under /sub/, three listings a page, served over HTTP."""
    root = tmp_path_factory.mktemp("near-site")
    content = near_me_content(root / "content")
    settings = load_settings({"PORTAL_CONTENT_DIR": str(content), "PORTAL_CACHE_DIR": "", "PORTAL_LANGUAGES": "en ar",
                              "PORTAL_DIRECTORY_PAGE_SIZE": str(PAGE_SIZE), "PORTAL_BASE_URL": "/sub/"}, environ={})
    build(settings, root / "www" / "sub", workers=1)
    handler = partial(SimpleHTTPRequestHandler, directory=str(root / "www"))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", load_library(content)
    server.shutdown()
    server.server_close()


def _open(browser, near_site, path, **context):
    page = browser.new_context(**context).new_page()
    page.goto(near_site[0] + path)
    return page


def _settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('.listings[aria-busy]')")


def _names(page, group: str) -> list[str]:
    _settled(page)
    return page.locator(f"#{group} > li:not([hidden]) h3").all_inner_texts()


def _near_me(page, zip_code: str) -> None:
    page.fill("#near-zip", zip_code)
    page.press("#near-zip", "Enter")
    _settled(page)


def _expected_distance(library, name: str) -> str:
    """What the card should say, worked out here from the same ZIP code centers."""
    entry = next(e for e in library.resources.values() if e.data.name == name)
    reader = zip_place(READER_ZIP)[:2]
    distance, zip_code = min((miles(reader, point[:2]), point.zip) for point in located(entry.data))
    text = ("Less than 1 mile away" if distance < 1 else
            f"About {distance:.1f} miles away" if distance < 10 else f"About {distance:.0f} miles away")
    return text + (f" (to the center of ZIP code {zip_code})" if zip_code else "")


def test_a_zip_code_sorts_a_kind_of_help_by_distance_across_its_pages(browser, near_site):
    page = _open(browser, near_site, "/sub/en/categories/food/")
    assert len(_names(page, "listings")) == PAGE_SIZE and page.locator("#pager").is_visible()
    _near_me(page, READER_ZIP)
    near = _names(page, "listings")
    assert near == NEAR + NO_ADDRESS  # nearest first, from every page; those without an address after them
    distances = page.locator("#listings > li:not([hidden]) [data-distance]")
    assert distances.all_inner_texts()[:len(NEAR)] == [_expected_distance(near_site[1], name) for name in NEAR]
    assert distances.all_inner_texts()[0] == f"Less than 1 mile away (to the center of ZIP code {READER_ZIP})"
    assert not any(distances.nth(i).is_visible() for i in range(len(NEAR), len(near)))
    assert page.locator("#state-title").inner_text() == "Serves all of California"
    assert _names(page, "state-listings") == WHOLE_STATE
    assert page.locator("#country-title").inner_text() == "Serves the whole country"
    assert _names(page, "country-listings") == WHOLE_COUNTRY
    shown = set(page.locator(".listings:not([hidden]) .cards > li:not([hidden]) h3").all_inner_texts())
    assert shown.isdisjoint(NOT_SERVED)
    # What the distances are measured from, said plainly; the change is announced.
    assert page.locator("#all-listings").inner_text() == f"Near ZIP code {READER_ZIP}"
    assert "straight line from the center of ZIP code 92507" in page.locator("#near-note").inner_text()
    status = page.locator("#result-count")
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == f"Showing 9 of 11 services, nearest to ZIP code {READER_ZIP} first."
    assert page.locator("#pager").is_hidden()  # the whole list is shown
    assert page.url.endswith("?zip=92507")
    page.reload()
    assert _names(page, "listings") == NEAR + NO_ADDRESS
    page.close()


@pytest.mark.parametrize("typed, message", [
    ("9250", "Type the 5 digits of a ZIP code, like 92501."),
    ("90000", "We could not find ZIP code 90000. Check the numbers and try again."),
    ("10001", "We have no local listings near ZIP code 10001. Services for the whole country are shown."),
])
def test_a_mistyped_or_unknown_zip_code_says_so(browser, near_site, typed, message):
    page = _open(browser, near_site, "/sub/en/categories/food/")
    _near_me(page, typed)
    problem = page.locator("#near-zip-problem")
    assert problem.is_visible() and problem.inner_text() == message
    assert page.locator("#near-zip").get_attribute("aria-invalid") == "true"
    assert message in page.locator("#result-count").inner_text()  # announced with the result
    if typed == "10001":  # only what serves everyone is left
        assert _names(page, "listings") == WHOLE_COUNTRY
    _near_me(page, READER_ZIP)
    assert problem.is_hidden() and page.locator("#near-zip").get_attribute("aria-invalid") == "false"
    page.close()


def test_the_filters_cover_every_page_and_near_me_groups_them(browser, near_site):
    page = _open(browser, near_site, "/sub/en/resources/")
    assert len(_names(page, "listings")) == PAGE_SIZE
    assert page.locator("#result-count").inner_text() == "Showing 3 of 12 services."
    page.select_option("#f-category", "food")
    assert len(_names(page, "listings")) == 11  # read from the kind of help's pages
    page.fill("#f-place", READER_ZIP)
    assert _names(page, "listings") == NEAR + NO_ADDRESS
    assert _names(page, "state-listings") == WHOLE_STATE and _names(page, "country-listings") == WHOLE_COUNTRY
    page.select_option("#f-category", "")  # every page: the national crisis line joins its group
    assert _names(page, "country-listings") == ["988 Suicide & Crisis Lifeline"] + WHOLE_COUNTRY
    count = page.locator("#result-count").inner_text()
    assert count == f"Showing 10 of 12 services, nearest to ZIP code {READER_ZIP} first."
    page.fill("#f-place", "Riverside County")  # a county by name: no distances, one list
    assert page.locator("#state-group").is_hidden() and page.locator("#country-group").is_hidden()
    assert page.locator("[data-distance]:visible").count() == 0
    page.click("button[type=reset]")
    assert len(_names(page, "listings")) == PAGE_SIZE and page.locator("#pager").is_visible()
    page.close()


def test_arabic_at_320_pixels_keeps_numbers_in_order(browser, near_site):
    page = _open(browser, near_site, "/sub/ar/categories/food/", viewport={"width": 320, "height": 640})
    _near_me(page, READER_ZIP)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    pantry = page.locator("#listings > li").filter(has_text="100 Sample Street")
    number, zip_code = pantry.locator("[data-distance] bdi").all()
    assert number.inner_text() == "2.0" and number.get_attribute("dir") == "ltr"  # Latin digits, left to right
    assert zip_code.inner_text() == "92501" and zip_code.get_attribute("dir") == "ltr"
    assert page.locator("#near-note bdi").inner_text() == READER_ZIP
    assert page.locator("#all-listings").inner_text() != f"Near ZIP code {READER_ZIP}"  # in Arabic
    page.close()


def test_without_javascript_the_pages_are_plain_lists(browser, near_site):
    page = _open(browser, near_site, "/sub/en/categories/food/", java_script_enabled=False)
    assert page.locator("#near-me").is_hidden()
    first = page.locator("#listings > li h3").all_inner_texts()
    page.click("#pager a[rel=next]")
    assert page.url.endswith("/sub/en/categories/food/page/2/")
    second = page.locator("#listings > li h3").all_inner_texts()
    assert len(first) == len(second) == PAGE_SIZE and not set(first) & set(second)
    assert page.title() == "Food, page 2 of 4 | Care Guide Portal"
    page.close()


@pytest.mark.parametrize("path", ["/sub/en/categories/food/", "/sub/ar/resources/"])
def test_axe_finds_no_violations_with_near_me_groups(browser, near_site, path):
    page = _open(browser, near_site, path)
    if page.locator("#near-zip").count():
        _near_me(page, READER_ZIP)
    else:
        page.fill("#f-place", READER_ZIP)
        _settled(page)
    assert page.locator("#country-group").is_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.close()
