"""Search on the static site: the Pagefind index in the build, the search page, the search box on every page."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import portal.search.pagefind as pagefind
from portal.build import BuildError, build
from portal.config import load_settings
from conftest import LANGUAGES


def soup_of(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.data, "html.parser")


def test_built_pages_are_in_their_own_language(starter_site):
    """Frozen-Flask renders every page in one app context; each must still get its own language."""
    for lang, skip in (("en", "Skip to main content"), ("es", "Ir al contenido principal"), ("en", "Skip to main content")):
        soup = BeautifulSoup((starter_site / lang / "search" / "index.html").read_text(), "html.parser")
        assert soup.find("a", class_="skip-link").get_text() == skip


def test_the_build_writes_one_pagefind_index_per_language(starter_site):
    bundle = starter_site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    languages = {p.name.split("_")[0].removeprefix("pagefind.") for p in bundle.glob("pagefind.*.pf_meta")}
    assert languages == set(LANGUAGES)
    assert not list(bundle.glob("pagefind-*ui*"))  # the site shows results itself


@pytest.mark.parametrize("url", ["/en/", "/es/conditions/high-blood-pressure/", "/ar/resources/crisis-line/",
                                 "/en/medications/"])
def test_every_page_has_a_search_box_that_works_without_javascript(client, url):
    soup = soup_of(client, url)
    lang = soup.html["lang"]
    form = soup.find("form", role="search")
    assert form["method"] == "get" and form["action"] == f"/{lang}/search/"
    field = form.find("input", attrs={"name": "q"})
    assert soup.find("label", attrs={"for": field["id"]}).get_text(strip=True)


def test_search_page_explains_itself_and_links_to_the_lists(client):
    soup = soup_of(client, "/es/search/")
    assert soup.h1.get_text() == "Buscar"
    assert len(soup.find_all("form", role="search")) == 1  # no second box in the header
    form = soup.find("form", attrs={"data-search": True})
    assert form["data-pagefind"] == "/pagefind/pagefind.js" and form["data-base"] == "/"
    assert soup.find("label", attrs={"for": "search-q"}).get_text() == "¿Qué está buscando?"
    assert "{query}" in form["data-msg-none"] and "No se encontraron" in form["data-msg-none"]
    assert soup.find(attrs={"data-search-status": True})["role"] == "status"
    assert "JavaScript" in soup.find("noscript").get_text()
    links = [a["href"] for a in soup.find("section", class_="search-browse").find_all("a")]
    assert links == ["/es/conditions/", "/es/medications/", "/es/topics/", "/es/resources/"]


def test_only_the_article_is_indexed_with_title_summary_and_filters(client):
    soup = soup_of(client, "/en/resources/example-pantry/")
    body = soup.find(attrs={"data-pagefind-body": True})
    assert body.name == "article"
    assert body.find(attrs={"data-pagefind-meta": "title"}).get_text() == "Example: Riverside Food Pantry"
    assert body.find(attrs={"data-pagefind-meta": "summary"}).get_text() == "Free groceries once a week."
    filters = [tag["data-pagefind-filter"] for tag in body.find_all(attrs={"data-pagefind-filter": True})]
    assert filters == ["type:resource", "category:food"]
    assert len(soup.find_all(attrs={"data-pagefind-body": True})) == 1


def test_a_failed_search_index_keeps_the_last_good_site(content_dir, tmp_path, monkeypatch):
    settings = load_settings({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CACHE_DIR": str(tmp_path / "cache")},
                             environ={})
    output = tmp_path / "site"
    build(settings, output)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("Eat less salt.", "Eat less salt. Read food labels."))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # Pagefind cannot run
    with pytest.raises(BuildError) as failure:
        build(settings, output)
    assert failure.value.title == "The search index could not be built:"
    assert "Pagefind failed (exit status 1)" in failure.value.problems[0]
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]  # no staging left behind
    monkeypatch.undo()
    assert build(settings, output).rendered == 5  # the next build finishes the job
    assert b"Read food labels" in (output / "en" / "conditions" / "heart-failure" / "index.html").read_bytes()


def test_pagefind_is_run_as_its_own_binary_and_a_missing_one_is_named(tmp_path, monkeypatch):
    from pagefind_bin_extended import get_executable

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    assert pagefind._pagefind() == [str(get_executable())]  # not a Python started only to exec it
    page = tmp_path / "site" / "en" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<html lang="en"><body><main data-pagefind-body>Water pills</main></body></html>')
    assert pagefind.index_site([tmp_path / "site"], {"en/index.html"}, tmp_path / "out")[0] == 1
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(pagefind.PagefindError, match="Pagefind could not be started: .*no-such-pagefind"):
        pagefind.index_site([tmp_path / "site"], {"en/index.html"}, tmp_path / "out")
