"""Programs and billing practitioners through the API, the console, the admin page and the command line,
on SQLite and PostgreSQL: each record names its program, practitioner minutes come only from billing
practitioners, the clinic's programs are the only ones offered, and the report keeps programs apart."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from api_helpers import TODAY, education, new_patient
from databases import PASSWORD, add_users, make_api_app, set_practitioner
from portal.cli import main
from portal.db import get_session
from portal.db.models import AuditEvent
from test_console import csrf, open_patient, sign_in

MONTH = TODAY.strftime("%Y-%m")


@pytest.fixture
def clinic_app(content_dir, database_url):
    """A clinic that runs CCM, complex CCM and PCM, not BHI."""
    app = make_api_app(content_dir, database_url, PORTAL_PROGRAMS="ccm,ccm_complex,pcm")
    app.config["TESTING"] = True
    yield app
    app.extensions["portal.db"].dispose()


def _record(api, headers, patient, **changes):
    return api.post(f"/api/v1/patients/{patient}/education-records", json=education(**changes), headers=headers)


def _lines(api, headers) -> dict:
    report = api.get(f"/api/v1/reports/ccm-minutes?month={MONTH}", headers=headers).json
    return {(line["reference"], line["program"]): line for line in report["patients"]}


def test_a_record_names_its_program_and_old_clients_get_ccm(api, users):
    patient = new_patient(api, users.nurse)
    old_client = _record(api, users.nurse, patient)
    assert old_client.status_code == 201 and old_client.json["program"] == "ccm"
    pcm = _record(api, users.nurse, patient, program="pcm")
    assert pcm.status_code == 201 and pcm.json["program"] == "pcm"
    assert api.get(f"/api/v1/education-records/{pcm.json['id']}", headers=users.nurse).json["program"] == "pcm"
    unknown = _record(api, users.nurse, patient, program="rpm")
    assert unknown.status_code == 422 and unknown.content_type == "application/problem+json"
    assert [e["field"] for e in unknown.json["errors"]] == ["program"]


def test_only_a_billing_practitioner_records_practitioner_minutes(api, api_app, users):
    patient = new_patient(api, users.nurse)
    refused = _record(api, users.nurse, patient, minutes_by="billing_practitioner", minutes=40)
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert refused.json["errors"] == [{"field": "minutes_by", "detail": refused.json["errors"][0]["detail"]}]
    assert "billing practitioner" in refused.json["detail"] and refused.json["detail"].startswith("minutes_by: ")
    assert api.get("/api/v1/me", headers=users.nurse).json["billing_practitioner"] is False
    assert _lines(api, users.nurse) == {}  # nothing was stored
    set_practitioner(api_app, "nurse@clinic.example")
    assert api.get("/api/v1/me", headers=users.nurse).json["billing_practitioner"] is True
    stored = _record(api, users.nurse, patient, minutes_by="billing_practitioner", minutes=40, program="pcm")
    assert stored.status_code == 201, stored.json
    assert _lines(api, users.nurse)[("MRN-0001", "pcm")]["codes"] == [{"code": "99424", "units": 1}]
    set_practitioner(api_app, "nurse@clinic.example", False)
    assert _record(api, users.nurse, patient, minutes_by="billing_practitioner").status_code == 422


def test_the_clinic_records_only_the_programs_it_runs(clinic_app):
    users = add_users(clinic_app)
    api = clinic_app.test_client()
    patient = new_patient(api, users.nurse)
    refused = _record(api, users.nurse, patient, program="bhi", minutes_by="billing_practitioner")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["program", "minutes_by"]  # every mistake at once
    assert "ccm, ccm_complex, pcm" in refused.json["errors"][0]["detail"]
    assert _record(api, users.nurse, patient, program="ccm_complex").status_code == 201


def test_an_amendment_carries_the_program_and_moves_the_minutes(api, users):
    patient = new_patient(api, users.nurse)
    original = _record(api, users.nurse, patient, program="pcm", minutes=30).json
    kept = api.post(f"/api/v1/education-records/{original['id']}/amendments", headers=users.nurse,
                    json={**education(minutes=35), "reason": "It was 35 minutes."})
    assert kept.status_code == 201 and kept.json["program"] == "pcm"  # left out: the record's own
    assert _lines(api, users.nurse)[("MRN-0001", "pcm")]["clinical_staff_minutes"] == 35
    moved = api.post(f"/api/v1/education-records/{kept.json['id']}/amendments", headers=users.nurse,
                     json={**education(minutes=35), "program": "bhi", "reason": "This was BHI."})
    assert moved.status_code == 201 and moved.json["program"] == "bhi" and moved.json["amends"] == original["id"]
    again = api.post(f"/api/v1/education-records/{original['id']}/amendments", headers=users.nurse,
                     json={**education(minutes=36), "reason": "36 minutes."})
    assert again.json["program"] == "bhi"  # the record as it stands, not as first written
    lines = _lines(api, users.nurse)
    assert list(lines) == [("MRN-0001", "bhi")] and lines[("MRN-0001", "bhi")]["codes"] == [
        {"code": "99484", "units": 1}]


def test_the_report_never_adds_one_programs_minutes_to_another(api, api_app, users):
    set_practitioner(api_app, "admin@clinic.example")
    first = new_patient(api, users.nurse, "MRN-A")
    for program in ("ccm", "bhi", "pcm"):
        assert _record(api, users.nurse, first, program=program, minutes=19).status_code == 201
    assert _record(api, users.admin, first, program="pcm", minutes=29,
                   minutes_by="billing_practitioner").status_code == 201
    second = new_patient(api, users.nurse, "MRN-B")
    _record(api, users.nurse, second, program="ccm", minutes=240)
    _record(api, users.nurse, second, program="ccm_complex", minutes=45)
    _record(api, users.admin, second, program="ccm_complex", minutes=15, minutes_by="billing_practitioner")
    lines = _lines(api, users.admin)
    assert set(lines) == {("MRN-A", "ccm"), ("MRN-A", "pcm"), ("MRN-A", "bhi"), ("MRN-B", "ccm"),
                          ("MRN-B", "ccm_complex")}
    for program in ("ccm", "bhi"):  # 19 + 19 + 19 minutes, never 57 in one program
        assert lines[("MRN-A", program)]["clinical_staff_minutes"] == 19 and lines[("MRN-A", program)]["codes"] == []
    pcm = lines[("MRN-A", "pcm")]
    assert (pcm["clinical_staff_minutes"], pcm["practitioner_minutes"], pcm["codes"]) == (19, 29, [])
    ccm = lines[("MRN-B", "ccm")]
    assert [c["code"] for c in ccm["codes"]] == ["99490", "99439"] and ccm["codes_also_need"] is None
    complex_ccm = lines[("MRN-B", "ccm_complex")]  # 45 staff + 15 practitioner minutes: 60
    assert complex_ccm["codes"] == [{"code": "99487", "units": 1}]
    assert complex_ccm["codes_also_need"] == "moderate or high complexity medical decision making"
    rows = api.get(f"/api/v1/reports/ccm-minutes?month={MONTH}&format=csv", headers=users.admin).data.decode()
    assert ",MRN-B,ccm_complex,45,15,2,99487x1,moderate or high complexity medical decision making\r\n" in rows
    assert ",MRN-A,bhi,19,0,1,,\r\n" in rows
    order = [line.split(",")[:3] for line in rows.splitlines()[1:]]  # by patient id, then program
    assert order == sorted(order, key=lambda cells: (cells[0], ["ccm", "ccm_complex", "pcm", "bhi"].index(cells[2])))
    assert [cells[2] for cells in order if cells[1] == "MRN-A"] == ["ccm", "pcm", "bhi"]


def _teaching_form(app, reference: str):
    """A nurse of `app` opens the patient and the teaching form: her client, token, the patient's page and the form."""
    add_users(app)
    client = app.test_client()
    token = sign_in(client)
    patient_url = open_patient(client, token, reference, "en")
    form = BeautifulSoup(client.post(patient_url + "/education", data={
        "items": "condition:heart-failure", "csrf_token": token}).data, "html.parser")
    return client, token, patient_url, form


def test_console_form_offers_the_clinics_programs_and_refuses_practitioner_minutes(clinic_app):
    client, token, patient_url, form = _teaching_form(clinic_app, "MRN-9")
    options = form.find("select", id="program").find_all("option")
    assert [o["value"] for o in options] == ["ccm", "ccm_complex", "pcm"]  # not BHI: the clinic does not run it
    assert form.find("select", id="program").find("option", selected=True)["value"] == "ccm"
    fields = {"csrf_token": token, "save": "1", "topics": "condition:heart-failure", "taught_on": TODAY.isoformat(),
              "evaluation-condition:heart-failure": "verbalizes_understanding", "learner": "patient",
              "readiness": "eager", "barriers": "none", "methods": "verbal", "minutes": "65",
              "minutes_by": "billing_practitioner", "program": "ccm_complex", "idempotency_key": "p1"}
    refused = client.post(patient_url + "/education", data=fields)
    assert refused.status_code == 422
    soup = BeautifulSoup(refused.data, "html.parser")
    assert {p["id"] for p in soup.select("p.field-error")} == {"minutes_by-error"}
    assert "Only a billing practitioner" in soup.find(id="minutes_by-error").get_text()
    assert soup.find("select", id="program").find("option", selected=True)["value"] == "ccm_complex"  # kept
    bhi = client.post(patient_url + "/education", data={**fields, "minutes_by": "clinical_staff", "program": "bhi"})
    assert bhi.status_code == 422
    assert {p["id"] for p in BeautifulSoup(bhi.data, "html.parser").select("p.field-error")} == {"program-error"}
    saved = client.post(patient_url + "/education", data={**fields, "minutes_by": "clinical_staff",
                                                           "idempotency_key": "p2"})
    assert saved.status_code == 302
    page = BeautifulSoup(client.get(patient_url).data, "html.parser")
    assert "Complex CCM" in page.select(".timeline > li")[0].get_text()
    amend = page.select_one("a[href*='/amend']")["href"]
    amend_form = BeautifulSoup(client.get(amend).data, "html.parser")
    assert amend_form.find("select", id="program").find("option", selected=True)["value"] == "ccm_complex"
    report = BeautifulSoup(client.get(f"/console/reports/ccm?month={MONTH}").data, "html.parser")
    row = [cell.get_text() for cell in report.select("table.report tbody tr")[0].find_all(["th", "td"])]
    assert row[:4] == ["MRN-9", "Complex CCM", "65", "0"]
    assert row[4].startswith("Minutes reach 99487") and "medical decision making" in row[4]
    rules = [li.get_text() for li in report.select("ul.kind li")]
    assert len(rules) == 3 and not any(rule.startswith("BHI") for rule in rules)


def test_one_program_clinic_sends_it_without_asking(content_dir, database_url):
    app = make_api_app(content_dir, database_url, PORTAL_PROGRAMS="bhi")
    _client, _token, _url, form = _teaching_form(app, "MRN-1")
    assert form.find("select", id="program") is None
    assert form.find("input", attrs={"name": "program"})["value"] == "bhi"
    app.extensions["portal.db"].dispose()


def test_admin_marks_a_billing_practitioner_audited(api_app, users):
    client = api_app.test_client()
    token = sign_in(client, "admin@clinic.example")
    page = BeautifulSoup(client.get("/console/admin/users").data, "html.parser")
    nurse_row = [tr for tr in page.select("#users tbody tr") if "nurse@clinic.example" in tr.get_text()][0]
    assert nurse_row.find_all("td")[3].get_text().strip().startswith("No")
    done = client.post("/console/admin/users/practitioner", data={"csrf_token": token,
                                                                  "email": "nurse@clinic.example", "practitioner": "1"})
    assert done.status_code == 302
    page = BeautifulSoup(client.get("/console/admin/users").data, "html.parser")
    nurse_row = [tr for tr in page.select("#users tbody tr") if "nurse@clinic.example" in tr.get_text()][0]
    assert nurse_row.find_all("td")[3].get_text().strip().startswith("Yes")
    assert "is now a billing practitioner" in page.get_text()
    api = api_app.test_client()
    assert api.get("/api/v1/me", headers=users.nurse).json["billing_practitioner"] is True
    client.post("/console/admin/users/practitioner", data={"csrf_token": token, "email": "nurse@clinic.example",
                                                           "practitioner": "0"})
    assert api.get("/api/v1/me", headers=users.nurse).json["billing_practitioner"] is False
    unknown = client.post("/console/admin/users/practitioner", data={"csrf_token": csrf(client.get(
        "/console/admin/users")), "email": "nobody@clinic.example", "practitioner": "1"})
    assert unknown.status_code == 404
    nul = client.post("/console/admin/users/practitioner", data={"csrf_token": csrf(client.get(
        "/console/admin/users")), "email": "nurse@clinic.example\x00", "practitioner": "1"})
    assert nul.status_code == 404  # PostgreSQL cannot compare text holding NUL: no such user, not a 500
    with api_app.app_context():
        whats = [e.what for e in get_session().query(AuditEvent).order_by(AuditEvent.id)]
    assert [w for w in whats if w.startswith("user_practitioner")] == ["user_practitioner_on:#2",
                                                                       "user_practitioner_off:#2"]


def test_set_practitioner_from_the_command_line(runner, tmp_path, content_dir):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"}
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    made = runner.invoke(main, ["users", "create", "doc@clinic.example", "--password", PASSWORD], env=env)
    assert made.exit_code == 0, made.output
    yes = runner.invoke(main, ["users", "set-practitioner", "Doc@clinic.example", "yes"], env=env)
    assert yes.exit_code == 0 and "doc@clinic.example is now a billing practitioner" in yes.output
    listed = runner.invoke(main, ["users", "list"], env=env).output
    assert listed.split("\t")[2] == "active, billing practitioner"
    no = runner.invoke(main, ["users", "set-practitioner", "doc@clinic.example", "no"], env=env)
    assert no.exit_code == 0 and "no longer" in no.output
    assert "billing practitioner" not in runner.invoke(main, ["users", "list"], env=env).output
    bad = runner.invoke(main, ["users", "set-practitioner", "doc@clinic.example", "maybe"], env=env)
    assert bad.exit_code == 2
    unknown = runner.invoke(main, ["users", "set-practitioner", "nobody@clinic.example", "yes"], env=env)
    assert unknown.exit_code == 1 and "no user has the email" in unknown.output
    from portal import create_app

    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), **env})
    with app.app_context():
        whats = [e.what for e in get_session().query(AuditEvent).order_by(AuditEvent.id)]
    assert whats[-2:] == ["user_practitioner_on:#1", "user_practitioner_off:#1"]
    app.extensions["portal.db"].dispose()
