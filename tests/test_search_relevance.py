"""The relevance set (tests/search_cases.yaml) against the API search: at least 90% in the top 3, in every language."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from databases import authorized_client
from portal import create_app
from conftest import STARTER

CASES = yaml.safe_load((Path(__file__).parent / "search_cases.yaml").read_text(encoding="utf-8"))["cases"]
BAR = 0.90


@pytest.fixture(scope="module")
def starter_client():
    return authorized_client({"PORTAL_CONTENT_DIR": str(STARTER), "PORTAL_CACHE_DIR": ""})


def top3(client, case) -> list[str]:
    response = client.get("/api/v1/search", query_string={"q": str(case["q"]), "lang": case["lang"], "limit": 3})
    assert response.status_code == 200, response.get_json()
    return [f"{hit['type']}/{hit['slug']}" for hit in response.get_json()["results"]]


def test_the_set_covers_what_the_issue_asks_for():
    kinds = {case["kind"] for case in CASES}
    assert len(CASES) >= 60
    assert {"lay", "symptom", "misspelling", "brand", "code", "es"} <= kinds and len(kinds & {"zh", "vi", "ar"}) >= 1
    assert len({(str(c["q"]), c["lang"]) for c in CASES}) == len(CASES), "a query is listed twice"


def test_api_search_finds_the_right_page_in_the_top_3(starter_client, capsys):
    found, misses = defaultdict(lambda: [0, 0]), []
    for case in CASES:
        hits = top3(starter_client, case)
        ok = case["expect"] in hits
        for group in ("all", f"lang {case['lang']}", f"kind {case['kind']}"):
            found[group][0] += ok
            found[group][1] += 1
        if not ok:
            misses.append(f"  {case['q']!r} ({case['lang']}): wanted {case['expect']}, got {hits}")
    with capsys.disabled():
        print("\nAPI search relevance, top 3: " + ", ".join(
            f"{group} {hit}/{total} ({hit / total:.0%})" for group, (hit, total) in found.items()))
        print("\n".join(misses))
    for group, (hit, total) in found.items():
        if not group.startswith("kind"):  # every language meets the bar
            assert hit / total >= BAR, f"{group}: {hit}/{total} in the top 3 is below {BAR:.0%}"
