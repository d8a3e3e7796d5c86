"""The site's search in real Chromium after incremental builds that indexed only the changed pages.

The small library is built under /sub/ (a full index), then one guide's text is edited and a listing
deleted, each followed by an incremental build: pagefind/ stays as the first build made it, and
search.js merges pagefind-delta/ and drops the results that its state.json names.
"""
from __future__ import annotations

import json
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from conftest import FIXTURES
from portal.build import build
from portal.config import load_settings
from test_browser import browser  # noqa: F401  (the Chromium fixture)

HEART = "/sub/en/conditions/heart-failure/"
PANTRY = "/sub/en/resources/example-pantry/"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def delta_site(tmp_path_factory):
    """(server address, build folder, settings, content folder) of the small library built under /sub/."""
    root = tmp_path_factory.mktemp("delta")
    content = root / "content"
    shutil.copytree(FIXTURES / "content", content)
    settings = load_settings({"PORTAL_CONTENT_DIR": str(content), "PORTAL_CACHE_DIR": str(root / "cache"),
                              "PORTAL_BASE_URL": "/sub/"}, environ={})
    output = root / "site" / "sub"
    build(settings, output)
    handler = partial(QuietHandler, directory=str(output.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", output, settings, content
    server.shutdown()
    server.server_close()


@pytest.fixture
def watched(browser):  # noqa: F811
    """A fresh page, and the console errors and failed or missing requests seen on it."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and errors.append(f"{response.status} {response.url}"))
    yield page, errors
    context.close()


def search(page, server: str, query: str, lang: str = "en") -> list[str]:
    page.goto(f"{server}/sub/{lang}/search/?q={quote(query)}")
    status = page.locator("[data-search-status]")
    page.wait_for_function("s => s.textContent && !s.textContent.endsWith('…')", arg=status.element_handle())
    return [a.get_attribute("href") for a in page.locator("[data-search-results] li h2 a").all()]


def state(output) -> dict:
    return json.loads((output / "pagefind-delta" / "state.json").read_text())


def test_search_finds_the_new_text_and_not_the_old_after_incremental_builds(delta_site, watched):
    server, output, settings, content = delta_site
    page, errors = watched
    # The full index: the words are where the library has them (so the checks below can fail).
    assert state(output) == {"delta": False}
    assert search(page, server, "morning") == [HEART]
    assert search(page, server, "logbook") == []
    assert PANTRY in search(page, server, "groceries")
    assert search(page, server, "Heart failure")[0] == HEART
    base = {p.relative_to(output).as_posix(): p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file()}

    guide = content / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("Weigh yourself each morning.", "Write your weight in a logbook."))
    build(settings, output)
    (content / "resources" / "example-pantry.yaml").unlink()
    build(settings, output)

    now = state(output)
    assert now["delta"] is True and now["hide_base"] and now["hide_delta"]
    assert {p.relative_to(output).as_posix(): p.read_bytes()
            for p in (output / "pagefind").rglob("*") if p.is_file()} == base  # the full index is as it was
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert search(page, server, "logbook") == [HEART]
    assert any("/sub/pagefind-delta/pagefind-entry.json" in url for url in requested)  # merged at the sub-path
    assert HEART not in search(page, server, "morning")
    assert PANTRY not in search(page, server, "groceries")
    assert search(page, server, "Heart failure")[0] == HEART
    assert search(page, server, "weight logbook")[0] == HEART
    # Another language's search merges its own part of the delta (the guide is shown in English there).
    # (Spanish stemming lets the pages of the full index match "logbook" weakly, as a clean build's do.)
    spanish = search(page, server, "logbook", "es")
    assert spanish[0] == "/sub/es/conditions/heart-failure/" and spanish.count(spanish[0]) == 1
    assert errors == []


def test_after_compaction_the_search_has_no_delta(delta_site, watched):
    server, output, settings, content = delta_site
    page, errors = watched
    guide = content / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("Weigh yourself each morning.", "Write your weight in a logbook."))
    build({**settings, "PORTAL_SEARCH_DELTA_MAX_PAGES": 0}, output)  # no delta allowed: every page again
    assert state(output) == {"delta": False}
    assert sorted(p.name for p in (output / "pagefind-delta").iterdir()) == ["state.json"]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert search(page, server, "logbook") == [HEART]
    assert HEART not in search(page, server, "morning")
    assert search(page, server, "Heart failure")[0] == HEART
    assert any("/sub/pagefind-delta/state.json" in url for url in requested)
    assert not any("pagefind-delta/pagefind-entry.json" in url for url in requested)
    assert errors == []


def test_a_delta_that_cannot_be_merged_leaves_the_full_index_searchable(delta_site, watched):
    """state.json names a delta whose files are not there (a host that lost them): the search uses the full
    index as it was made, instead of failing on every search."""
    server, output, settings, content = delta_site
    page, errors = watched
    guide = content / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("Write your weight in a logbook.", "Write your weight in a diary."))
    build(settings, output)
    assert state(output)["delta"] is True
    entry = output / "pagefind-delta" / "pagefind-entry.json"
    saved = entry.read_bytes()
    entry.unlink()
    try:
        assert search(page, server, "Heart failure")  # the full index's pages, the old text
        assert page.locator("[data-search-status]").inner_text().startswith("Pages found")
    finally:
        entry.write_bytes(saved)
    assert [error for error in errors if "pagefind-entry.json" not in error and "404" not in error] == []
    assert search(page, server, "diary") == [HEART]


def test_the_build_check_names_missing_index_files(tmp_path):
    from portal.search.pagefind import check_index

    site = tmp_path / "site"
    (site / "pagefind-delta").mkdir(parents=True)
    base = {"pagefind/pagefind.js", "pagefind/pagefind-entry.json"}
    assert check_index([site], base) == ["the search index has no pagefind-delta/state.json"]
    (site / "pagefind-delta" / "state.json").write_text('{"delta": false}')
    assert check_index([site], base | {"pagefind-delta/state.json"}) == []
    (site / "pagefind-delta" / "state.json").write_text('{"delta": true, "hide_base": [], "hide_delta": []}')
    assert check_index([site], base | {"pagefind-delta/state.json"}) == [
        "pagefind-delta/state.json names a delta index, but there is no pagefind-delta/pagefind-entry.json"]
    (site / "pagefind-delta" / "pagefind-entry.json").write_text('{"languages": {"en": {"hash": "en_123"}}}')
    files = base | {"pagefind-delta/state.json", "pagefind-delta/pagefind-entry.json"}
    assert check_index([site], files) == [
        "pagefind-delta/pagefind-entry.json names pagefind-delta/pagefind.en_123.pf_meta, which is missing"]
    assert check_index([site], files | {"pagefind-delta/pagefind.en_123.pf_meta"}) == []


def test_the_sample_is_a_fifth_of_a_small_site_and_at_most_100_pages_per_language():
    from portal.search.pagefind import SAMPLE_PAGES, sample

    def site(language: str, count: int) -> dict[str, str]:
        return {f"{language}/conditions/c{n:05}/index.html": f"{language}_{n:07x}" for n in range(count)}

    ids = {**site("en", 110), **site("es", 2000)}
    changed = {"en/conditions/c00003/index.html", "es/conditions/c00010/index.html"}
    chosen = sample(ids, changed)
    assert not chosen & changed
    assert 15 <= len([rel for rel in chosen if rel.startswith("en/")]) <= 21  # about a fifth of the 109 unchanged
    assert len([rel for rel in chosen if rel.startswith("es/")]) == SAMPLE_PAGES == 100
    assert sample(ids, changed) == chosen  # the same pages from one build to the next
    assert len(sample(site("en", 3), set())) == 1
    # One more page changed moves at most one page of the sample (the draw is by each page's own address).
    assert len(sample(ids, changed) ^ sample(ids, changed | {next(iter(chosen))})) <= 2


def test_the_sample_does_not_follow_a_period_in_the_addresses():
    """A library whose pages come in a repeating order (here 30 kinds, as bench/generate.py makes them): every
    k-th page by address would be drawn from 30 / gcd(k, 30) kinds; the sample has every kind."""
    from portal.search.pagefind import sample

    ids = {f"en/conditions/c{n:05}/index.html": f"en_{n:07x}" for n in range(1000)}
    kinds = {int(rel[15:20]) % 30 for rel in sample(ids, set())}
    assert kinds == set(range(30))
