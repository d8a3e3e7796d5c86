"""The HL7 infobutton answered like MedlinePlus Connect: names, SNOMED CT, clinical-drug RxNorm codes,
unknown systems, charset, urn:oid:, indexed repeats, echoed categories and CORS."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest

from ehr_helpers import declare_codes
from portal import create_app

URL = "/api/v1/public/infobutton"
ICD10, SNOMED, RXNORM = "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96", "2.16.840.1.113883.6.88"
JSON = "application/json"


@pytest.fixture
def client(content_dir):
    """The fixture library, with SNOMED CT codes on a guide and clinical-drug codes on a sheet."""
    declare_codes(content_dir)
    return create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()


def feed(client, **params):
    response = client.get(URL, query_string={"knowledgeResponseType": JSON, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()["feed"]


def titles(body) -> list[str]:
    return [entry["title"]["_value"] for entry in body["entry"]]


def test_a_display_name_alone_finds_pages_by_title_other_name_generic_and_brand_name(client):
    assert titles(feed(client, **{"mainSearchCriteria.v.dn": "Hypertension"})) == ["High blood pressure"]
    assert titles(feed(client, **{"mainSearchCriteria.v.dn": "ZESTRIL"})) == ["Lisinopril"]
    assert titles(feed(client, **{"mainSearchCriteria.v.dn": "Lisinopril 20 MG Oral Tablet"})) == ["Lisinopril"]
    assert titles(feed(client, **{"mainSearchCriteria.v.dn": "Heart failure with reduced ejection fraction"})) \
        == ["Heart failure"]
    # a loose one-word other name ("pressure") is matched only whole, never inside longer words
    assert titles(feed(client, **{"mainSearchCriteria.v.dn": "Low blood pressure"})) == []
    assert titles(feed(client, **{"mainSearchCriteria.v.dn": "presión arterial alta",
                                  "informationRecipient.languageCode.c": "es"})) == ["Presión arterial alta"]


def test_snomed_codes_find_the_pages_that_declare_them(client):
    body = feed(client, **{"mainSearchCriteria.v.c": "38341003", "mainSearchCriteria.v.cs": SNOMED})
    assert titles(body) == ["High blood pressure"]
    assert "SNOMED CT code 38341003" in body["subtitle"]["_value"]
    undeclared = feed(client, **{"mainSearchCriteria.v.c": "84114007", "mainSearchCriteria.v.cs": SNOMED})
    assert titles(undeclared) == []
    by_name = feed(client, **{"mainSearchCriteria.v.c": "84114007", "mainSearchCriteria.v.cs": SNOMED,
                              "mainSearchCriteria.v.dn": "Heart failure"})
    assert titles(by_name) == ["Heart failure"]


def test_clinical_drug_codes_the_sheet_declares_and_otherwise_the_display_name(client):
    assert titles(feed(client, **{"mainSearchCriteria.v.c": "206765", "mainSearchCriteria.v.cs": RXNORM})) \
        == ["Lisinopril"]
    assert titles(feed(client, **{"mainSearchCriteria.v.c": "29046", "mainSearchCriteria.v.cs": RXNORM})) \
        == ["Lisinopril"]
    assert titles(feed(client, **{"mainSearchCriteria.v.c": "314076", "mainSearchCriteria.v.cs": RXNORM})) == []
    assert titles(feed(client, **{"mainSearchCriteria.v.c": "314076", "mainSearchCriteria.v.cs": RXNORM,
                                  "mainSearchCriteria.v.dn": "lisinopril 10 MG Oral Tablet"})) == ["Lisinopril"]


@pytest.mark.parametrize("system", ["2.16.840.1.113883.6.103", "2.16.840.1.113883.6.1", "urn:oid:1.2.3", "local"])
def test_any_other_code_system_gets_an_empty_feed_not_an_error(client, system):
    body = feed(client, **{"mainSearchCriteria.v.c": "401.9", "mainSearchCriteria.v.cs": system})
    assert body["entry"] == [] and {"scheme": "mainSearchCriteria.v.cs", "term": system} in body["category"]


def test_urn_oid_prefixes_and_a_charset_in_the_response_type_are_accepted(client):
    response = client.get(URL, query_string={"mainSearchCriteria.v.c": "I10.9",
                                             "mainSearchCriteria.v.cs": "urn:oid:" + ICD10,
                                             "knowledgeResponseType": "application/json; charset=utf-8"})
    assert response.status_code == 200 and response.mimetype == JSON
    assert response.mimetype_params["charset"] == "utf-8"
    assert [e["title"]["_value"] for e in response.get_json()["feed"]["entry"]] == ["High blood pressure"]
    xml = client.get(URL, query_string={"mainSearchCriteria.v.c": "38341003", "mainSearchCriteria.v.cs":
                                        "urn:oid:" + SNOMED, "knowledgeResponseType": "text/xml;charset=UTF-8"})
    assert xml.status_code == 200 and xml.mimetype == "text/xml"
    assert xml.headers["Access-Control-Allow-Origin"] == "*"
    entries = ElementTree.fromstring(xml.data).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1


def test_indexed_repeats_are_further_criteria_and_every_parameter_is_echoed(client):
    params = {"mainSearchCriteria.v.c": "I50.9", "mainSearchCriteria.v.cs": ICD10,
              "mainSearchCriteria.v.c1": "206765", "mainSearchCriteria.v.cs1": RXNORM,
              "mainSearchCriteria.v.dn2": "Fall prevention", "mainSearchCriteria.v.c3": "38341003",
              "mainSearchCriteria.v.cs3": SNOMED, "informationRecipient.languageCode.c": "es",
              "taskContext.c.c": "PROBLISTREV", "patientPerson.administrativeGenderCode.c": "F"}
    body = feed(client, **params)
    assert [e["id"]["_value"] for e in body["entry"]] == [
        f"http://localhost/es/{path}/" for path in ("conditions/heart-failure", "medications/lisinopril",
                                                     "topics/preventing-falls", "conditions/high-blood-pressure")]
    echoed = {(c["scheme"], c["term"]) for c in body["category"]}
    assert {(name, value) for name, value in params.items()} <= echoed
    assert ("knowledgeResponseType", JSON) not in echoed


@pytest.mark.parametrize("params, parameter", [
    ({}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.c1": "I10"}, "mainSearchCriteria.v.cs1"),
    ({"mainSearchCriteria.v.c": "abc", "mainSearchCriteria.v.cs": SNOMED}, "mainSearchCriteria.v.c"),
    ({"mainSearchCriteria.v.c": "I10", "mainSearchCriteria.v.cs": ICD10,
      "mainSearchCriteria.v.c2": "6809x", "mainSearchCriteria.v.cs2": RXNORM}, "mainSearchCriteria.v.c2"),
    ({"mainSearchCriteria.v.dn": "asthma", "knowledgeResponseType": "application/pdf"}, "knowledgeResponseType"),
])
def test_requests_it_cannot_read_are_problems_naming_the_parameter_with_cors(client, params, parameter):
    response = client.get(URL, query_string=params)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == parameter
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_library_answers_the_problem_list_codes_of_its_core_guides():
    """The SNOMED CT codes an EHR's problem list sends for the core guides (checked against HL7 value sets)."""
    client = create_app({"PORTAL_CONTENT_DIR": "content", "PORTAL_CACHE_DIR": ""}).test_client()
    for code, title in [("44054006", "Type 2 diabetes"), ("38341003", "High blood pressure"),
                        ("84114007", "Heart failure"), ("13645005", "COPD"), ("195967001", "Asthma"),
                        ("709044004", "Chronic kidney disease")]:
        found = titles(feed(client, **{"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": SNOMED}))
        assert found == [title], (code, found)
    assert titles(feed(client, **{"mainSearchCriteria.v.c": "206765", "mainSearchCriteria.v.cs": RXNORM})) \
        == ["Lisinopril"]
