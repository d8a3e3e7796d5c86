"""axe-core over every page type of the built starter site: 0 WCAG 2.1 A/AA (and best-practice) violations.

Every page type in every shipped language in light mode; every page type in English and Arabic (one
left-to-right, one right-to-left language) in dark mode (prefers-color-scheme: dark) and at the largest
text size. The full product (three modes x five languages) took over six minutes, mostly axe's contrast
checks on the long lists; this matrix keeps it near two. One browser context per mode, and one page
reused for all its addresses.
"""
from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import LANGUAGES, STARTER
from portal.content import load_library
from test_browser import browser  # noqa: F401  (the Chromium fixture)

# What axe checks: every WCAG 2.0/2.1 level A and AA rule, and axe's best practices (as tests/test_browser.py).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}
TEXT_SIZE = "larger"  # the largest of the sizes the reader can choose (localStorage "cgp-text-size")
READING = "r=" + base64.urlsafe_b64encode(b"c:asthma,m:albuterol,t:sick-day-rules,r:988-lifeline").decode().rstrip("=")

# Every page type under /sub/<lang>/; the search page is checked showing results (see search_words).
PAGE_TYPES = {
    "home": "", "conditions": "conditions/", "guide": "conditions/type-2-diabetes/", "medications": "medications/",
    "sheet": "medications/metformin/", "topics": "topics/", "topic": "topics/sick-day-rules/",
    "resources": "resources/", "category": "categories/food/", "listing": "resources/example-food-pantry/",
    "search": "search/?q={words}", "about": "about/", "reading-list": f"read/#{READING}", "code": "code/",
}
MODES = ("light", "dark", "large")
MODE_LANGUAGES = {"light": LANGUAGES, "dark": LANGUAGES, "large": LANGUAGES}  # every page type, every language, every mode
CASES = [(mode, lang, kind) for mode in MODES for lang in MODE_LANGUAGES[mode] for kind in PAGE_TYPES]


@pytest.fixture(scope="module")
def search_words() -> dict[str, str]:
    """A query per language that finds pages: the title of the metformin sheet in that language."""
    sheets = load_library(STARTER, LANGUAGES).medications["metformin"]
    return {lang: sheets[lang].title for lang in LANGUAGES}


@pytest.fixture(scope="module")
def mode_page(browser, request):  # noqa: F811
    """A page in its own context for one mode. The locale is one the site does not ship, so the
    language chooser stays on screen instead of sending the browser to its language."""
    mode = request.param
    context = browser.new_context(locale="fr-FR", color_scheme="dark" if mode == "dark" else "light")
    if mode == "large":
        context.add_init_script(f"localStorage.setItem('cgp-text-size', '{TEXT_SIZE}')")
    page = context.new_page()
    yield mode, page
    context.close()


def axe_violations(mode_page, url: str) -> str:
    """Open url in this mode and run axe; the report of what it found, empty when nothing."""
    mode, page = mode_page
    page.goto(url)
    if mode == "large":
        page.evaluate(f"document.documentElement.dataset.textSize = '{TEXT_SIZE}'")
    if "/search/?q=" in url:
        page.wait_for_function("() => { const s = document.querySelector('[data-search-status]');"
                               " return s.textContent && !s.textContent.endsWith('…'); }")
        assert page.locator("[data-search-results] li").count(), f"the search found nothing: {url}"
    results = Axe().run(page, options=AXE_OPTIONS)
    return results.generate_report() if results.violations_count else ""


@pytest.mark.parametrize("mode_page, lang, kind", CASES, indirect=["mode_page"],
                         ids=[f"{mode}-{lang}-{kind}" for mode, lang, kind in CASES])
def test_page_type_has_no_axe_violations(mode_page, site_server, search_words, lang, kind):
    url = f"{site_server}/sub/{lang}/" + PAGE_TYPES[kind].format(words=quote(search_words[lang]))
    assert axe_violations(mode_page, url) == ""


@pytest.mark.parametrize("mode_page", MODES, indirect=True)
def test_language_chooser_and_not_found_pages_have_no_axe_violations(mode_page, site_server, starter_site):
    """The pages outside any language folder: the chooser at the root, and every 404 page the build makes."""
    not_found = sorted(path.relative_to(starter_site).as_posix() for path in starter_site.rglob("404.html"))
    assert "404.html" in not_found
    for path in ["", *not_found]:
        assert axe_violations(mode_page, f"{site_server}/sub/{path}") == "", path
        assert mode_page[1].url == f"{site_server}/sub/{path}", "the page sent the browser elsewhere"
