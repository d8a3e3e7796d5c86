"""Search on the static site: the Pagefind index in the build, the search page, the search box on every page."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from bs4 import BeautifulSoup

import portal.search.pagefind as pagefind
import portal.sitecheck as sitecheck
from portal.build import BuildError, build, index as index_step
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


def _settings(content_dir, tmp_path) -> dict:
    return load_settings({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CACHE_DIR": str(tmp_path / "cache")},
                         environ={})


def _nothing_left(tmp_path) -> None:
    """No staging folder and no thread of the build left behind."""
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("beside")]


def test_a_broken_link_and_a_failed_search_index_are_both_reported(content_dir, tmp_path, monkeypatch):
    """The link check runs beside the index step (portal.beside): when both fail, the build says both."""
    settings, output = _settings(content_dir, tmp_path), tmp_path / "site"
    build(settings, output)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    monkeypatch.setattr("portal.content.markup.link_problem", lambda url: None)  # (`portal check` refuses it)
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("Eat less salt.", "See [the chart](/en/nowhere/)."))
    with pytest.raises(BuildError) as broken:
        build(settings, output)
    links = broken.value.problems
    assert broken.value.title == f"The built site has {len(links)} broken link(s):" and len(links) == len(LANGUAGES)
    assert "broken link /en/nowhere/ (no file en/nowhere/index.html)" in links[0]
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # Pagefind cannot run
    with pytest.raises(BuildError) as both:
        build(settings, output)
    assert both.value.title == ("The search index could not be built, and the built site has "
                                f"{len(links)} broken link(s):")
    assert "Pagefind failed (exit status 1)" in both.value.problems[0]
    assert both.value.problems[1:] == links  # the same, in the same order
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    _nothing_left(tmp_path)


def test_the_link_check_reads_the_pages_while_the_search_index_is_built(content_dir, tmp_path, monkeypatch):
    started = threading.Event()

    def check_site(*args):
        started.set()
        return sitecheck.check_site(*args)

    def index(*args):
        assert started.wait(10), "the link check did not start before the search index"
        return index_step(*args)

    monkeypatch.setattr("portal.build.check_site", check_site)
    monkeypatch.setattr("portal.build.index", index)
    assert build(_settings(content_dir, tmp_path), tmp_path / "site").pages > 0


@pytest.mark.parametrize("step", ["check_site", "index"])
def test_an_error_in_the_link_check_or_the_index_step_is_raised_and_nothing_is_left_running(step, content_dir, tmp_path,
                                                                                            monkeypatch):
    """The link check's error is raised in the build's thread; the index step's stops the check, which saves nothing."""
    def fail(*args):
        raise OSError(f"{step} failed")

    monkeypatch.setattr(f"portal.build.{step}", fail)
    with pytest.raises(OSError, match=f"{step} failed"):
        build(_settings(content_dir, tmp_path), tmp_path / "site")
    assert not (tmp_path / "site").exists()
    _nothing_left(tmp_path)
    states = list((tmp_path / "cache" / "builds").glob("*.sitecheck.sqlite"))
    assert states or step == "check_site"  # the check ran beside the failed index step
    for state in states:
        db = sqlite3.connect(state)
        assert db.execute("SELECT count(*) FROM pages").fetchone() == (0,)  # its scans were rolled back
        db.close()


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
