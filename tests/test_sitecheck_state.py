"""The site check's saved state (portal.sitecheck_state): a rebuild reads only the pages it must, and misses nothing.

Each test builds a small site, checks it once so that the state holds every page, then changes the
site as a build would (some pages rewritten, some gone, the rest `trusted`) and checks it again.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from portal.sitecheck import check_site
from portal.sitecheck_state import ScanState

PAGES = {
    "index.html": '<a href="/a.html">a</a><a href="/b.html#dose">b</a>',
    "a.html": '<h2 id="top">A</h2><a href="/c.html">c</a>',
    "b.html": '<h2 id="dose">Dose</h2><a href="/index.html">home</a>',
    "c.html": '<h2 id="c">C</h2><a href="/a.html#top">a</a>',
}


def write(site: Path, pages: dict[str, str]) -> None:
    for rel, text in pages.items():
        (site / rel).write_text(text)


def check(site: Path, state: Path, changed: set[str] = frozenset(), removed: set[str] = frozenset(),
          base_path: str = "/") -> list[str]:
    """Check the site as a rebuild would: every page but `changed` (and `removed`) unchanged since the last check."""
    files = {p.name for p in site.iterdir()} | set(removed)
    return check_site(site, base_path, state, set(removed), files, files - set(changed) - set(removed))


@pytest.fixture
def checked(tmp_path):
    """A site checked once: (site folder, state file)."""
    site, state = tmp_path / "site", tmp_path / "cache" / "site.sitecheck.sqlite"
    site.mkdir()
    write(site, PAGES)
    assert check(site, state, changed=set(PAGES)) == []
    return site, state


def saved_pages(state: Path) -> set[str]:
    found = ScanState(state, "/")
    try:
        return found.pages()
    finally:
        found.close()


def test_a_changed_page_that_drops_an_anchor_fails_the_unchanged_page_linking_to_it(checked):
    site, state = checked
    (site / "b.html").write_text('<h2 id="dosage">Dose</h2><a href="/index.html">home</a>')
    assert check(site, state, changed={"b.html"}) == [
        "index.html: link /b.html#dose names #dose, which is not on that page"]


def test_a_removed_page_fails_the_unchanged_pages_linking_to_it(checked):
    site, state = checked
    (site / "c.html").unlink()
    assert check(site, state, removed={"c.html"}) == ["a.html: broken link /c.html (no file c.html)"]


def test_a_failed_check_saves_nothing(checked):
    site, state = checked
    (site / "c.html").unlink()
    assert check(site, state, removed={"c.html"}) != []
    assert saved_pages(state) == set(PAGES)  # the next build, told a.html is unchanged, checks it again
    assert check(site, state, removed={"c.html"}) == ["a.html: broken link /c.html (no file c.html)"]


def test_unchanged_pages_that_link_to_nothing_changed_are_not_read(checked):
    site, state = checked
    (site / "c.html").write_text('<h2 id="c">C, changed</h2><a href="/a.html#top">a</a>')
    # A page trusted, and linking to nothing that lost an anchor or went, is taken from the state unopened.
    (site / "a.html").write_text('<a href="/nowhere.html">broken, but not opened</a>')
    assert check(site, state, changed={"c.html"}) == []
    # Told it changed, it is read and fails, and so does the unchanged c.html, whose #top it lost.
    assert check(site, state, changed={"a.html"}) == ["a.html: broken link /nowhere.html (no file nowhere.html)",
                                                      "c.html: link /a.html#top names #top, which is not on that page"]


def test_the_state_is_updated_only_for_what_changed(checked):
    site, state = checked
    (site / "a.html").write_text('<h2 id="top">A</h2><a href="/c.html">c</a><a href="/b.html">b</a>')
    assert check(site, state, changed={"a.html"}) == []
    db = sqlite3.connect(state)
    assert sorted(db.execute("SELECT target, page, fragment FROM links WHERE page = 'a.html'")) == [
        ("b.html", "a.html", 0), ("c.html", "a.html", 0)]
    assert sorted(db.execute("SELECT page FROM links WHERE target = 'a.html'")) == [("c.html",), ("index.html",)]
    db.close()
    (site / "c.html").unlink()
    (site / "a.html").write_text('<h2 id="top">A</h2><a href="/b.html">b</a>')
    (site / "index.html").write_text('<a href="/a.html">a</a><a href="/b.html#dose">b</a>')
    assert check(site, state, changed={"a.html"}, removed={"c.html"}) == []
    assert saved_pages(state) == {"index.html", "a.html", "b.html"}
    db = sqlite3.connect(state)
    assert sorted(db.execute("SELECT target, page FROM links WHERE page = 'c.html' OR target = 'c.html'")) == []
    db.close()


def test_a_new_base_path_checks_every_page(checked):
    site, state = checked
    (site / "a.html").write_text('<h2 id="top">A</h2><a href="/c.html">c</a>')  # right under /, not under /sub/
    assert check(site, state, base_path="/sub/") == [
        "a.html: link /c.html points outside the site's base path /sub/",
        "b.html: link /index.html points outside the site's base path /sub/",
        "c.html: link /a.html#top points outside the site's base path /sub/",
        "index.html: link /a.html points outside the site's base path /sub/",
        "index.html: link /b.html#dose points outside the site's base path /sub/",
    ]


def _garbage(state: Path) -> None:
    state.write_bytes(b"not a database" * 100)


def _truncated(state: Path) -> None:
    state.write_bytes(state.read_bytes()[:2048])


def _damaged_scan(state: Path) -> None:  # of the page that changed: its saved scan is read, to compare
    db = sqlite3.connect(state)
    db.execute("UPDATE pages SET scan = x'00ff' WHERE rel = 'a.html'")
    db.commit()
    db.close()


def _lost_row(state: Path) -> None:
    db = sqlite3.connect(state)
    db.execute("DELETE FROM pages WHERE rel = 'b.html'")
    db.commit()
    db.close()


def _other_version(state: Path) -> None:
    db = sqlite3.connect(state)
    db.execute("UPDATE meta SET value = 'old' WHERE key = 'version'")
    db.commit()
    db.close()


@pytest.mark.parametrize("damage", [Path.unlink, _garbage, _truncated, _damaged_scan, _lost_row, _other_version])
def test_a_damaged_or_missing_state_checks_every_page(checked, damage):
    site, state = checked
    damage(state)
    # b.html went wrong without the build knowing (it is trusted): only a full check finds it.
    (site / "b.html").write_text('<a href="/nowhere.html">x</a>')
    (site / "a.html").write_text('<h2 id="top">A, changed</h2><a href="/b.html">b</a>')
    assert check(site, state, changed={"a.html"}) == [
        "b.html: broken link /nowhere.html (no file nowhere.html)",
        "index.html: link /b.html#dose names #dose, which is not on that page",
    ]
    (site / "b.html").write_text(PAGES["b.html"])
    assert check(site, state, changed={"a.html"}) == []
    assert saved_pages(state) == set(PAGES)  # made afresh


def test_with_an_intact_state_the_same_trusted_page_is_not_read(checked):
    """The counterpart of the test above: without the damage, the trusted page is taken from the state."""
    site, state = checked
    (site / "b.html").write_text('<a href="/nowhere.html">x</a>')
    (site / "a.html").write_text('<h2 id="top">A, changed</h2><a href="/b.html">b</a>')
    assert check(site, state, changed={"a.html"}) == []


def test_a_state_that_cannot_be_written_is_deleted(checked, monkeypatch):
    """Else it would describe the site before this check, and the next build would trust its old scans."""
    site, state = checked

    def disk_full(value):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("portal.sitecheck_state._pack", disk_full)
    (site / "b.html").write_text('<h2 id="dose">Dose</h2><a href="/index.html">home</a><a href="/c.html">c</a>')
    assert check(site, state, changed={"b.html"}) == []  # the check passed; only its state is lost
    assert not state.exists()
    monkeypatch.undo()
    (site / "b.html").write_text('<a href="/nowhere.html">x</a>')  # trusted by the next build, so read only afresh
    assert check(site, state, changed={"a.html"}) == [
        "b.html: broken link /nowhere.html (no file nowhere.html)",
        "index.html: link /b.html#dose names #dose, which is not on that page",
    ]


# A build checks the links while Pagefind writes the search index (portal.build, portal.beside): the index's
# files come `later`, and the check waits for them only to judge a link to a file it does not know, and to
# commit its state.
INDEX = {"pagefind/pagefind.js", "pagefind/pagefind-entry.json"}
LINKING_TO_THE_INDEX = {
    "search.html": '<script src="/pagefind/pagefind.js"></script><a href="/a.html#top">a</a>',
    "broken.html": '<a href="/nowhere.html">x</a><a href="/b.html#gone">b</a><img src="https://cdn.example/x.png">'
                   '<link rel="preload" href="/pagefind/pagefind-worker.js">',
}


def waits(files: set[str] | None, calls: list):
    def later():
        calls.append("later")
        return files
    return later


def test_files_given_later_give_the_same_problems_as_files_known_at_the_start(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    write(site, {**PAGES, **LINKING_TO_THE_INDEX})
    files, calls = {p.name for p in site.iterdir()}, []
    known = check_site(site, "/", tmp_path / "known.sqlite", set(), files | INDEX)
    assert known == ["broken.html: broken link /nowhere.html (no file nowhere.html)",
                     "broken.html: link /b.html#gone names #gone, which is not on that page",
                     "broken.html: loads https://cdn.example/x.png from another site (serve it from the site itself)",
                     "broken.html: broken link /pagefind/pagefind-worker.js (no file pagefind/pagefind-worker.js)"]
    assert check_site(site, "/", tmp_path / "later.sqlite", set(), files, later=waits(INDEX, calls)) == known
    assert calls  # asked for the links to files the site's pages are not
    # The index failed (None): its files are missing, the rest is found as before.
    assert check_site(site, "/", tmp_path / "failed.sqlite", set(), files, later=waits(None, [])) == known + [
        "search.html: broken link /pagefind/pagefind.js (no file pagefind/pagefind.js)"]


def test_a_check_of_pages_linking_to_known_files_does_not_wait_until_it_saves(tmp_path):
    site, state = tmp_path / "site", tmp_path / "site.sitecheck.sqlite"
    site.mkdir()
    write(site, PAGES)
    calls = []
    assert check_site(site, "/", None, set(), set(PAGES), later=waits(INDEX, calls)) == []
    assert calls == []  # nothing to wait for: the check ends while the index is being written
    assert check_site(site, "/", state, set(), set(PAGES), later=waits(INDEX, calls)) == []
    assert calls == ["later"] and saved_pages(state) == set(PAGES)  # asked once, before committing its state


def test_a_check_whose_later_files_never_come_saves_nothing(checked):
    """The build failed beside the check (the index could not be built): its pages must not be trusted later."""
    site, state = checked
    (site / "c.html").write_text('<h2 id="c">C, changed</h2><a href="/a.html#top">a</a>')
    (site / "d.html").write_text('<a href="/c.html">c</a>')
    files = set(PAGES) | {"d.html"}
    assert check_site(site, "/", state, set(), files, files - {"c.html", "d.html"}, later=waits(None, [])) == []
    assert saved_pages(state) == set(PAGES)  # d.html not saved: the state is the last passing check's
    db = sqlite3.connect(state)
    assert db.execute("SELECT count(*) FROM links WHERE page = 'd.html'").fetchone() == (0,)
    db.close()
    assert check_site(site, "/", state, set(), files, files - {"c.html", "d.html"}, later=waits(INDEX, [])) == []
    assert saved_pages(state) == files
