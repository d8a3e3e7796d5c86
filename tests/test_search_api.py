"""The search API: /api/v1/search, /api/v1/lookup and the HL7 infobutton, with RFC 9457 errors."""
from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from databases import authorized_client
from portal import create_app
from portal.api.search_openapi import PATHS

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def client(content_dir):
    """Search and lookup need a care manager's token (the infobutton does not)."""
    return authorized_client({"PORTAL_CONTENT_DIR": str(content_dir)})


def test_search_needs_a_token_and_the_infobutton_does_not(content_dir):
    anonymous = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    refused = anonymous.get("/api/v1/search", query_string={"q": "asthma"})
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert anonymous.get("/api/v1/lookup", query_string={"code": "I10"}).status_code == 401
    assert anonymous.get("/api/v1/public/infobutton", query_string={
        "mainSearchCriteria.v.c": "I10", "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90"}).status_code == 200
ICD10_OID, RXNORM_OID = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.88"


def results(client, url, **params):
    response = client.get(url, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def slugs(body) -> list[str]:
    return [f"{hit['type']}/{hit['slug']}" for hit in body["results"]]


def test_search_finds_by_title_brand_and_keyword(client):
    assert slugs(results(client, "/api/v1/search", q="heart failure"))[0] == "condition/heart-failure"
    assert slugs(results(client, "/api/v1/search", q="Zestril"))[0] == "medication/lisinopril"
    assert slugs(results(client, "/api/v1/search", q="bp"))[0] == "condition/high-blood-pressure"


def test_search_hit_carries_the_page_address_on_the_static_site(content_dir):
    client = authorized_client({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_BASE_URL": "https://clinic.example/guides/"})
    hit = results(client, "/api/v1/search", q="lisinopril")["results"][0]
    assert hit["url"] == "https://clinic.example/guides/en/medications/lisinopril/"
    assert hit["title"] == "Lisinopril" and hit["type"] == "medication" and hit["summary"]
    # With only a path as base URL, the address gets the API's own host.
    relative = results(authorized_client({"PORTAL_CONTENT_DIR": str(content_dir)}), "/api/v1/search",
                       q="lisinopril")
    assert relative["results"][0]["url"] == "http://localhost/en/medications/lisinopril/"


def test_search_in_spanish_uses_the_translation_and_falls_back_to_english(client):
    body = results(client, "/api/v1/search", q="presion alta", lang="es")  # typed without the accent
    first = body["results"][0]
    assert first["slug"] == "high-blood-pressure" and first["content_lang"] == "es" and first["lang"] == "es"
    assert first["url"].endswith("/es/conditions/high-blood-pressure/")
    fallback = results(client, "/api/v1/search", q="heart failure", lang="es-MX")["results"][0]
    assert fallback["slug"] == "heart-failure" and fallback["lang"] == "es" and fallback["content_lang"] == "en"


def test_misspelling_finds_the_page_and_suggests_the_spelling(client):
    body = results(client, "/api/v1/search", q="haert failur")
    assert slugs(body)[0] == "condition/heart-failure"
    assert body["suggestion"] == "heart failure"
    assert results(client, "/api/v1/search", q="heart failure")["suggestion"] is None


def test_type_filter_and_limit(client):
    body = results(client, "/api/v1/search", q="pressure", type="medication")
    assert body["results"] and {hit["type"] for hit in body["results"]} == {"medication"}
    assert len(results(client, "/api/v1/search", q="pressure heart food", limit=1)["results"]) == 1


def test_a_code_typed_into_search_finds_its_guide(client):
    assert slugs(results(client, "/api/v1/search", q="I50.9"))[0] == "condition/heart-failure"
    assert slugs(results(client, "/api/v1/search", q="29046"))[0] == "medication/lisinopril"


def test_no_result_is_an_empty_list(client):
    body = results(client, "/api/v1/search", q="qqqqzzzz")
    assert body["results"] == [] and body["suggestion"] is None


@pytest.mark.parametrize("params, parameter, detail", [
    ({}, "q", "the 'q' parameter is required"),
    ({"q": "  "}, "q", "the 'q' parameter is required"),
    ({"q": "x" * 201}, "q", "the query is 201 characters long; send at most 200"),
    ({"q": "pressure", "lang": "fr"}, "lang", "'fr' is not a language of the site; use one of: en, es, zh, vi, ar"),
    ({"q": "pressure", "type": "drug"}, "type", "'drug' is not a page type; use one of: condition, medication, topic, resource"),
    ({"q": "pressure", "limit": "0"}, "limit", "'0' is not a number of results; send 1 to 50"),
    ({"q": "pressure", "limit": "ten"}, "limit", "'ten' is not a number of results; send 1 to 50"),
])
def test_search_errors_are_problem_details(client, params, parameter, detail):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert json.loads(response.data) == {"type": "about:blank", "title": "Bad Request", "status": 400,
                                         "detail": detail, "instance": "/api/v1/search",
                                         "errors": [{"field": parameter, "detail": detail}]}


def test_lookup_by_icd10_prefix_and_rxnorm(client):
    body = results(client, "/api/v1/lookup", code="I10.1", system="icd10")  # not a real code, but in I10
    assert slugs(body) == ["condition/high-blood-pressure"] and body["system"] == "icd10"
    assert slugs(results(client, "/api/v1/lookup", code="i50", system=ICD10_OID)) == ["condition/heart-failure"]
    assert slugs(results(client, "/api/v1/lookup", code="29046", system="rxnorm")) == ["medication/lisinopril"]
    assert results(client, "/api/v1/lookup", code="E11.65", system="icd10")["results"] == []


def test_lookup_of_a_category_finds_guides_for_its_specific_codes(content_dir):
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("icd10: [I50]", "icd10: [I50.22]"))
    client = authorized_client({"PORTAL_CONTENT_DIR": str(content_dir)})
    assert slugs(results(client, "/api/v1/lookup", code="I50")) == ["condition/heart-failure"]
    assert slugs(results(client, "/api/v1/lookup", code="I50.229")) == ["condition/heart-failure"]
    assert results(client, "/api/v1/lookup", code="I50.3")["results"] == []


def test_lookup_answers_in_the_language_asked_with_english_fallback(client):
    spanish = results(client, "/api/v1/lookup", code="I10", lang="es")
    assert spanish["results"][0]["content_lang"] == "es" and spanish["results"][0]["title"] == "Presión arterial alta"
    untranslated = results(client, "/api/v1/lookup", code="I50", lang="es")["results"][0]
    assert untranslated["lang"] == "es" and untranslated["content_lang"] == "en"
    unknown = results(client, "/api/v1/lookup", code="I10", lang="fr")
    assert unknown["lang"] == "en" and unknown["requested_lang"] == "fr" and unknown["results"][0]["content_lang"] == "en"


@pytest.mark.parametrize("params, parameter", [
    ({}, "code"), ({"code": "E11", "system": "snomed"}, "system"), ({"code": "11E", "system": "icd10"}, "code"),
    ({"code": "abc", "system": "rxnorm"}, "code"), ({"code": "hello"}, "code"),
])
def test_lookup_errors_name_the_parameter(client, params, parameter):
    response = client.get("/api/v1/lookup", query_string=params)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == parameter


def test_infobutton_answers_like_medlineplus_connect_in_json(client):
    body = results(client, "/api/v1/public/infobutton", **{
        "mainSearchCriteria.v.c": "I10.9", "mainSearchCriteria.v.cs": ICD10_OID,
        "informationRecipient.languageCode.c": "es", "knowledgeResponseType": "application/json"})
    feed = body["feed"]
    assert feed["lang"] == "es" and feed["title"]["_value"] == "Care Guide Portal"
    assert {"scheme": "mainSearchCriteria.v.cs", "term": ICD10_OID} in feed["category"]
    [entry] = feed["entry"]
    assert entry["title"]["_value"] == "Presión arterial alta" and entry["lang"] == "es"
    assert entry["link"][0]["href"] == "http://localhost/es/conditions/high-blood-pressure/"
    assert entry["summary"]["_value"] and entry["updated"]["_value"].endswith("T00:00:00Z")


def test_infobutton_sends_atom_xml_by_default(client):
    response = client.get("/api/v1/public/infobutton", query_string={
        "mainSearchCriteria.v.c": "29046", "mainSearchCriteria.v.cs": RXNORM_OID})
    assert response.status_code == 200 and response.mimetype == "text/xml"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Lisinopril"]
    assert entries[0].find(f"{ATOM}link").get("href") == "http://localhost/en/medications/lisinopril/"


@pytest.mark.parametrize("params, parameter", [
    ({"mainSearchCriteria.v.cs": ICD10_OID}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.c": "I10"}, "mainSearchCriteria.v.cs"),
    ({"mainSearchCriteria.v.c": "I10", "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.96"}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.c": "not-a-code", "mainSearchCriteria.v.cs": ICD10_OID}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.c": "I10", "mainSearchCriteria.v.cs": ICD10_OID, "knowledgeResponseType": "text/html"},
     "knowledgeResponseType"),
])
def test_infobutton_errors_name_the_infobutton_parameter(client, params, parameter):
    response = client.get("/api/v1/public/infobutton", query_string=params)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == parameter


def test_index_follows_a_reloaded_library(content_dir):
    from portal.content import load_library

    client = authorized_client({"PORTAL_CONTENT_DIR": str(content_dir)})
    app = client.application
    assert results(client, "/api/v1/search", q="zebrafish")["results"] == []
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace("title: Heart failure", "title: Heart failure zebrafish"))
    app.extensions["portal.library"] = load_library(content_dir, app.config["PORTAL_LANGUAGES"], "")
    assert slugs(results(client, "/api/v1/search", q="zebrafish")) == ["condition/heart-failure"]


def test_openapi_paths_describe_the_routes(app):
    routes = {rule.rule: rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("search_api.")}
    assert set(PATHS) == set(routes)
    described = {p["name"] for p in PATHS["/api/v1/search"]["get"]["parameters"]}
    assert described == {"q", "lang", "type", "limit"}
    assert {p["name"] for p in PATHS["/api/v1/lookup"]["get"]["parameters"]} == {"code", "system", "lang"}
    assert {p["name"] for p in PATHS["/api/v1/public/infobutton"]["get"]["parameters"]} == {
        "mainSearchCriteria.v.c", "mainSearchCriteria.v.cs", "mainSearchCriteria.v.dn", "mainSearchCriteria.v.c1",
        "mainSearchCriteria.v.cs1", "mainSearchCriteria.v.dn1", "informationRecipient.languageCode.c",
        "knowledgeResponseType"}


@pytest.fixture(scope="module")
def starter():
    """The starter library's search (its resources have Spanish text)."""
    from conftest import STARTER

    return authorized_client({"PORTAL_CONTENT_DIR": str(STARTER), "PORTAL_CACHE_DIR": ""})


def test_resources_are_found_and_shown_in_the_readers_language(starter):
    body = results(starter, "/api/v1/search", q="despensa", lang="es")
    first = body["results"][0]
    assert first["slug"] == "example-food-pantry" and first["content_lang"] == "es"
    assert first["title"].startswith("Ejemplo: Despensa") and "despensa" in first["summary"]
    assert body["suggestion"] is None  # a Spanish word, never "descansa"
    english = results(starter, "/api/v1/search", q="food pantry")["results"][0]
    assert english["slug"] == "example-food-pantry" and english["content_lang"] == "en"


def test_numbers_are_never_matched_by_a_near_spelling(starter):
    assert results(starter, "/api/v1/search", q="29045")["results"] == []  # lisinopril is 29046
    assert results(starter, "/api/v1/search", q="860975")["results"] == []


@pytest.mark.parametrize("query", ["cant breathe at night", "failing kidneys", "bank", "heart beating fast"])
def test_real_words_are_never_corrected(starter, query):
    assert results(starter, "/api/v1/search", q=query)["suggestion"] is None


def test_the_users_own_results_come_before_the_corrected_querys(starter):
    body = results(starter, "/api/v1/search", q="lasix furosemid")
    assert slugs(body)[0] == "medication/furosemide"


def test_doses_and_units_never_outrank_the_medicine(starter):
    for query in ("lasix 40 mg", "lasix 20mg tablet", "tylenol 500 mg", "norvasc 5 mg"):
        first = slugs(results(starter, "/api/v1/search", q=query))[0]
        assert first in ("medication/furosemide", "medication/acetaminophen", "medication/amlodipine"), (query, first)
