"""The site's search in real Chromium, over the Pagefind index of the starter site built under /sub/."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe

from test_browser import browser, page  # noqa: F401  (the Chromium fixtures)

from test_search_relevance import CASES, assert_bars, report

PATHS = {"condition": "conditions", "medication": "medications", "resource": "resources", "topic": "topics"}
KIND_OF = {folder: kind for kind, folder in PATHS.items()}
# Every query of a language in one page, through the function search.js ranks with (its module, already loaded).
RANK_ALL = """async (queries) => {
    const script = document.querySelector("script[src*='search.js']").src;
    const { find } = await import(script);
    const out = [];
    for (const query of queries) {
        const results = (await find(query, {})).slice(0, 3);
        out.push(await Promise.all(results.map(async (result) => (await result.data()).url)));
    }
    return out;
}"""


def search(page, server: str, lang: str, query: str, kind: str = "") -> list[str]:
    """Search through the search page as a reader does; the result links, best first."""
    page.goto(f"{server}/sub/{lang}/search/?q={quote(query)}" + (f"&type={kind}" if kind else ""))
    status = page.locator("[data-search-status]")
    page.wait_for_function("s => s.textContent && !s.textContent.endsWith('…')", arg=status.element_handle())
    return [a.get_attribute("href") for a in page.locator("[data-search-results] li h2 a").all()]


def static_hits(page, server: str) -> list[tuple[dict, list[str]]]:
    """The first three pages of the static search for every case, one search page per language."""
    found = []
    for lang in dict.fromkeys(case["lang"] for case in CASES):
        cases = [case for case in CASES if case["lang"] == lang]
        page.goto(f"{server}/sub/{lang}/search/")
        page.wait_for_load_state("networkidle")
        for case, urls in zip(cases, page.evaluate(RANK_ALL, [str(case["q"]) for case in cases])):
            found.append((case, [f"{KIND_OF[url.split('/')[-3]]}/{url.split('/')[-2]}" for url in urls]))
    return found


def test_static_search_puts_the_right_page_first(page, site_server, capsys):  # noqa: F811
    table, figures = report("Static site (Pagefind, search.js)", static_hits(page, site_server))
    with capsys.disabled():
        print("\n" + table)
    assert_bars(figures)


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
