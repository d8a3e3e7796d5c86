"""content/synonyms.yaml: checked like other content, and given to both searches as each page's search words."""
from __future__ import annotations

from bs4 import BeautifulSoup

from databases import authorized_client
from portal import create_app
from portal.cli import main
from portal.search.synonyms import read_synonyms

GOOD = """\
en:
  same:
    - [high blood pressure, hypertension, hbp]
  means:
    bp pill: [lisinopril]
es:
  means:
    pastilla para la presión: [lisinopril]
"""


def test_a_page_gets_the_synonyms_of_its_words(content_dir):
    (content_dir / "synonyms.yaml").write_text(GOOD)
    client = authorized_client({"PORTAL_CONTENT_DIR": str(content_dir)})
    soup = BeautifulSoup(client.get("/en/medications/lisinopril/").data, "html.parser")
    # The page's own search words, then the synonyms they bring: both weighted, both metadata for search.js.
    own, given = soup.find(attrs={"data-pagefind-meta": "terms"}), soup.find(attrs={"data-pagefind-meta": "synonyms"})
    assert "Zestril" in own.get_text().split(", ") and "29046" in own.get_text().split(", ")
    assert given.get_text().split(", ") == ["bp pill"]
    for holder in (own, given):
        assert holder.has_attr("hidden") and holder["data-pagefind-weight"] == "5"  # never shown, never read aloud
    names = soup.find(attrs={"data-pagefind-weight": "7"})  # other names and brands weigh like the title
    assert names.has_attr("hidden") and names["data-pagefind-meta"] == "names"
    assert "Zestril" in names.get_text().split(", ")
    assert soup.find(attrs={"data-pagefind-filter": "type:medication"}).has_attr("hidden")
    condition = BeautifulSoup(client.get("/en/conditions/high-blood-pressure/").data, "html.parser")
    assert "hbp" in condition.find(attrs={"data-pagefind-meta": "synonyms"}).get_text().split(", ")
    assert "hbp" not in condition.find(attrs={"data-pagefind-meta": "terms"}).get_text().split(", ")
    spanish = BeautifulSoup(client.get("/es/medications/lisinopril/").data, "html.parser")
    assert "pastilla para la presión" in spanish.find(attrs={"data-pagefind-meta": "synonyms"}).get_text()
    found = client.get("/api/v1/search", query_string={"q": "bp pill"}).get_json()["results"]
    assert found[0]["slug"] == "lisinopril"


def test_no_file_means_no_synonyms(content_dir):
    synonyms, errors = read_synonyms(content_dir, ("en", "es"))
    assert errors == [] and synonyms.languages == {}


BROKEN = """\
en:
  same:
    - [high blood pressure, hypertension]
    - [hypertension, hbp]
    - [zebra stripes, tiger lines]
  means:
    bp pill: [lisinoprill]
vi:
  sames: []
fr:
  same: [[tension]]
es:
  same: not a list
"""


def test_mistakes_are_listed_with_file_and_line(content_dir, runner):
    (content_dir / "synonyms.yaml").write_text(BROKEN)
    result = runner.invoke(main, ["check", str(content_dir)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "synonyms.yaml" in line]
    assert lines == [
        "content/synonyms.yaml:4: en.same[2]: 'hypertension' is also in group 1 "
        "(merge the two groups, or keep the word in one of them)",
        "content/synonyms.yaml:5: en.same[3]: no page in 'en' has any of these words in its title, also_called, "
        "keywords or brand names, so the group finds nothing (add a word that a page uses, or check the spelling)",
        "content/synonyms.yaml:7: en.means.bp pill[1]: no page in 'en' has 'lisinoprill' in its title, also_called, "
        "keywords or brand names (name a page's title or keyword exactly, or check the spelling)",
        "content/synonyms.yaml:9: vi.sames: is not a known field (did you mean 'same'?)",
        "content/synonyms.yaml:10: fr: 'fr' is not a language of the site "
        "(use one of: en, es, zh, vi, ar; or add it to PORTAL_LANGUAGES)",
        "content/synonyms.yaml:13: es.same: should be a list (write a list like [[short of breath, can't breathe]])",
    ]


def test_a_bad_synonyms_file_stops_the_build_and_keeps_the_site(content_dir, runner, tmp_path):
    output = tmp_path / "site"
    assert runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output)]).exit_code == 0
    before = (output / "en" / "index.html").read_bytes()
    (content_dir / "synonyms.yaml").write_text("en:\n  means:\n    bp pill: [no such page]\n")
    result = runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output)])
    assert result.exit_code == 1
    assert "content/synonyms.yaml:3: en.means.bp pill[1]: no page in 'en' has 'no such page'" in result.output
    assert (output / "en" / "index.html").read_bytes() == before


def test_the_serve_preview_reloads_saved_synonyms(content_dir):
    from portal.watch import watch_content

    client = authorized_client({"PORTAL_CONTENT_DIR": str(content_dir)})
    watch_content(client.application)
    before = client.get("/api/v1/search", query_string={"q": "bp pill"}).get_json()["results"]
    assert [hit["slug"] for hit in before[:1]] != ["lisinopril"]
    (content_dir / "synonyms.yaml").write_text(GOOD)
    assert client.get("/api/v1/search", query_string={"q": "bp pill"}).get_json()["results"][0]["slug"] == "lisinopril"
