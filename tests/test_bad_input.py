"""Inputs found by hand that once gave a 500, and the text rules of every free-text field, on both databases."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from bs4 import BeautifulSoup

from api_helpers import education, new_patient
from test_console import sign_in

API_SECURITY = {"Content-Security-Policy", "Cache-Control", "X-Content-Type-Options", "Referrer-Policy"}


@pytest.mark.parametrize("query", ["page=\u00b2", "per_page=\u00b2", "page=\u0663", "page=99999999999999999999",
                                   "per_page=-1", "page=1e3"])
def test_bad_paging_is_a_problem_naming_the_field(api, users, query):
    response = api.get(f"/api/v1/audit?{query}", headers=users.admin)
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == query.split("=")[0]


@pytest.mark.parametrize("page", ["\u00b2", "99999999999999999999", "-3", ""])
def test_console_audit_page_takes_any_page_number(api_app, users, page):
    client = api_app.test_client()
    sign_in(client, "admin@clinic.example")
    response = client.get("/console/audit", query_string={"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize("month", ["9999-12", "2026-13", "\u0662\u0660\u0662\u0666-\u0661\u0661", "1899-12",
                                   "2026-1", "2026-11\n"])
def test_bad_months_are_refused_by_api_and_console(api_app, api, users, month):
    for fmt in ("json", "csv"):
        response = api.get("/api/v1/reports/ccm-minutes", query_string={"month": month, "format": fmt},
                           headers=users.nurse)
        assert response.status_code == 422 and response.json["errors"][0]["field"] == "month"
    client = api_app.test_client()
    sign_in(client)
    page = client.get("/console/reports/ccm", query_string={"month": month, "format": "csv"})
    assert page.status_code == 422 and page.mimetype == "text/html"


def test_last_month_allowed_has_a_following_month_and_an_ascii_file_name(api, users):
    response = api.get("/api/v1/reports/ccm-minutes?month=2999-12&format=csv", headers=users.nurse)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="ccm-minutes-2999-12.csv"'


@pytest.mark.parametrize("shape", ["[", "{\"a\":"])
def test_deeply_nested_json_is_a_bad_request(api, users, shape):
    body = shape * 12000  # under the size limit, far past the depth limit
    response = api.post("/api/v1/patients", data=body, content_type="application/json", headers=users.nurse)
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    closed = "[" * 20000 + "]" * 20000  # well-formed, still far too deep
    response = api.post("/api/v1/patients", data=closed, content_type="application/json", headers=users.nurse)
    assert response.status_code == 400


def test_nesting_within_the_limit_and_brackets_in_strings_are_fine(api, users):
    from portal.json_depth import too_deep

    assert not too_deep('{"reference": "' + "[" * 500 + '", "language": "en"}')
    assert not too_deep("[" * 32 + "]" * 32) and too_deep("[" * 33 + "]" * 33)
    response = api.post("/api/v1/patients", json={"reference": "[[[[" * 50, "language": "en"}, headers=users.nurse)
    assert response.status_code == 201


@pytest.mark.parametrize("reference", ["\u200b", " \u00a0\u2060 ", "\ufeff\u200d", "\u3164"])
def test_invisible_reference_is_refused(api, users, reference):
    for path in ("/api/v1/patients", "/api/v1/patients/lookup"):
        response = api.post(path, json={"reference": reference, "language": "en"} if path.endswith("patients")
                            else {"reference": reference}, headers=users.nurse)
        assert response.status_code == 422 and response.json["errors"][0]["field"] == "reference"


def test_reference_is_the_same_patient_in_any_unicode_form(api, users):
    composed = unicodedata.normalize("NFC", "MRN-Jos\u00e9")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    first = new_patient(api, users.nurse, composed, "en")
    again = api.post("/api/v1/patients", json={"reference": decomposed, "language": "en"}, headers=users.nurse)
    assert again.status_code == 200 and again.json["id"] == first


@pytest.mark.parametrize("changes, field", [
    ({"minutes": True}, "minutes"), ({"minutes": "15"}, "minutes"), ({"minutes": 15.0}, "minutes"),
    ({"interpreter_used": "yes", "interpreter_language": "es"}, "interpreter_used"),
    ({"interpreter_used": 1, "interpreter_language": "es"}, "interpreter_used"),
    ({"taught_on": "1899-01-01"}, "taught_on"),
    ({"taught_on": (dt.date.today() - dt.timedelta(days=11 * 366)).isoformat()}, "taught_on"),
    ({"taught_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "taught_on"),
])
def test_education_fields_are_strictly_typed_and_dated(api, users, changes, field):
    patient = new_patient(api, users.nurse)
    response = api.post(f"/api/v1/patients/{patient}/education-records", json=education(**changes),
                        headers=users.nurse)
    assert response.status_code == 422, response.json
    assert field in [error["field"] for error in response.json["errors"]]


def test_yesterday_and_nine_years_ago_are_fine(api, users):
    patient = new_patient(api, users.nurse)
    for days in (1, 9 * 365):
        day = (dt.date.today() - dt.timedelta(days=days)).isoformat()
        response = api.post(f"/api/v1/patients/{patient}/education-records", json=education(taught_on=day),
                            headers=users.nurse)
        assert response.status_code == 201, response.json


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\x85", "\x9b", "\u202a", "\u202e", "\u2066", "\u2069"])
def test_control_and_bidi_characters_are_refused_in_every_text_field(api, users, char):
    response = api.post("/api/v1/patients", json={"reference": f"MRN{char}1", "language": "en"}, headers=users.nurse)
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "reference"
    assert f"U+{ord(char):04X}" in response.json["errors"][0]["detail"]
    patient = new_patient(api, users.nurse)
    for changes, field in (({"note": f"a{char}b"}, "note"), ({"evaluations": [
            {"topic": f"condition:heart-failure{char}", "evaluation": "verbalizes_understanding"}]},
            "evaluations[0].topic")):
        response = api.post(f"/api/v1/patients/{patient}/education-records", json=education(**changes),
                            headers=users.nurse)
        assert response.status_code == 422 and response.json["errors"][0]["field"] == field


def test_notes_keep_line_breaks_and_tabs_other_fields_do_not(api, users):
    patient = new_patient(api, users.nurse)
    response = api.post(f"/api/v1/patients/{patient}/education-records",
                        json=education(note="Line one\n\tLine two"), headers=users.nurse)
    assert response.status_code == 201 and response.json["note"] == "Line one\n\tLine two"
    response = api.post("/api/v1/patients", json={"reference": "MRN\t1", "language": "en"}, headers=users.nurse)
    assert response.status_code == 422


def test_console_minutes_must_be_a_number(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = client.post("/console/patients", data={"reference": "R9", "language": "en",
                                                         "csrf_token": token}).location
    form = {"csrf_token": token, "save": "1", "topics": "condition:heart-failure",
            "taught_on": dt.date.today().isoformat(), "learner": "patient", "readiness": "eager",
            "barriers": "none", "methods": "verbal", "evaluation-condition:heart-failure": "verbalizes_understanding",
            "minutes_by": "clinical_staff"}
    for minutes in ("fifteen", "\u0661\u0665", "1e2"):
        response = client.post(patient_url + "/education", data={**form, "minutes": minutes})
        assert response.status_code == 422
        error = BeautifulSoup(response.data, "html.parser").find(id="minutes-error")
        assert error is not None and "minutes" in error.get_text(), response.data
    assert client.post(patient_url + "/education", data={**form, "minutes": " 15 "}).status_code == 302


@pytest.mark.parametrize("method, path", [("GET", "/api/v1/nothing-here"), ("DELETE", "/api/v1/me"),
                                          ("PUT", "/api/v1/openapi.json")])
def test_unknown_api_paths_and_methods_carry_the_api_headers(api, users, method, path):
    response = api.open(path, method=method, headers=users.nurse)
    assert response.status_code in (404, 405) and response.content_type == "application/problem+json"
    assert API_SECURITY <= set(response.headers.keys())
    assert response.headers["Cache-Control"] == "no-store"
    assert "Retry-After" not in response.headers


def test_retry_after_only_on_429(content_dir, database_url):
    from databases import add_users, make_api_app

    app = make_api_app(content_dir, database_url, PORTAL_API_RATE_LIMIT="2 per minute")
    headers = add_users(app).nurse
    client = app.test_client()
    responses = [client.get("/api/v1/me", headers=headers) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "Retry-After" not in responses[0].headers and "X-RateLimit-Limit" in responses[0].headers
    assert int(responses[2].headers["Retry-After"]) >= 0
    app.extensions["portal.db"].dispose()


@pytest.mark.parametrize("bad_id", ["%00", "pt_%E2%80%AE1", "x" * 41])
def test_impossible_ids_in_urls_are_404s_before_any_query(api_app, api, users, bad_id):
    for path in (f"/api/v1/education-records/{bad_id}", f"/api/v1/patients/{bad_id}"):
        response = api.get(path, headers=users.nurse)
        assert response.status_code == 404 and response.content_type == "application/problem+json"
    client = api_app.test_client()
    sign_in(client)
    assert client.get(f"/console/patients/{bad_id}").status_code == 404


def test_a_code_of_spaces_or_dashes_alone_is_refused_as_the_schema_says(api):
    """The schema asks for a letter or digit; spaces, dots and dashes alone are no code (they are ignored)."""
    for typed in (" ", "--", " . _ "):
        response = api.post("/api/v1/public/codes", json={"code": typed})
        assert response.status_code == 422, (typed, response.json)
        assert response.json["errors"][0]["field"] == "code"
    document = api.get("/api/v1/openapi.json").json
    body = document["paths"]["/public/codes"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    pattern = document["components"]["schemas"][body["$ref"].rpartition("/")[2]]["properties"]["code"]["pattern"]
    assert [typed for typed in (" ", "--", " . _ ", "K7M-2QX", "k7m 2qx") if re.fullmatch(pattern, typed)] == [
        "K7M-2QX", "k7m 2qx"]
