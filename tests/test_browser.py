"""The built site in real Chromium (Debian's, driven by Playwright): accessibility, privacy, print."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.dates import format_date
from playwright.sync_api import sync_playwright

from portal.content import load_library
from conftest import LANGUAGES, STARTER

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PAGES = ["/sub/en/", "/sub/en/conditions/", "/sub/en/conditions/heart-failure/", "/sub/en/medications/",
         "/sub/en/medications/warfarin/", "/sub/en/resources/", "/sub/en/resources/988-lifeline/",
         "/sub/en/resources/example-food-pantry/", "/sub/en/about/", "/sub/404.html"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


# Every page type in every language is in tests/test_axe_matrix.py; these are other pages of those types.
MORE_AXE_PAGES = ["/sub/en/conditions/heart-failure/", "/sub/en/medications/warfarin/", "/sub/en/resources/988-lifeline/",
                  "/sub/es/medications/warfarin/", "/sub/zh/conditions/asthma/"]


@pytest.mark.parametrize("path", MORE_AXE_PAGES)
def test_axe_finds_no_violations(page, site_server, path):
    page.goto(site_server + path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_no_page_requests_anything_outside_the_site(page, site_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ["/sub/", *PAGES]:
        page.goto(site_server + path)
        page.wait_for_load_state("networkidle")
    assert requested, "no requests were seen at all"
    outside = [url for url in requested if not url.startswith(site_server + "/sub/")]
    assert outside == []


def test_root_sends_the_reader_to_their_language(page, site_server):
    page.goto(site_server + "/sub/")
    page.wait_for_url(site_server + "/sub/en/")
    assert page.locator("h1").inner_text() == "Health guides you can read"


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, site_server):
    page.goto(site_server + "/sub/en/conditions/asthma/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_print_button_needs_javascript_and_prints(page, site_server):
    page.goto(site_server + "/sub/en/conditions/copd/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    button = page.get_by_role("button", name="Print this page")
    assert button.is_visible()
    button.click()
    assert page.evaluate("window.__printed") is True


def test_without_javascript_the_page_says_how_to_print(browser, site_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + "/sub/en/conditions/copd/")
    assert not page.locator("button[data-print]").is_visible()
    assert "use your browser's Print command" in page.locator(".print-action").inner_text()
    assert page.locator(".get-help").is_visible()
    context.close()


def test_print_stylesheet_makes_a_clean_handout(page, site_server):
    page.goto(site_server + "/sub/en/conditions/heart-failure/")
    assert not page.locator(".print-info").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.locator(".related").is_visible()
    assert page.locator(".get-help").is_visible() and page.locator(".teach-back").is_visible()
    info = page.locator(".print-info").inner_text()
    reviewed = load_library(STARTER, LANGUAGES).conditions["heart-failure"]["en"].meta.last_reviewed
    assert "/sub/en/conditions/heart-failure/" in info
    assert f"Last reviewed {format_date(reviewed, 'long', locale='en')}" in info
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


def test_pages_reflow_at_320_css_pixels(browser, site_server):
    """WCAG 1.4.10: at 320 px wide (1280 px at 400% zoom) nothing needs sideways scrolling."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in PAGES:
        page.goto(site_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def test_navigation_tap_targets_are_large(page, site_server):
    page.goto(site_server + "/sub/en/")
    for link in page.locator(".site-header nav a").all():
        assert link.bounding_box()["height"] >= 44


def test_switching_language_stays_on_the_guide(page, site_server):
    page.goto(site_server + "/sub/en/medications/warfarin/")
    page.locator("nav.languages a[lang=es]").click()
    page.wait_for_url(site_server + "/sub/es/medications/warfarin/")
    assert page.locator("html").get_attribute("lang") == "es"
    spanish = load_library(STARTER, LANGUAGES).medications["warfarin"]["es"]
    assert page.locator("h1").inner_text() == spanish.title != "Warfarin"
    page.locator("nav.languages a[lang=ar]").click()
    page.wait_for_url(site_server + "/sub/ar/medications/warfarin/")
    assert page.locator("html").get_attribute("dir") == "rtl"


@pytest.mark.parametrize("lang, direction", [("en", "ltr"), ("es", "ltr"), ("zh", "ltr"), ("vi", "ltr"), ("ar", "rtl")])
def test_each_language_sets_lang_and_dir(page, site_server, lang, direction):
    page.goto(site_server + f"/sub/{lang}/conditions/type-2-diabetes/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == direction
    assert page.evaluate("getComputedStyle(document.body).direction") == direction


def test_arabic_layout_is_mirrored(browser, site_server):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.goto(site_server + "/sub/ar/conditions/type-2-diabetes/")
    brand = page.locator(".brand").bounding_box()
    heading = page.locator("h1").bounding_box()
    page.goto(site_server + "/sub/en/conditions/type-2-diabetes/")
    english_brand = page.locator(".brand").bounding_box()
    # The site name sits at the right edge in Arabic and the left edge in English.
    assert brand["x"] > 500 > english_brand["x"]
    assert heading["x"] + heading["width"] > 700
    context.close()
