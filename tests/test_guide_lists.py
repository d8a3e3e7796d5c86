"""The lists of conditions, medicines and topics come in pages of PORTAL_GUIDE_LIST_PAGE_SIZE guides, A to Z
in the reader's language: every guide on exactly one page, the medicines' brand names each on the page where
they fall A to Z, a pager on every page of a longer list, and a guide not yet translated marked English."""
from __future__ import annotations

import math

import pytest
from bs4 import BeautifulSoup

from conftest import STARTER
from portal import create_app

SIZE = 4


@pytest.fixture(scope="module")
def starter():
    """The starter library, four guides a page."""
    app = create_app({"PORTAL_CONTENT_DIR": str(STARTER), "PORTAL_CACHE_DIR": "",
                      "PORTAL_GUIDE_LIST_PAGE_SIZE": str(SIZE)})
    return app, app.extensions["portal.library"]


def soup_of(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.data, "html.parser")


def list_pages(client, first: str) -> list[BeautifulSoup]:
    """Every page of a list, following the pager's 'Next page' links from the first."""
    pages, url = [], first
    while url:
        soup = soup_of(client, url)
        pages.append(soup)
        after = soup.find("a", rel="next")
        url = after["href"] if after else None
    return pages


def card_titles(soup: BeautifulSoup) -> list[str]:
    return [h2.get_text(strip=True) for h2 in soup.select("ul.cards > li > h2")]


@pytest.mark.parametrize("kind, path", [("condition", "conditions"), ("medication", "medications"),
                                        ("topic", "topics")])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_guide_is_on_exactly_one_page_a_to_z(starter, kind, path, lang):
    app, library = starter
    client = app.test_client()
    pages = list_pages(client, f"/{lang}/{path}/")
    count = math.ceil(len(library.pages_of(kind)) / SIZE)
    assert len(pages) == count > 1
    shown = [card_titles(soup) for soup in pages]
    assert all(len(titles) == SIZE for titles in shown[:-1]) and 0 < len(shown[-1]) <= SIZE
    every = [title for titles in shown for title in titles]
    expected = {library.page(kind, slug, lang).title for slug in library.pages_of(kind)}
    assert sorted(every) == sorted(expected) and len(every) == len(expected)
    if kind != "medication":  # (medicines are in the order of their common names)
        assert every == sorted(every, key=str.casefold)
    for number, soup in enumerate(pages, 1):
        pager = soup.find("nav", class_="pager")
        page_word, of = {"en": ("Page", "of"), "es": ("Página", "de")}[lang]
        assert pager.h2.get_text() == f"{page_word} {number} {of} {count}"
        assert pager.find("a", attrs={"aria-current": "page"}).get_text() == str(number)
        assert len(pager.select("li a:not([rel])")) == count
        assert (soup.find("a", rel="prev") is None) == (number == 1)
        assert f", {'page' if lang == 'en' else 'página'} {number} " in soup.title.get_text()
    # The page after the last, and page 0, are missing pages, not server errors.
    soup_of(client, f"/{lang}/{path}/page/{count + 1}/", status=404)
    assert client.get(f"/{lang}/{path}/page/0/").status_code == 404


def test_each_brand_name_is_on_the_page_where_it_falls_a_to_z(starter):
    app, library = starter
    client = app.test_client()
    pages = list_pages(client, "/en/medications/")
    firsts = [library.page("medication", soup.select_one("ul.cards > li > h2 a")["href"].split("/")[-2], "en")
              .front["generic_name"].casefold() for soup in pages]
    every, rows = [], []
    for number, soup in enumerate(pages):
        rows = [li.get_text(" ", strip=True).replace(" :", ":") for li in soup.select("ul.brand-list > li")]
        for brand in (row.split(":")[0] for row in rows):
            if number > 0:
                assert brand.casefold() >= firsts[number], (brand, number + 1)
            if number + 1 < len(pages):
                assert brand.casefold() < firsts[number + 1], (brand, number + 1)
        every += rows
    brands = sorted((brand, page.title) for slug, versions in library.medications.items()
                    for page in [versions["en"]] for brand in page.front["brand_names"])
    assert len(every) == len(brands) > len(pages)
    assert sorted(every) == sorted(f"{brand}: {title}" for brand, title in brands)
    assert [row.split(":")[0].casefold() for row in every] == sorted(row.split(":")[0].casefold() for row in every)
    assert "Zestril: Lisinopril" in rows  # (rows: the last page's)


def test_the_sitemap_lists_every_page_of_the_lists(starter):
    app, library = starter
    sitemap = app.test_client().get("/sitemap.xml").get_data(as_text=True)
    for lang in ("en", "es"):
        count = math.ceil(len(library.conditions) / SIZE)
        assert f"/{lang}/conditions/page/{count}/</loc>" in sitemap
        assert f"/{lang}/conditions/page/{count + 1}/</loc>" not in sitemap
        assert f"/{lang}/conditions/page/1/</loc>" not in sitemap  # page 1 is /<lang>/conditions/ itself


def test_a_guide_not_yet_translated_is_listed_in_english_marked_so(client):
    """The test library: high blood pressure has a Spanish version, heart failure has not."""
    soup = soup_of(client, "/es/conditions/")
    links = {a["href"]: a for a in soup.select("ul.cards > li > h2 a")}
    untranslated = links["/es/conditions/heart-failure/"]
    assert untranslated["lang"] == "en" and untranslated.get_text() == "Heart failure"
    assert untranslated.find_parent("li").find("p", lang="en")  # its summary too
    assert not links["/es/conditions/high-blood-pressure/"].has_attr("lang")
    assert soup.find("nav", class_="pager") is None  # one page at the default size
    assert soup_of(client, "/es/medications/").find("a", href="/es/medications/lisinopril/")["lang"] == "en"
