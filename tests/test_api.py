"""The care manager API on SQLite and PostgreSQL: patients, assignments, codes, education, reports."""
from __future__ import annotations

import base64
import datetime as dt

from fhir.resources.R4B.bundle import Bundle

from api_helpers import TODAY, education, new_patient
from databases import set_practitioner
from portal.db import get_session
from portal.db.models import Patient


def test_patient_is_found_by_reference_in_the_body_and_named_by_an_opaque_id(api, users):
    first = api.post("/api/v1/patients", json={"reference": "MRN-0001", "language": "es"}, headers=users.nurse)
    again = api.post("/api/v1/patients", json={"reference": "MRN-0001", "language": "es"}, headers=users.nurse)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"] and first.json["id"].startswith("pt_")
    assert "MRN" not in first.json["id"]
    found = api.post("/api/v1/patients/lookup", json={"reference": "MRN-0001"}, headers=users.nurse)
    assert found.json == first.json
    missing = api.post("/api/v1/patients/lookup", json={"reference": "MRN-9"}, headers=users.nurse)
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    changed = api.patch(f"/api/v1/patients/{first.json['id']}", json={"language": "vi"}, headers=users.nurse)
    assert changed.json["language"] == "vi"


def test_patient_reference_is_stored_as_a_keyed_hash_when_a_key_is_set(content_dir, database_url):
    from databases import add_users, make_api_app

    app = make_api_app(content_dir, database_url, PORTAL_PATIENT_KEY="k" * 32)
    headers = add_users(app).nurse
    client = app.test_client()
    created = client.post("/api/v1/patients", json={"reference": "MRN-77", "language": "en"}, headers=headers)
    assert created.status_code == 201 and created.json["reference"] is None
    with app.app_context():
        stored = get_session().query(Patient).one()
        assert stored.reference.startswith("hmac-sha256:") and "MRN-77" not in stored.reference
    again = client.post("/api/v1/patients/lookup", json={"reference": "MRN-77"}, headers=headers)
    assert again.json["id"] == created.json["id"]
    app.extensions["portal.db"].dispose()


def test_bad_language_names_the_field(api, users):
    response = api.post("/api/v1/patients", json={"reference": "R1", "language": "xx"}, headers=users.nurse)
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "language", "detail": response.json["errors"][0]["detail"]}]
    assert "en, es, zh, vi, ar" in response.json["detail"]


def test_assignment_gives_code_link_message_and_qr(api, users):
    patient = new_patient(api, users.nurse, language="es")
    response = api.post(f"/api/v1/patients/{patient}/assignments", headers=users.nurse,
                        json={"items": ["condition:high-blood-pressure", "medication:lisinopril"]})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["language"] == "es" and len(body["code"]) == 7 and body["code"][3] == "-"
    assert body["named_link"] == "http://localhost/es/read/#condition:high-blood-pressure,medication:lisinopril"
    assert body["link"].startswith("http://localhost/es/read/#r=")
    encoded = body["link"].split("#r=")[1]
    assert base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode() == "c:high-blood-pressure,m:lisinopril"
    for text in (body["link"], body["message"]):  # nothing on a lock screen names a topic or the patient
        assert "MRN" not in text and "pressure" not in text and "lisinopril" not in text
    assert body["link"] in body["message"] and "lisinopril" in body["named_message"]
    assert body["message"].startswith("Riverside Clinic: ") and len(body["message"]) <= 160
    assert body["message"] != f"Riverside Clinic: your health reading is at {body['link']}"  # in Spanish
    assert body["items"][0]["title"] == "Presión arterial alta"
    qr = api.get(f"/api/v1/assignments/{body['id']}/qr.svg", headers=users.nurse)
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


LONG_READING = ["condition:high-blood-pressure", "condition:heart-failure", "medication:lisinopril",
                "resource:crisis-line", "resource:example-pantry"]


def test_long_assignment_message_falls_back_to_the_code_when_an_api_checks_codes(api, users):
    api.application.config["PORTAL_API_URL"] = "https://api.clinic.example"
    patient = new_patient(api, users.nurse, language="en")
    body = api.post(f"/api/v1/patients/{patient}/assignments", json={"items": LONG_READING}, headers=users.nurse).json
    assert body["message"] == f"Riverside Clinic: go to http://localhost/en/code/ and enter code {body['code']}"


def test_without_an_api_the_message_is_always_the_link(api, users):
    """PORTAL_API_URL empty: the built site has no code entry, so a long link (two SMS segments) beats a code."""
    assert api.application.config["PORTAL_API_URL"] == ""
    patient = new_patient(api, users.nurse, language="en")
    body = api.post(f"/api/v1/patients/{patient}/assignments", json={"items": LONG_READING}, headers=users.nurse).json
    assert body["message"] == f"Riverside Clinic: your health reading is at {body['link']}"
    assert 160 < len(body["message"]) <= 306 and body["code"] not in body["message"]


def test_unknown_page_is_refused_with_the_field(api, users):
    patient = new_patient(api, users.nurse)
    response = api.post(f"/api/v1/patients/{patient}/assignments", headers=users.nurse,
                        json={"items": ["condition:high-blood-pressure", "condition:gout"]})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "items[1]"


def test_public_code_opens_the_list_and_records_a_read_receipt(api, users):
    patient = new_patient(api, users.nurse, language="en")
    made = api.post(f"/api/v1/patients/{patient}/assignments", json={"items": ["condition:heart-failure"]},
                    headers=users.nurse).json
    typed = made["code"].lower().replace("-", " ")
    opened = api.post("/api/v1/public/codes", json={"code": typed})
    assert opened.status_code == 200
    assert opened.json["items"] == [{"ref": "condition:heart-failure", "title": "Heart failure",
                                     "path": "en/conditions/heart-failure/"}]
    assert "patient" not in str(opened.json).lower() and patient not in str(opened.json)
    listed = api.get(f"/api/v1/patients/{patient}/assignments", headers=users.nurse).json
    assert len(listed["items"][0]["opened"]) == 1
    wrong = api.post("/api/v1/public/codes", json={"code": "AAA-AAA"})
    assert wrong.status_code == 404 and "expired" in wrong.json["detail"]


def test_expired_code_does_not_open(api, api_app, users):
    from portal.db.models import Assignment

    patient = new_patient(api, users.nurse)
    made = api.post(f"/api/v1/patients/{patient}/assignments", json={"items": ["condition:heart-failure"]},
                    headers=users.nurse).json
    with api_app.app_context():
        session = get_session()
        session.query(Assignment).update({"expires_at": dt.datetime(2020, 1, 1)})
        session.commit()
    assert api.post("/api/v1/public/codes", json={"code": made["code"]}).status_code == 404


def test_education_record_is_validated_field_by_field(api, users):
    patient = new_patient(api, users.nurse)
    bad = education(learner="neighbour", minutes=0, interpreter_used=True,
                    evaluations=[{"topic": "condition:heart-failure", "evaluation": "great"}])
    response = api.post(f"/api/v1/patients/{patient}/education-records", json=bad, headers=users.nurse)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json["errors"]}
    assert {"learner", "minutes", "evaluations[0].evaluation"} <= fields
    missing_eval = education(topics=["condition:heart-failure", "medication:lisinopril"])
    response = api.post(f"/api/v1/patients/{patient}/education-records", json=missing_eval, headers=users.nurse)
    assert response.json["errors"] == [{"field": "evaluations",
                                        "detail": "give exactly one evaluation for each topic"}]
    interpreter = education(interpreter_used=True)
    response = api.post(f"/api/v1/patients/{patient}/education-records", json=interpreter, headers=users.nurse)
    assert response.json["errors"][0]["field"] == "interpreter_language"
    not_json = api.post(f"/api/v1/patients/{patient}/education-records", data="x", headers=users.nurse)
    assert not_json.status_code == 415


def test_idempotency_key_replays_and_creates_nothing_twice(api, users):
    patient = new_patient(api, users.nurse)
    headers = {**users.nurse, "Idempotency-Key": "call-42"}
    first = api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=headers)
    second = api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=headers)
    assert first.status_code == second.status_code == 201 and first.json == second.json
    listed = api.get(f"/api/v1/patients/{patient}/education-records", headers=users.nurse).json
    assert listed["total"] == 1
    reused = api.post(f"/api/v1/patients/{patient}/education-records", json=education(minutes=40), headers=headers)
    assert reused.status_code == 422 and reused.json["errors"][0]["field"] == "Idempotency-Key"
    other_user = api.post(f"/api/v1/patients/{patient}/education-records", json=education(),
                          headers={**users.admin, "Idempotency-Key": "call-42"})
    assert other_user.status_code == 201 and other_user.json["id"] != first.json["id"]


def test_amendment_is_linked_and_replaces_the_original_in_reports(api, users):
    patient = new_patient(api, users.nurse)
    original = api.post(f"/api/v1/patients/{patient}/education-records", json=education(minutes=15),
                        headers=users.nurse).json
    amended = api.post(f"/api/v1/education-records/{original['id']}/amendments", headers=users.nurse,
                       json={**education(minutes=25), "reason": "Call lasted 25 minutes."})
    assert amended.status_code == 201 and amended.json["amends"] == original["id"]
    again = api.post(f"/api/v1/education-records/{amended.json['id']}/amendments", headers=users.nurse,
                     json={**education(minutes=30), "reason": "Included the follow-up call."})
    assert again.json["amends"] == original["id"]
    unchanged = api.get(f"/api/v1/education-records/{original['id']}", headers=users.nurse).json
    assert unchanged == original
    month = TODAY.strftime("%Y-%m")
    report = api.get(f"/api/v1/reports/ccm-minutes?month={month}", headers=users.nurse).json
    assert report["patients"][0]["clinical_staff_minutes"] == 30
    assert report["patients"][0]["codes"] == [{"code": "99490", "units": 1}]
    listed = api.get(f"/api/v1/patients/{patient}/education-records", headers=users.nurse).json
    assert [r["minutes"] for r in listed["items"]] == [15, 25, 30]
    no_reason = api.post(f"/api/v1/education-records/{original['id']}/amendments", json=education(),
                         headers=users.nurse)
    assert no_reason.status_code == 422 and no_reason.json["errors"][0]["field"] == "reason"


def test_ccm_report_counts_staff_and_practitioner_apart_with_csv(api, api_app, users):
    set_practitioner(api_app, "nurse@clinic.example")  # she may record a billing practitioner's minutes
    first = new_patient(api, users.nurse, "MRN-A")
    second = new_patient(api, users.nurse, "=HYPERLINK(1)")
    for minutes, by in ((20, "clinical_staff"), (25, "clinical_staff"), (35, "billing_practitioner")):
        made = api.post(f"/api/v1/patients/{first}/education-records", headers=users.nurse,
                        json=education(minutes=minutes, minutes_by=by))
        assert made.status_code == 201 and made.json["program"] == "ccm", made.json  # the default program
    api.post(f"/api/v1/patients/{second}/education-records", json=education(minutes=10), headers=users.nurse)
    last_year = education(minutes=50, taught_on=TODAY.replace(year=TODAY.year - 1).isoformat())
    api.post(f"/api/v1/patients/{second}/education-records", json=last_year, headers=users.nurse)
    month = TODAY.strftime("%Y-%m")
    report = api.get(f"/api/v1/reports/ccm-minutes?month={month}", headers=users.nurse).json
    lines = {line["reference"]: line for line in report["patients"]}
    assert lines["MRN-A"]["clinical_staff_minutes"] == 45 and lines["MRN-A"]["practitioner_minutes"] == 35
    assert lines["MRN-A"]["program"] == "ccm" and lines["MRN-A"]["codes_also_need"] is None
    assert lines["MRN-A"]["codes"] == [{"code": "99490", "units": 1}, {"code": "99439", "units": 1},
                                       {"code": "99491", "units": 1}]
    assert lines["=HYPERLINK(1)"]["clinical_staff_minutes"] == 10 and lines["=HYPERLINK(1)"]["codes"] == []
    csv = api.get(f"/api/v1/reports/ccm-minutes?month={month}&format=csv", headers=users.nurse)
    assert csv.content_type.startswith("text/csv")
    rows = csv.data.decode().splitlines()
    assert rows[0] == ("patient_id,reference,program,clinical_staff_minutes,practitioner_minutes,records,codes,"
                       "codes_also_need")
    assert f"{first},MRN-A,ccm,45,35,3,99490x1 99439x1 99491x1," in rows
    assert f"{second},'=HYPERLINK(1),ccm,10,0,1,," in rows
    bad = api.get("/api/v1/reports/ccm-minutes?month=2026-13", headers=users.nurse)
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "month"


def test_fhir_bundle_of_procedures_validates(api, users):
    patient = new_patient(api, users.nurse)
    api.post(f"/api/v1/patients/{patient}/education-records", headers=users.nurse,
             json=education(interpreter_used=True, interpreter_language="es"))
    response = api.get(f"/api/v1/patients/{patient}/fhir", headers=users.nurse)
    assert response.content_type == "application/fhir+json"
    bundle = Bundle.model_validate(response.json)
    procedure = bundle.entry[-1].resource
    assert procedure.__resource_type__ == "Procedure" and procedure.status == "completed"
    assert procedure.category.coding[0].system == "http://snomed.info/sct"
    assert procedure.category.coding[0].code == "311401005"
    assert procedure.subject.reference == response.json["entry"][0]["fullUrl"]
    assert any("Interpreter used (es)" == note.text for note in procedure.note)


def test_timeline_lists_assignments_and_education_newest_first(api, users):
    patient = new_patient(api, users.nurse)
    api.post(f"/api/v1/patients/{patient}/assignments", json={"items": ["condition:heart-failure"]},
             headers=users.nurse)
    api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=users.nurse)
    timeline = api.get(f"/api/v1/patients/{patient}/timeline", headers=users.nurse).json
    assert [event["kind"] for event in timeline["items"]] == ["education", "assignment"]
    assert timeline["items"][0]["education"]["recorded_by"] == "nurse@clinic.example"
    page = api.get(f"/api/v1/patients/{patient}/timeline?per_page=1&page=2", headers=users.nurse).json
    assert page["total"] == 2 and page["pages"] == 2 and page["items"][0]["kind"] == "assignment"
    bad = api.get(f"/api/v1/patients/{patient}/timeline?per_page=1000", headers=users.nurse)
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == "per_page"


def test_audit_log_records_every_read_and_write_for_admins(api, users):
    patient = new_patient(api, users.nurse)
    api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=users.nurse)
    api.get(f"/api/v1/patients/{patient}/fhir", headers=users.nurse)
    log = api.get("/api/v1/audit", headers=users.admin).json
    events = [(e["user"], e["action"], e["what"], e["patient_id"]) for e in reversed(log["items"])]
    assert events == [("nurse@clinic.example", "write", "patient", patient),
                      ("nurse@clinic.example", "write", "education_record", patient),
                      ("nurse@clinic.example", "read", "fhir_bundle", patient)]


def test_errors_are_problem_details_everywhere(api, api_app, users):
    for response in (api.get("/api/v1/nothing-here"), api.delete("/api/v1/me", headers=users.nurse),
                     api.post("/api/v1/patients", data="x" * 70000, headers={**users.nurse,
                                                                             "Content-Type": "application/json"})):
        assert response.content_type == "application/problem+json"
        assert set(response.json) >= {"type", "title", "status", "detail"}
        assert response.json["status"] == response.status_code
    assert api.delete("/api/v1/me", headers=users.nurse).headers["Allow"]
    assert api.post("/api/v1/patients", data="x" * 70000, headers=users.nurse).status_code == 413
    assert api.get("/en/not-a-page/").content_type.startswith("text/html")


def test_security_headers_and_cors_only_for_the_site_origin(content_dir, database_url):
    from databases import make_api_app

    app = make_api_app(content_dir, database_url, PORTAL_SITE_ORIGIN="https://clinic.example.org")
    client = app.test_client()
    code = {"code": "AAA-AAA"}
    allowed = client.post("/api/v1/public/codes", json=code, headers={"Origin": "https://clinic.example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://clinic.example.org"
    other = client.post("/api/v1/public/codes", json=code, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options("/api/v1/public/codes", headers={
        "Origin": "https://clinic.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert allowed.headers["X-Content-Type-Options"] == "nosniff"
    assert allowed.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert allowed.headers["Cache-Control"] == "no-store"
    app.extensions["portal.db"].dispose()


def test_public_code_endpoint_is_rate_limited(content_dir, database_url):
    from databases import make_api_app

    app = make_api_app(content_dir, database_url, PORTAL_PUBLIC_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.post("/api/v1/public/codes", json={"code": "AAA-AAA"}).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    limited = client.post("/api/v1/public/codes", json={"code": "AAA-AAA"})
    assert limited.content_type == "application/problem+json" and "Retry-After" in limited.headers
    app.extensions["portal.db"].dispose()


def test_nul_characters_are_refused_with_the_field(api, users):
    response = api.post("/api/v1/patients", json={"reference": "MRN\x00", "language": "en"}, headers=users.nurse)
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "reference"
    patient = new_patient(api, users.nurse)
    response = api.post(f"/api/v1/patients/{patient}/education-records", json=education(note="a\x00b"),
                        headers=users.nurse)
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "note"


def test_patient_reference_never_reaches_a_url_or_the_logs(api, users, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL is logged, its parameters are not
    patient = new_patient(api, users.nurse, "MRN-SECRET-9", "en")
    made = api.post(f"/api/v1/patients/{patient}/assignments", json={"items": ["condition:heart-failure"]},
                    headers=users.nurse).json
    api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=users.nurse)
    api.post("/api/v1/patients", json={"reference": "MRN-SECRET-9", "language": "xx"}, headers=users.nurse)
    assert "MRN-SECRET-9" not in made["link"] + made["message"] + made["code_page"] + patient
    assert caplog.records and "MRN-SECRET-9" not in caplog.text
