"""The site's search in real Chromium, over the Pagefind index of the starter site built under /sub/."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from test_browser import browser, page  # noqa: F401  (the Chromium fixtures)

CASES = [c for c in yaml.safe_load((Path(__file__).parent / "search_cases.yaml").read_text(encoding="utf-8"))["cases"]
         if c.get("browser")]
PATHS = {"condition": "conditions", "medication": "medications", "resource": "resources"}


def search(page, server: str, lang: str, query: str, kind: str = "") -> list[str]:
    """Search through the search page as a reader does; the result links, best first."""
    page.goto(f"{server}/sub/{lang}/search/?q={quote(query)}" + (f"&type={kind}" if kind else ""))
    status = page.locator("[data-search-status]")
    page.wait_for_function("s => s.textContent && !s.textContent.endsWith('…')", arg=status.element_handle())
    return [a.get_attribute("href") for a in page.locator("[data-search-results] li h2 a").all()]


def test_pagefind_finds_the_right_page_for_the_sample(page, site_server, capsys):  # noqa: F811
    misses = []
    for case in CASES:
        kind, slug = case["expect"].split("/")
        links = search(page, site_server, case["lang"], str(case["q"]))[:3]
        if f"/sub/{case['lang']}/{PATHS[kind]}/{slug}/" not in links:
            misses.append(f"  {case['q']!r} ({case['lang']}): wanted {case['expect']}, got {links}")
    rate = 1 - len(misses) / len(CASES)
    with capsys.disabled():
        print(f"\nPagefind relevance, top 3: {len(CASES) - len(misses)}/{len(CASES)} ({rate:.0%})")
        print("\n".join(misses))
    assert len(CASES) >= 15 and {c["lang"] for c in CASES} == {"en", "es", "zh", "vi", "ar"}
    assert rate >= 0.9


def test_results_show_title_type_and_summary_and_are_announced(page, site_server):  # noqa: F811
    links = search(page, site_server, "en", "water pill")
    assert "/sub/en/medications/furosemide/" in links[:3]
    first = page.locator("[data-search-results] li").first
    assert first.locator(".kind").inner_text() == "MEDICINE"  # shown in capitals by the stylesheet
    assert first.locator("p").nth(1).inner_text().startswith(first.locator("h2").inner_text().split(" ")[0])
    status = page.locator("[data-search-status]")
    assert status.get_attribute("role") == "status" and status.inner_text().startswith("Pages found for “water pill”:")


def test_words_only_in_the_synonyms_find_the_page_but_are_never_shown(page, site_server):  # noqa: F811
    assert search(page, site_server, "en", "pee pill")[0] in ("/sub/en/medications/furosemide/",
                                                             "/sub/en/medications/hydrochlorothiazide/")
    page.goto(site_server + "/sub/en/medications/furosemide/")
    assert "pee pill" not in page.locator("body").inner_text()
    assert "pee pill" not in page.locator("body").aria_snapshot()


def test_when_no_page_has_every_word_the_pages_with_most_of_them_come(page, site_server):  # noqa: F811
    # Pagefind alone finds nothing for these: no page has all the words, or the word as typed.
    assert "/sub/en/resources/liheap-energy-help/" in search(page, site_server, "en", "help with electric bill")[:3]
    assert search(page, site_server, "en", "diabeetus")[0] == "/sub/en/conditions/type-2-diabetes/"
    assert page.locator("[data-search-status]").inner_text().startswith("Pages found for “diabeetus”")


def test_only_the_article_is_indexed(page, site_server):  # noqa: F811
    assert search(page, site_server, "en", "Español") == []  # the language switcher is on every page


def test_type_and_category_filters(page, site_server):  # noqa: F811
    links = search(page, site_server, "en", "pressure", kind="medication")
    assert links and all("/medications/" in link for link in links)
    assert page.locator("#search-type").input_value() == "medication"
    food = page.evaluate("""async () => {
        const pagefind = await import(document.querySelector('[data-search]').dataset.pagefind);
        const found = await pagefind.search(null, {filters: {category: 'food'}});
        return Promise.all(found.results.map(async r => (await r.data()).url));
    }""")
    assert "/sub/en/resources/snap/" in food and all("/resources/" in url for url in food)


def test_no_result_says_so_in_the_readers_language_and_offers_the_lists(page, site_server):  # noqa: F811
    assert search(page, site_server, "es", "xyzzyq") == []
    status = page.locator("[data-search-status]").inner_text()
    assert status == "No se encontraron páginas para “xyzzyq”. Revise cómo lo escribió, pruebe otra palabra o vea " \
                     "las listas de abajo."
    for name in ("conditions", "medications", "resources"):
        assert page.locator(f".search-browse a[href='/sub/es/{name}/']").is_visible()


def test_keyboard_only_from_any_page(page, site_server):  # noqa: F811
    page.goto(site_server + "/sub/en/conditions/asthma/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("Lasix")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sub/en/search/?q=Lasix")
    page.locator("[data-search-results] li").first.wait_for()
    assert page.locator("#search-q").input_value() == "Lasix"
    page.focus("#search-q")
    page.keyboard.press("Tab")  # the search button, then the type menu, then the first result
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/sub/en/medications/furosemide/"


def test_search_page_has_no_axe_violations_with_results(page, site_server):  # noqa: F811
    search(page, site_server, "ar", "السكري")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_without_javascript_the_search_page_explains_itself(browser, site_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + "/sub/vi/")
    page.fill("#site-search-q", "tiểu đường")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/sub/vi/search/?q=*")
    assert "JavaScript" in page.locator(".search-browse").inner_text()
    for name in ("conditions", "medications", "resources"):
        assert page.locator(f".search-browse a[href='/sub/vi/{name}/']").is_visible()
    context.close()


def test_searching_requests_nothing_outside_the_site(page, site_server):  # noqa: F811
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    search(page, site_server, "zh", "糖尿病")
    assert any("/sub/pagefind/" in url for url in requested)
    assert [url for url in requested if not url.startswith(site_server + "/sub/")] == []
