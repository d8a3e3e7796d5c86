"""The care plan in the console, on SQLite and PostgreSQL: choose goals from the patient's guides, adjust
them, save, deliver (print, code), amend, and record each goal's progress in the teaching form."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup

from plan_helpers import add_goal_templates
from test_console import open_patient, sign_in

FUTURE = (dt.date.today() + dt.timedelta(days=60)).isoformat()


@pytest.fixture(autouse=True)
def _templates(content_dir):
    add_goal_templates(content_dir)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def plan_of_patient(client, token, language="es", reference="MRN-808"):
    """A patient taught heart failure, and the plan saved from its weight goal (steps adjusted) and one of our own."""
    patient_url = open_patient(client, token, reference, language)
    patient_id = patient_url.rsplit("/", 1)[1]
    client.post(f"{patient_url}/assignments", data={"items": "condition:heart-failure", "csrf_token": token})
    chosen = soup(client.post(f"{patient_url}/care-plans", data={
        "templates": ["heart-failure/steady-weight"], "written": "1", "csrf_token": token}))
    form = chosen.find("form", id="plan-form")
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("type") != "checkbox"}
    fields.update({field["name"]: field.text for field in form.find_all("textarea")})
    fields.update({"goal-0-keep": "1", "goal-1-keep": "1", "goal-0-steps": "Pesarme cada mañana.\nComer menos sal.",
                   "goal-0-target_date": FUTURE, "goal-1-goal": "Dormir mejor",
                   "goal-1-steps": "Acostarme a las diez."})
    saved = client.post(form["action"], data=fields)
    assert saved.status_code == 302, saved.data
    return patient_url, patient_id, saved.location.split("?")[0]


def test_goals_of_the_patients_guides_come_first(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = open_patient(client, token, "MRN-1", "es")
    client.post(f"{patient_url}/assignments", data={"items": "condition:high-blood-pressure", "csrf_token": token})
    page = soup(client.get(f"{patient_url}/care-plans/new"))
    fieldsets = page.find_all("fieldset")
    assert fieldsets[0].legend.text.strip() == "Presión arterial alta"  # the patient's guide, in their language
    assert page.find("label", attrs={"for": "template-high-blood-pressure-walk-more"}).span.text == "Caminar más"
    others = page.find("details")
    assert others.find("input", attrs={"value": "heart-failure/steady-weight"})  # any other guide, further down
    assert others.find("span", attrs={"lang": "en"}).text == "Heart failure"  # not translated: marked English


def test_a_plan_is_chosen_adjusted_saved_and_shown(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url, _patient_id, plan_url = plan_of_patient(client, token)
    page = soup(client.get(plan_url))
    assert [h.text for h in page.find_all("h2", id=re.compile("^goal-"))] == ["Keep my weight steady", "Dormir mejor"]
    assert page.find("h2", id="goal-1")["lang"] == "es"  # the steps were written again in Spanish
    assert [li.text for li in page.find("section", class_="plan-goal").find_all("li")] == [
        "Pesarme cada mañana.", "Comer menos sal."]
    assert FUTURE in page.text
    patient = soup(client.get(patient_url))
    assert "Keep my weight steady" in patient.find("section", attrs={"aria-labelledby": "care-plan"}).text
    assert "Care plan started" in patient.find("ol", class_="timeline").text


def test_plan_errors_are_shown_next_to_their_goal(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url = open_patient(client, token, "MRN-2", "en")
    response = client.post(f"{patient_url}/care-plans", data={
        "csrf_token": token, "save": "1", "idempotency_key": "p1", "goal-0-keep": "1", "goal-0-goal": "Sleep",
        "goal-0-steps": "", "goal-1-keep": "1", "goal-1-goal": "Walk", "goal-1-steps": "Walk daily",
        "goal-1-target_date": "2099-01-01"})
    assert response.status_code == 422
    page = soup(response)
    assert page.find(id="goal-0-goal-error") and page.find(id="goal-1-target_date-error")
    assert page.find(id="goal-1-target_date")["aria-invalid"] == "true"
    assert page.find(id="goal-0-goal")["value"] == "Sleep"  # what was typed stays


def test_the_print_view_is_in_the_patients_language_with_no_name_or_reference(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    _patient_url, patient_id, plan_url = plan_of_patient(client, token)
    printed = client.get(plan_url + "/print")
    html = printed.data.decode()
    assert printed.status_code == 200 and '<html lang="es"' in html
    assert "Pesarme cada mañana." in html and "Dormir mejor" in html
    for secret in ("MRN-808", patient_id, plan_url.rsplit("/", 1)[1], "Nora"):
        assert secret not in html


def test_a_code_is_shown_once_and_opens_the_plan(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    _patient_url, _patient_id, plan_url = plan_of_patient(client, token)
    key = soup(client.get(plan_url)).find("input", attrs={"name": "idempotency_key"})["value"]
    made = soup(client.post(plan_url + "/codes", data={"csrf_token": token, "idempotency_key": key}))
    code = made.find("output", id="plan-code").text
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert made.find("output", id="plan-page").text.endswith("/es/my-plan/")
    again = soup(client.post(plan_url + "/codes", data={"csrf_token": token, "idempotency_key": key}))
    assert again.find("output", id="plan-code") is None and again.find(attrs={"role": "alert"})
    patient_page = api_app.test_client().post("/es/my-plan/", data={"code": code})
    assert patient_page.status_code == 200 and "Dormir mejor" in patient_page.data.decode()


def test_progress_is_recorded_with_the_teaching_and_shown_in_the_timeline(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url, _patient_id, plan_url = plan_of_patient(client, token)
    form = soup(client.post(patient_url + "/education", data={"items": "condition:heart-failure", "csrf_token": token}))
    goals = [field["value"] for field in form.find_all("input", attrs={"name": "plan_goals"})]
    assert len(goals) == 2
    weight, sleep = goals
    fields = {"csrf_token": token, "save": "1", "idempotency_key": "call-2", "topics": "condition:heart-failure",
              "taught_on": dt.date.today().isoformat(), "evaluation-condition:heart-failure": "needs_reinforcement",
              "learner": "patient", "readiness": "accepting", "barriers": "none", "methods": "verbal",
              "minutes": "22", "minutes_by": "clinical_staff", "plan_goals": goals,
              f"progress-{weight}-status": "partly_met", f"progress-{weight}-barriers": ["cost", "time"],
              f"progress-{weight}-note": "Needs a scale.\nWill ask the pharmacy.", f"progress-{sleep}-status": ""}
    saved = client.post(patient_url + "/education", data=fields)
    assert saved.status_code == 302, saved.data
    timeline = soup(client.get(patient_url)).find("ol", class_="timeline")
    progress = timeline.find("ul", class_="progress").text
    assert "Keep my weight steady: Partly met" in progress and "Cost, Time" in progress
    assert "Dormir mejor" not in progress  # not talked about: nothing recorded
    plan = soup(client.get(plan_url)).text
    assert "Partly met" in plan and "Needs a scale." in plan
    # Amending the record shows its progress again, to correct with the rest of the record.
    amend = soup(client.get(timeline.find("a", string="Amend this record")["href"]))
    assert amend.find(id=f"progress-{weight}-status").find("option", selected=True)["value"] == "partly_met"
    assert amend.find(id=f"progress-{weight}-barriers-cost").has_attr("checked")
    assert amend.find(id=f"progress-{sleep}-status").find("option", selected=True) is None


def test_progress_without_a_status_is_shown_as_an_error_and_nothing_is_saved(api_app, users, api):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url, patient_id, _plan_url = plan_of_patient(client, token)
    form = soup(client.post(patient_url + "/education", data={"items": "condition:heart-failure", "csrf_token": token}))
    weight = form.find("input", attrs={"name": "plan_goals"})["value"]
    response = client.post(patient_url + "/education", data={
        "csrf_token": token, "save": "1", "idempotency_key": "call-3", "topics": "condition:heart-failure",
        "taught_on": dt.date.today().isoformat(), "evaluation-condition:heart-failure": "verbalizes_understanding",
        "learner": "patient", "readiness": "eager", "barriers": "none", "methods": "verbal", "minutes": "10",
        "minutes_by": "clinical_staff", "plan_goals": [weight], f"progress-{weight}-note": "Talked about it."})
    assert response.status_code == 422
    page = soup(response)
    assert page.find(id="goal_progress-error") and page.find(id=f"progress-{weight}-note").text == "Talked about it."
    records = api.get(f"/api/v1/patients/{patient_id}/education-records", headers=users.nurse).json
    assert records["total"] == 0


def test_amending_the_plan_and_a_records_progress(api_app, users):
    client = api_app.test_client()
    token = sign_in(client)
    patient_url, _patient_id, plan_url = plan_of_patient(client, token)
    form = soup(client.get(plan_url + "/amend")).find("form", id="plan-form")
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input")
              if field.get("type") != "checkbox" or field.get("checked") is not None}
    fields.update({field["name"]: field.text for field in form.find_all("textarea")})
    fields.pop("goal-1-keep")  # the sleep goal comes off the plan
    fields.update({"goal-0-target_date": "", "reason": "No date: the scale comes first."})
    amended = client.post(plan_url + "/amend", data=fields)
    assert amended.status_code == 302, soup(amended).find(id="form-errors")
    page = soup(client.get(amended.location))
    assert [h.text for h in page.find_all("h2", id=re.compile("^goal-"))] == ["Keep my weight steady"]
    assert "No date: the scale comes first." in page.text and FUTURE not in page.text
    old = soup(client.get(plan_url))
    assert old.find("a", string="Open the plan as it now stands")
    assert "Care plan amended" in soup(client.get(patient_url)).find("ol", class_="timeline").text
    no_reason = client.post(plan_url + "/amend", data={**fields, "reason": "", "idempotency_key": "other"})
    assert no_reason.status_code == 422 and soup(no_reason).find(id="reason-error")
