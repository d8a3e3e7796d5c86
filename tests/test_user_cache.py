"""Tables kept in the user's cache folder (portal/user_cache.py): the ZIP code centers, CMUdict's syllables."""
from __future__ import annotations

import pickle
from importlib.metadata import version

import pytest

from portal import user_cache
from portal.site import near_me


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "care-guide-portal"


def test_a_table_is_made_once_then_loaded(cache_home):
    calls = []

    def make():
        calls.append(1)
        return {"92501": (33.98, -117.37)}

    assert user_cache.cached_table("demo", "zipcodes", make) == {"92501": (33.98, -117.37)}
    assert user_cache.cached_table("demo", "zipcodes", make) == {"92501": (33.98, -117.37)}
    assert len(calls) == 1
    [kept] = cache_home.glob("demo-*.pickle")
    assert kept.name.startswith(f"demo-{version('zipcodes')}-")  # named after the package version


def test_a_damaged_table_is_made_again(cache_home):
    user_cache.cached_table("demo", "zipcodes", lambda: [1, 2, 3])
    [kept] = cache_home.glob("demo-*.pickle")
    kept.write_bytes(b"not a pickle")
    assert user_cache.cached_table("demo", "zipcodes", lambda: [4]) == [4]
    assert pickle.loads(kept.read_bytes()) == [4]


def test_a_table_of_older_code_is_replaced(cache_home):
    user_cache.cached_table("demo", "zipcodes", lambda: "old")
    [kept] = cache_home.glob("demo-*.pickle")
    older = kept.with_name("demo-0.0-000000000000.pickle")
    kept.rename(older)  # as if the deriving module or the package had been different
    assert user_cache.cached_table("demo", "zipcodes", lambda: "new") == "new"
    assert [p.name for p in cache_home.glob("demo-*.pickle")] == [kept.name]


def test_a_cache_that_cannot_be_written_only_costs_the_parse(cache_home):
    """A file where the folder should be (as a read-only home): the table is still made, each time."""
    cache_home.parent.mkdir(parents=True, exist_ok=True)
    cache_home.write_text("a file, not a folder")
    assert user_cache.cached_table("demo", "zipcodes", lambda: "made") == "made"


def test_the_zip_table_from_the_cache_is_the_parsed_one(cache_home):
    near_me._table.cache_clear()
    try:
        first = near_me._table()
        near_me._table.cache_clear()
        assert len(list(cache_home.glob("zip-centers-*.pickle"))) == 1
        again = near_me._table()
        assert again == first == near_me._read_table()
        assert again["92501"].state == "CA"
    finally:
        near_me._table.cache_clear()


@pytest.mark.parametrize("lang", ["en_US", "es"])
def test_the_hyphenation_table_from_the_cache_hyphenates_as_pyphen_does(cache_home, lang):
    from pyphen import Pyphen

    from portal.content import readability

    readability._hyphenator.cache_clear()
    try:
        readability._hyphenator(lang)
        readability._hyphenator.cache_clear()
        assert len(list(cache_home.glob(f"hyphenation-{lang}-*.pickle"))) == 1
        kept = readability._hyphenator(lang)  # this time from the file
        fresh = Pyphen(lang=lang)
        words = ["hyphenation", "medication", "inhaler", "medicamento", "corazón", "enfermedad"]
        assert [kept.inserted(w) for w in words] == [fresh.inserted(w) for w in words]
        textstat = readability.load_textstat()
        from textstat.backend.counts import _count_syllables

        assert _count_syllables.get_pyphen is readability._hyphenator
        assert textstat.syllable_count("zyxwvutopia") > 1  # not in CMUdict: counted by the hyphenator
    finally:
        readability._hyphenator.cache_clear()
