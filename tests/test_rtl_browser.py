"""Faults a reader meets, in real Chromium on the built starter site (under /sub/): numbers read in
their written order on Arabic pages (screen and print), a compact phone header, filters first."""
from __future__ import annotations

import pytest

from test_browser import browser, page  # noqa: F401  (the Chromium fixtures)

PHONE = {"width": 360, "height": 740}

# The x position of every character of the first text `wanted` inside `selector`, in reading order.
CHARACTER_XS = """([selector, wanted]) => {
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(wanted);
      if (at === -1) continue;
      const range = document.createRange(), xs = [];
      for (let i = at; i < at + wanted.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        xs.push(range.getBoundingClientRect().x);
      }
      return xs;
    }
  }
  return null;
}"""


def _reads_left_to_right(page, selector: str, wanted: str) -> bool:
    xs = page.evaluate(CHARACTER_XS, [selector, wanted])
    assert xs, f"{wanted!r} is not on {page.url}"
    return all(a < b for a, b in zip(xs, xs[1:]))


@pytest.mark.parametrize("path, selector, wanted", [
    ("/sub/ar/medications/lisinopril/", "main section", "1-800-222-1222"),  # a sheet's body text
    ("/sub/ar/conditions/high-blood-pressure/", "main section", "120/80"),  # a guide's body text
    ("/sub/ar/conditions/high-blood-pressure/", "main .related", "1-800-242-8721"),  # a guide's related help
    ("/sub/ar/resources/poison-control/", "main .contact", "1-800-222-1222"),  # a listing
    ("/sub/ar/categories/crisis/", "main .printable", "1-800-222-1222"),  # a printed category list
])
def test_arabic_pages_show_numbers_in_written_order(page, site_server, path, selector, wanted):
    page.goto(site_server + path)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert _reads_left_to_right(page, selector, wanted)


def test_printed_arabic_pages_keep_numbers_in_order(page, site_server):
    page.goto(site_server + "/sub/ar/categories/crisis/")
    page.emulate_media(media="print")
    assert _reads_left_to_right(page, "main .printable address, main .printable .phone", "1-800-222-1222")
    assert _reads_left_to_right(page, ".print-info", "/sub/ar/categories/crisis/")
    page.goto(site_server + "/sub/ar/medications/lisinopril/")
    assert _reads_left_to_right(page, "main section", "1-800-222-1222")


def test_the_reordering_is_real_without_isolation(page, site_server):
    """The check can fail: the same number with its isolation removed is reordered by Chromium."""
    page.goto(site_server + "/sub/ar/medications/lisinopril/")
    page.evaluate("""() => document.querySelectorAll('main bdi').forEach(b => b.replaceWith(b.textContent))""")
    page.evaluate("""() => document.querySelectorAll('main a[href^="tel:"]').forEach(a => a.replaceWith(a.textContent))""")
    assert not _reads_left_to_right(page, "main section", "1-800-222-1222")


@pytest.mark.parametrize("path", ["/sub/en/", "/sub/ar/conditions/high-blood-pressure/", "/sub/vi/resources/"])
def test_phone_header_is_compact_and_keeps_languages_search_and_menu(browser, site_server, path):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_server + path)
    assert page.locator(".site-header").bounding_box()["height"] < 0.2 * PHONE["height"]
    assert page.locator("nav.languages a").count() == 5 and page.locator("nav.languages a").first.is_visible()
    assert not page.locator("#site-search-q").is_visible()
    page.locator(".site-menu summary").click()
    assert page.locator("#site-search-q").is_visible() and page.locator(".site-header nav a").first.is_visible()
    context.close()


def test_phone_menu_opens_without_javascript(browser, site_server):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + "/sub/es/")
    page.locator(".site-menu summary").click()
    page.locator(".site-header nav a").first.click()
    page.wait_for_url(site_server + "/sub/es/conditions/")
    context.close()


def test_on_a_phone_filters_and_count_come_before_the_list(browser, site_server):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_server + "/sub/en/resources/")
    filters, count = page.locator("#filters").bounding_box(), page.locator("#result-count").bounding_box()
    listings = page.locator("#listings").bounding_box()
    assert filters["y"] < 3 * PHONE["height"] and filters["y"] < count["y"] < listings["y"]
    assert count["y"] - (filters["y"] + filters["height"]) < 50  # the count sits right under the filters
    total = page.locator("#listings > li").count()
    page.select_option("#f-category", "food")
    shown = page.locator("#listings > li:not([hidden])").count()
    assert 0 < shown < total and page.locator("#result-count").inner_text() == f"Showing {shown} of {total} services."
    # Keyboard order follows the page: the last filter control, then the first listing's link.
    page.locator("#filters button[type=reset]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.directory-main') !== null")
    context.close()


def test_jump_link_reaches_when_to_get_help(page, site_server):
    page.goto(site_server + "/sub/ar/medications/lisinopril/")
    page.locator(".jump-help a").click()
    assert page.url.endswith("#s-when-to-get-help")
    assert page.locator("#s-when-to-get-help").is_visible()
    assert 0 <= page.locator("#s-when-to-get-help").bounding_box()["y"] < page.viewport_size["height"]  # scrolled to it
