"""The console on SQLite and PostgreSQL: sign-in on every page, admin pages, CSRF, the whole workflow."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from databases import PASSWORD
from portal import create_app
from portal.console.content_search import search_content

ADMIN_ONLY = {"/console/audit", "/console/admin/users", "/console/admin/users/active", "/console/admin/users/role",
              "/console/admin/users/password", "/console/admin/users/practitioner"}
OPEN = {"/console/login", "/console/language", "/console/logout", "/console/static/<path:filename>"}


def console_routes():
    app = create_app({"PORTAL_CONTENT_DIR": "tests/fixtures/content"})
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/console"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


ROUTES = list(console_routes())


def csrf(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.data.decode()).group(1)


def sign_in(client, email="nurse@clinic.example"):
    token = csrf(client.get("/console/login"))
    response = client.post("/console/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.data
    return csrf(client.get("/console/"))


def open_patient(client, token: str, reference: str, language: str = "en") -> str:
    """The address of the patient's page, found or added."""
    return client.post("/console/patients", data={"reference": reference, "language": language,
                                                  "csrf_token": token}).location


def url_of(rule: str) -> str:
    return re.sub(r"<(\w+:)?(\w+)>", r"\2-x", rule)


def test_route_list_is_complete():
    assert len(ROUTES) >= 12


@pytest.mark.parametrize("method, rule", [r for r in ROUTES if r[1] not in OPEN])
def test_every_console_page_needs_a_signed_in_user(api_app, users, method, rule):
    client = api_app.test_client()
    api_app.config["WTF_CSRF_ENABLED"] = False  # reach the sign-in check, not the CSRF one
    response = client.open(url_of(rule), method=method)
    assert response.status_code == 302 and response.location.endswith("/console/login")


@pytest.mark.parametrize("method, rule", [r for r in ROUTES if r[1] in ADMIN_ONLY])
def test_admin_pages_are_forbidden_to_care_managers(api_app, users, method, rule):
    client = api_app.test_client()
    token = sign_in(client)
    assert client.open(url_of(rule), method=method, data={"csrf_token": token}).status_code == 403
    admin = api_app.test_client()
    token = sign_in(admin, "admin@clinic.example")
    # An empty form reaches the admin's page: a change is refused with its reason (tested in test_console_sessions).
    assert admin.open(url_of(rule), method=method, data={"csrf_token": token}).status_code == (
        200 if method == "GET" else 404 if rule.endswith(("/active", "/password", "/practitioner"))
        else 422)  # no user / no role


def test_wrong_password_and_missing_csrf_token_are_refused(api_app, users):
    client = api_app.test_client()
    token = csrf(client.get("/console/login"))
    wrong = client.post("/console/login", data={"email": "nurse@clinic.example", "password": "nope",
                                                "csrf_token": token})
    assert wrong.status_code == 401 and "do not match" in wrong.data.decode()
    no_token = client.post("/console/login", data={"email": "nurse@clinic.example", "password": PASSWORD})
    assert no_token.status_code == 400
    sign_in(client)
    assert client.post("/console/patients", data={"reference": "R1", "language": "en"}).status_code == 400


def test_workflow_assign_record_and_report(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    found = client.post("/console/patients", data={"reference": "MRN-314", "language": "es", "csrf_token": token})
    assert found.status_code == 302 and "MRN-314" not in found.location
    patient_url = found.location
    page = BeautifulSoup(client.get(patient_url + "?q=presión").data, "html.parser")
    assert [box["value"] for box in page.select("input[name=items]")] == ["condition:high-blood-pressure"]
    assigned = client.post(patient_url + "/assignments", data={
        "items": ["condition:high-blood-pressure", "medication:lisinopril"], "csrf_token": token,
        "idempotency_key": "k1"})
    soup = BeautifulSoup(assigned.data, "html.parser")
    code = soup.find(id="code").get_text()
    assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3}", code)
    assert "/es/read/#r=" in soup.find(id="link").get_text()  # names no topic: safe on a lock screen
    assert "lisinopril" not in soup.find(id="link").get_text() + soup.find(id="message").get_text()
    assert soup.find(id="named-link").get_text().endswith(
        "/es/read/#condition:high-blood-pressure,medication:lisinopril")  # offered, behind a warning
    assert soup.select_one(".qr svg") is not None
    again = client.post(patient_url + "/assignments", data={
        "items": ["condition:high-blood-pressure", "medication:lisinopril"], "csrf_token": token,
        "idempotency_key": "k1"})
    assert BeautifulSoup(again.data, "html.parser").find(id="code").get_text() == code  # double submit
    form = BeautifulSoup(client.post(patient_url + "/education", data={
        "items": ["condition:high-blood-pressure"], "csrf_token": token}).data, "html.parser")
    questions = [li.get_text() for li in form.select("fieldset.topic ol li")]
    assert len(questions) >= 3
    saved = client.post(patient_url + "/education", data={
        "csrf_token": token, "save": "1", "topics": "condition:high-blood-pressure", "idempotency_key": "e1",
        "evaluation-condition:high-blood-pressure": "verbalizes_understanding", "taught_on": "2026-11-20",
        "learner": "caregiver", "readiness": "eager", "barriers": "language", "methods": ["verbal", "teach_back"],
        "interpreter_language": "es", "minutes": "21", "minutes_by": "clinical_staff"})
    assert saved.status_code == 302
    timeline = BeautifulSoup(client.get(patient_url).data, "html.parser").select(".timeline > li")
    assert len(timeline) == 2
    report = BeautifulSoup(client.get("/console/reports/ccm?month=2026-11").data, "html.parser")
    row = [td.get_text() for td in report.select("table.report tbody tr")[0].find_all(["th", "td"])]
    assert row == ["MRN-314", "CCM (chronic care management)", "21", "0", "99490"]  # no program chosen: CCM
    csv = client.get("/console/reports/ccm?month=2026-11&format=csv")
    assert csv.mimetype == "text/csv" and ",MRN-314,ccm,21,0,1,99490x1," in csv.data.decode()


def test_education_form_shows_every_error_at_once_next_to_its_field(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = open_patient(client, token, "R2", "en")
    blank = BeautifulSoup(client.post(patient_url + "/education", data={
        "items": "condition:heart-failure", "csrf_token": token}).data, "html.parser")
    assert blank.select("input[name=barriers][checked]") == []  # the form asks: nothing pre-ticked
    assert blank.find("select", id="readiness").find("option", selected=True) is None  # no default readiness
    response = client.post(patient_url + "/education", data={
        "csrf_token": token, "save": "1", "topics": "condition:heart-failure", "taught_on": "2026-11-20",
        "learner": "patient", "methods": "verbal", "interpreter_language": "Klingonish", "minutes": "0",
        "minutes_by": "clinical_staff", "note": "keep me"})
    assert response.status_code == 422
    soup = BeautifulSoup(response.data, "html.parser")
    marked = {p["id"] for p in soup.select("p.field-error")}
    assert marked == {"evaluation-1-error", "readiness-error", "barriers-error", "interpreter_language-error",
                      "minutes-error"}
    assert soup.find(id="minutes")["aria-describedby"] == "minutes-error"
    assert "(5)" in soup.find(id="form-errors").get_text()
    assert soup.find("textarea", id="note").get_text() == "keep me"
    assert soup.find(id="interpreter_language")["value"] == "Klingonish"  # kept to correct


def test_one_flow_assign_then_record_with_somali_interpreter_and_a_resource(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = open_patient(client, token, "MRN-SO-1", "en")
    found = BeautifulSoup(client.get(patient_url + "?q=heart").data, "html.parser")
    first = found.select_one(".hit")
    assert first.select_one("a.preview")["target"] == "_blank" and "/en/conditions/" in first.select_one(
        "a.preview")["href"]
    assert first.select_one(".summary").get_text().strip()
    assert ":" not in first.label.get_text()  # a readable title and kind, not condition:slug
    assigned = BeautifulSoup(client.post(patient_url + "/assignments", data={
        "items": ["condition:heart-failure", "medication:lisinopril", "resource:crisis-line"],
        "csrf_token": token, "idempotency_key": "one-flow"}).data, "html.parser")
    assert "MRN-SO-1" in assigned.select_one(".for-patient").get_text()  # which patient, in every tab
    assert "/en/read/print/#r=" in assigned.find("a", href=re.compile("/read/print/"))["href"]
    form = assigned.find("form", id="education-form")
    assert [i["value"] for i in form.select("input[name=topics]")] == ["condition:heart-failure",
                                                                       "medication:lisinopril"]
    assert form.find("input", id="methods-handout").has_attr("checked")
    assert form.find("input", attrs={"name": "resources_given"}).has_attr("checked")  # kept, not dropped
    assert "Somali" in [o["value"] for o in form.select("datalist option")]
    fields = {"csrf_token": token, "save": "1", "idempotency_key": form.find("input", attrs={
        "name": "idempotency_key"})["value"], "topics": ["condition:heart-failure", "medication:lisinopril"],
        "evaluation-all": "verbalizes_understanding", "taught_on": form.find(id="taught_on")["value"],
        "learner": "patient", "readiness": "accepting", "barriers": "language",
        "methods": ["verbal", "handout", "teach_back"], "interpreter_language": "Somali",
        "interpreter_id": "LL-4821", "resources_given": "resource:crisis-line", "minutes": "18",
        "minutes_by": "clinical_staff"}
    assert client.post(patient_url + "/education", data=fields).status_code == 302
    page = BeautifulSoup(client.get(patient_url).data, "html.parser")
    record = page.select(".timeline > li")[0].get_text(" ")
    assert "Interpreter used: Somali" in record and "LL-4821" in record and "Nora Nurse" in record
    assert "Heart failure: Explains it back" in record and "nurse@clinic.example" not in record
    assert "988 Suicide & Crisis Lifeline" in record.split("Resources given:")[1]
    csv_text = client.get(patient_url + "/education.csv").data.decode()
    assert csv_text.startswith("record_id,") and ",so,LL-4821,resource:crisis-line,18," in csv_text
    bundle = client.get(patient_url + "/fhir")
    assert bundle.mimetype == "application/fhir+json" and bundle.json["resourceType"] == "Bundle"
    assert "attachment" in bundle.headers["Content-Disposition"]


def test_the_record_form_offers_teach_back_in_both_languages(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = open_patient(client, token, "R-ES", "es")
    form = BeautifulSoup(client.post(patient_url + "/education", data={
        "items": "condition:high-blood-pressure", "csrf_token": token}).data, "html.parser")
    first = form.select_one("fieldset.topic ol li")
    assert first.find("span", lang="es") is not None and first.get_text() != first.find("span").get_text()


def test_more_results_when_the_list_is_cut(api_app, users, monkeypatch):
    from portal.console import patients

    monkeypatch.setattr(patients, "FIRST_RESULTS", 3)  # the test library holds six pages
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = open_patient(client, token, "R-M", "en")
    page = BeautifulSoup(client.get(patient_url).data, "html.parser")  # no query: every page, by title
    assert len(page.select(".hit")) == 3
    more = page.find("a", string="More results")["href"]
    longer = BeautifulSoup(client.get(more).data, "html.parser").select(".hit input")
    assert len(longer) == 6 and not BeautifulSoup(client.get(more).data, "html.parser").find(
        "a", string="More results")
    kinds = [box["value"].startswith("resource:") for box in longer]
    assert kinds == sorted(kinds)  # guides before community resources


def test_console_speaks_the_chosen_language(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    client.post("/console/language", data={"lang": "es", "csrf_token": token, "next": "/console/"})
    soup = BeautifulSoup(client.get("/console/").data, "html.parser")
    assert soup.html["lang"] == "es" and soup.h1.get_text() == "Pacientes y guías"


def test_content_search_uses_the_search_engine(app):
    library = app.extensions["portal.library"]
    with app.app_context():
        assert search_content(library, "zestril", "en")[0].item.ref == "medication:lisinopril"
        assert search_content(library, "HYPERTENSION", "en")[0].item.ref == "condition:high-blood-pressure"
        assert search_content(library, "lisinoprl", "en")[0].item.ref == "medication:lisinopril"  # misspelt
        spanish = search_content(library, "presión", "es")
        assert spanish[0].item.title == "Presión arterial alta" and len(spanish[0].teach_back) >= 3
        assert search_content(library, "zzqx", "en") == []
        assert len(search_content(library, "", "en")) == len(library.conditions) + len(library.medications) + len(
            library.topics) + len(library.resources)


def test_patient_needs_a_reference(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    response = client.post("/console/patients", data={"reference": " ", "language": "en", "csrf_token": token})
    assert response.status_code == 422
    assert BeautifulSoup(response.data, "html.parser").find(id="patient-error").get_text().startswith("reference:")


def test_opening_the_teaching_form_and_reading_the_audit_log_are_audited(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = open_patient(client, token, "MRN-77", "en")
    form = client.post(patient_url + "/education", data={"topics": ["condition:heart-failure"], "csrf_token": token})
    assert form.status_code == 200 and b"taught_on" in form.data
    admin = api_app.test_client()
    sign_in(admin, "admin@clinic.example")
    first = BeautifulSoup(admin.get("/console/audit").data, "html.parser").get_text(" ")
    assert "education_form" in first
    second = BeautifulSoup(admin.get("/console/audit").data, "html.parser").get_text(" ")
    assert "audit_log" in second and "audit_log" not in first  # the first reading, logged
