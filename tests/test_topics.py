"""Topics (falls, vaccines, sick-day rules): checked, built, listed, found and assigned like guides."""
from __future__ import annotations

import base64
import gzip
import json

from bs4 import BeautifulSoup

from api_helpers import education, new_patient
from databases import authorized_client
from portal.build import build
from portal.cli import main
from portal.config import load_settings
from portal.console.content_search import search_content
from test_console import sign_in

TOPIC = "topics/preventing-falls/en.md"


def soup_of(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.data, "html.parser")


def check(runner, content_dir, monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    return runner.invoke(main, ["check", "content"])


def test_topic_missing_a_section_and_naming_an_unknown_page_gives_each_error(content_dir, runner, monkeypatch):
    path = content_dir / TOPIC
    text = path.read_text().replace("related_medications: [lisinopril]", "related_medications: [lisinoprill]")
    text = text.replace("## What to know\n", "## Background\n").replace("(medication:lisinopril)", "(topic:falls)")
    path.write_text(text)
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("content/topics/preventing-falls/en.md:19: body: the section '## What to know' is missing "
            "(add a '## What to know' heading with its text)") in lines
    assert ("content/topics/preventing-falls/en.md:11: related_medications[1]: there is no medication 'lisinoprill' "
            "(did you mean 'lisinopril'?)") in lines
    assert any(line.startswith("content/topics/preventing-falls/en.md:29: body link: there is no topic 'falls'")
               for line in lines), result.output


def test_topic_needs_its_911_list_and_not_an_icd10_code(content_dir, runner, monkeypatch):
    path = content_dir / TOPIC
    text = path.read_text().replace("icd10: [Z91.81]\n", "")
    path.write_text(text.replace("### Call 911 if\n\n- You fall and hit your head.\n- You fall and cannot get up.\n\n",
                                 ""))
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 1
    assert ("content/topics/preventing-falls/en.md:30: body: 'When to get help' has no '### Call 911 if' list "
            "(add '### Call 911 if' with a bulleted list under it)") in result.output.splitlines()
    assert "icd10" not in result.output


def test_related_topic_on_a_guide_must_exist(content_dir, runner, monkeypatch):
    path = content_dir / "conditions" / "heart-failure" / "en.md"
    path.write_text(path.read_text().replace(
        "related_conditions: [high-blood-pressure]",
        "related_conditions: [high-blood-pressure]\nrelated_topics: [preventing-fall]"))
    result = check(runner, content_dir, monkeypatch)
    assert ("content/conditions/heart-failure/en.md:10: related_topics[1]: there is no topic 'preventing-fall' "
            "(did you mean 'preventing-falls'?)") in result.output.splitlines()


def test_topic_page_list_and_links(client):
    soup = soup_of(client, "/en/topics/preventing-falls/")
    assert soup.h1.get_text() == "Preventing falls"
    assert soup.find("p", class_="kind").get_text() == "Health topic"
    article = soup.find(attrs={"data-pagefind-body": True})
    assert article.find(attrs={"data-pagefind-filter": "type:topic"}) is not None
    assert [h.get_text() for h in article.find_all("h2")][:4] == [
        "What to know", "What you can do", "When to get help", "Questions to ask your care team"]
    assert soup.find("a", href="/en/medications/lisinopril/")  # the body link
    assert "Z91.81" in soup.find("p", class_="codes").get_text()
    listing = soup_of(client, "/es/topics/")
    assert [a["href"] for a in listing.select("ul.cards h2 a")] == ["/es/topics/preventing-falls/"]
    nav = soup_of(client, "/en/").find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", href="/en/topics/")
    sheet = soup_of(client, "/en/medications/lisinopril/").find("section", class_="related")
    assert sheet.find("a", href="/en/topics/preventing-falls/").get_text() == "Preventing falls"
    search = soup_of(client, "/en/search/")
    assert "topic" in [o["value"] for o in search.select("#search-type option")]
    assert "/en/topics/preventing-falls/" in client.get("/sitemap.xml").data.decode()


def test_site_without_topics_has_no_topic_links(content_dir):
    from portal import create_app
    import shutil

    shutil.rmtree(content_dir / "topics")
    lisinopril = content_dir / "medications" / "lisinopril" / "en.md"
    lisinopril.write_text(lisinopril.read_text().replace("related_topics: [preventing-falls]\n", ""))
    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    assert not soup_of(client, "/en/").find("a", href="/en/topics/")
    assert soup_of(client, "/en/topics/").find("p").get_text()  # the list says there are none yet


def test_api_search_and_code_lookup_find_the_topic(content_dir):
    client = authorized_client({"PORTAL_CONTENT_DIR": str(content_dir)})
    hits = client.get("/api/v1/search", query_string={"q": "falls"}).get_json()["results"]
    assert (hits[0]["type"], hits[0]["slug"]) == ("topic", "preventing-falls")
    assert hits[0]["url"].endswith("/en/topics/preventing-falls/")
    only = client.get("/api/v1/search", query_string={"q": "dizzy", "type": "topic"}).get_json()["results"]
    assert {hit["type"] for hit in only} == {"topic"}
    lookup = client.get("/api/v1/lookup", query_string={"code": "Z91.81", "system": "icd10"}).get_json()
    assert [hit["slug"] for hit in lookup["results"]] == ["preventing-falls"]


def test_pagefind_index_has_the_topic_with_its_type_filter(content_dir, tmp_path):
    settings = load_settings({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CACHE_DIR": ""})
    site = build(settings, tmp_path / "site").output
    fragments = [json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
                 for path in (site / "pagefind" / "fragment").glob("en_*.pf_fragment")]
    topic = next(f for f in fragments if f["url"] == "/en/topics/preventing-falls/")
    assert topic["filters"]["type"] == ["topic"] and topic["meta"]["title"] == "Preventing falls"


def test_api_assigns_and_teaches_a_topic(api, users):
    patient = new_patient(api, users.nurse, language="es")
    response = api.post(f"/api/v1/patients/{patient}/assignments", headers=users.nurse,
                        json={"items": ["topic:preventing-falls"]})
    assert response.status_code == 201, response.json
    assert response.json["items"] == [{"ref": "topic:preventing-falls", "title": "Preventing falls",
                                       "url": "http://localhost/es/topics/preventing-falls/"}]
    taught = api.post(f"/api/v1/patients/{patient}/education-records", headers=users.nurse,
                      json=education(topic="topic:preventing-falls"))
    assert taught.status_code == 201, taught.json
    wrong = api.post(f"/api/v1/patients/{patient}/education-records", headers=users.nurse,
                     json=education(topic="topic:falls"))
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "topics[0]"


def test_console_finds_and_assigns_a_topic(api_app, users):
    library = api_app.extensions["portal.library"]
    with api_app.app_context():
        assert search_content(library, "falls", "en")[0].item.ref == "topic:preventing-falls"
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = client.post("/console/patients", data={"reference": "MRN-9", "language": "en",
                                                         "csrf_token": token}).location
    page = BeautifulSoup(client.get(patient_url + "?q=falls").data, "html.parser")
    assert "topic:preventing-falls" in [box["value"] for box in page.select("input[name=items]")]
    assigned = client.post(patient_url + "/assignments", data={
        "items": ["topic:preventing-falls"], "csrf_token": token, "idempotency_key": "t1"})
    soup = BeautifulSoup(assigned.data, "html.parser")
    encoded = soup.find(id="link").get_text().split("/en/read/#r=")[1]
    assert base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode() == "t:preventing-falls"
    assert soup.find(id="named-link").get_text().endswith("/en/read/#topic:preventing-falls")


def test_topic_body_link_points_at_the_topic_in_the_reader_language(content_dir):
    from portal import create_app

    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("- Eat less salt.", "- Eat less salt.\n- Read [how to prevent falls]"
                                                                   "(topic:preventing-falls)."))
    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    soup = soup_of(client, "/vi/conditions/heart-failure/")
    assert soup.find("a", string="how to prevent falls")["href"] == "/vi/topics/preventing-falls/"


def test_infobutton_answers_with_the_topic_for_its_code(content_dir):
    from portal import create_app

    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    response = client.get("/api/v1/public/infobutton", query_string={
        "mainSearchCriteria.v.c": "Z91.81", "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90",
        "knowledgeResponseType": "application/json"})
    assert response.status_code == 200
    assert "/en/topics/preventing-falls/" in response.get_data(as_text=True)
