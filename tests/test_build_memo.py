"""What the build's plan keeps between builds (portal.build_memo) is used only under the same key."""
from __future__ import annotations

from portal.build_memo import remembered


def counting(value):
    calls = []

    def make():
        calls.append(1)
        return value
    return make, calls


def test_a_value_is_made_once_per_key(tmp_path):
    make, calls = counting([["site.zip_centers", {"state": "CA"}]])
    assert remembered(tmp_path, "states", "key-1", make) == [["site.zip_centers", {"state": "CA"}]]
    assert remembered(tmp_path, "states", "key-1", make) == [["site.zip_centers", {"state": "CA"}]]
    assert len(calls) == 1
    other, other_calls = counting(["NV"])
    assert remembered(tmp_path, "states", "key-2", other) == ["NV"]  # the listings or the code changed
    assert remembered(tmp_path, "states", "key-2", other) == ["NV"] and len(other_calls) == 1
    assert remembered(tmp_path, "states", "key-1", make) == [["site.zip_centers", {"state": "CA"}]]
    assert len(calls) == 2  # only the last key is kept


def test_without_a_usable_cache_the_value_is_made_each_time(tmp_path):
    make, calls = counting(["CA"])
    assert remembered(None, "states", "key", make) == ["CA"] and remembered("", "states", "key", make) == ["CA"]
    assert len(calls) == 2
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "states.json").write_text("{not json")
    assert remembered(tmp_path, "states", "key", make) == ["CA"] and len(calls) == 3  # damaged: made again
    assert remembered(tmp_path, "states", "key", make) == ["CA"] and len(calls) == 3  # and kept
    blocked = tmp_path / "file"
    blocked.write_text("")  # a cache "folder" that is a file: nothing can be written under it
    assert remembered(blocked, "states", "key", make) == ["CA"] and len(calls) == 4
