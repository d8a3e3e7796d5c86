"""Care plans through the API, on SQLite and PostgreSQL: start from templates or written goals, amend
(never edit), progress saved with education records, team scoping, idempotency, problem details."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from api_helpers import education, new_patient
from plan_helpers import add_goal_templates, template_plan, written_goal
from portal.db import get_session
from portal.db.models import AuditEvent, CarePlan, GoalProgress, PlanGoal

FUTURE = (dt.date.today() + dt.timedelta(days=90)).isoformat()


@pytest.fixture(autouse=True)
def _templates(content_dir):
    add_goal_templates(content_dir)


def start(api, headers, patient, body=None, status=201) -> dict:
    response = api.post(f"/api/v1/patients/{patient}/care-plans", json=body or template_plan(), headers=headers)
    assert response.status_code == status, response.json
    return response.json


def progress(api, headers, patient, items, status=201, **changes) -> dict:
    response = api.post(f"/api/v1/patients/{patient}/education-records", headers=headers,
                        json=education(goal_progress=items, **changes))
    assert response.status_code == status, response.json
    return response.json


def test_template_goals_are_written_in_the_patients_language_or_marked_english(api, users):
    patient = new_patient(api, users.nurse, language="es")
    plan = start(api, users.nurse, patient, {"goals": [
        {"guide": "high-blood-pressure", "template": "walk-more", "target_date": FUTURE},
        {"guide": "heart-failure", "template": "steady-weight"}, written_goal(goal="Dormir mejor")]})
    walk, weight, sleep = plan["goals"]
    assert (walk["goal"], walk["text_language"], walk["target_date"]) == ("Caminar más", "es", FUTURE)
    assert walk["steps"] == ["Camine casi todos los días.", "Tome sus pastillas todos los días."]
    assert walk["call_when"].startswith("Llame a su clínica")
    assert (weight["goal"], weight["text_language"]) == ("Keep my weight steady", "en")  # no Spanish page yet
    assert (sleep["goal"], sleep["guide"], sleep["template"], sleep["text_language"]) == ("Dormir mejor", None, None,
                                                                                        "es")
    assert plan["language"] == "es" and plan["current"] and plan["amends"] is None
    assert plan["created_by"] == "nurse@clinic.example"


def test_steps_adjusted_with_the_patient_replace_the_templates(api, users):
    patient = new_patient(api, users.nurse, language="en")
    plan = start(api, users.nurse, patient, template_plan(steps=["Weigh myself after breakfast."],
                                                          measure="Write it on the fridge calendar."))
    [goal] = plan["goals"]
    assert goal["steps"] == ["Weigh myself after breakfast."] and goal["measure"] == "Write it on the fridge calendar."
    assert goal["goal"] == "Keep my weight steady" and goal["call_when"].startswith("Call the clinic if your weight goes up")


@pytest.mark.parametrize("body, field", [
    ({"goals": []}, "goals"),
    ({"goals": [{"guide": "heart-failure", "template": "no-such-goal"}]}, "goals[0].template"),
    ({"goals": [{"guide": "no-such-guide", "template": "steady-weight"}]}, "goals[0].template"),
    ({"goals": [{"guide": "heart-failure"}]}, "goals[0]"),
    ({"goals": [{"goal": "Sleep better"}]}, "goals[0]"),
    ({"goals": [written_goal(steps=[""])]}, "goals[0].steps"),
    ({"goals": [written_goal(target_date="2099-01-01")]}, "goals[0].target_date"),
    ({"goals": [written_goal(target_date="next week")]}, "goals[0].target_date"),
    ({"goals": [written_goal(goal="x" * 301)]}, "goals[0].goal"),
    ({"goals": [written_goal(goal="Sleep\u202ebetter")]}, "goals[0].goal"),
    ({"goals": [{"guide": "heart-failure", "template": "steady-weight"}] * 2}, "goals[1]"),
    ({"goals": [written_goal()], "language": "fr"}, "language"),
    ({"goals": [written_goal()], "colour": "red"}, "colour"),
    ({"goals": [written_goal(id="gl_x")]}, "goals[0].id"),
])
def test_bad_plans_are_problem_documents_naming_the_field(api, users, body, field):
    patient = new_patient(api, users.nurse, language="en")
    response = api.post(f"/api/v1/patients/{patient}/care-plans", json=body, headers=users.nurse)
    assert response.status_code == 422 and response.content_type == "application/problem+json", response.json
    assert field in [error["field"] for error in response.json["errors"]], response.json


def test_amending_changes_steps_and_dates_in_a_new_version_and_keeps_progress(api, users, api_app):
    patient = new_patient(api, users.nurse, language="en")
    first = start(api, users.nurse, patient, {"goals": [
        {"guide": "heart-failure", "template": "steady-weight"}, written_goal()]})
    weight, sleep = (goal["id"] for goal in first["goals"])
    progress(api, users.nurse, patient, [{"goal": weight, "status": "partly_met", "barriers": ["cost"],
                                          "note": "Scale broke."}])
    amended = api.post(f"/api/v1/care-plans/{first['id']}/amendments", headers=users.nurse, json={
        "reason": "New scale; later date.", "goals": [{"id": weight, "target_date": FUTURE,
                                                       "steps": ["Weigh myself on the new scale."]}]})
    assert amended.status_code == 201, amended.json
    plan = amended.json
    assert plan["amends"] == first["id"] and plan["amendment_reason"] == "New scale; later date."
    [goal] = plan["goals"]  # the sleep goal was left out: it is off the plan
    assert goal["continues"] == weight and goal["id"] != weight
    assert goal["steps"] == ["Weigh myself on the new scale."] and goal["target_date"] == FUTURE
    assert goal["goal"] == "Keep my weight steady" and goal["measure"].startswith("Weigh each morning")
    assert [p["status"] for p in goal["progress"]] == ["partly_met"]
    old = api.get(f"/api/v1/care-plans/{first['id']}", headers=users.nurse).json
    assert old["current"] is False and old["goals"][0]["steps"] == ["Weigh myself each morning.", "Eat less salt."]
    listed = api.get(f"/api/v1/patients/{patient}/care-plans", headers=users.nurse).json
    assert [(p["id"], p["current"]) for p in listed["items"]] == [(first["id"], False), (plan["id"], True)]
    # progress for the goal taken off is refused; the goal that goes on takes it under either id
    refused = progress(api, users.nurse, patient, [{"goal": sleep, "status": "met"}], status=422)
    assert refused["errors"][0]["field"] == "goal_progress[0].goal" and "no longer" in refused["errors"][0]["detail"]
    saved = progress(api, users.nurse, patient, [{"goal": weight, "status": "met"}])
    assert saved["goal_progress"][0]["goal"] == goal["id"]
    with api_app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(CarePlan.id))) == 2
        assert session.scalar(select(func.count(PlanGoal.id))) == 3


def test_an_amendment_must_say_why_and_name_goals_of_its_own_plan(api, users):
    patient = new_patient(api, users.nurse, language="en")
    plan = start(api, users.nurse, patient)
    other = start(api, users.nurse, patient, {"goals": [written_goal()]})
    url = f"/api/v1/care-plans/{plan['id']}/amendments"
    no_reason = api.post(url, json={"goals": [{"id": plan["goals"][0]["id"]}]}, headers=users.nurse)
    assert no_reason.status_code == 422 and no_reason.json["errors"][0]["field"] == "reason"
    foreign = api.post(url, json={"reason": "x", "goals": [{"id": other["goals"][0]["id"]}]}, headers=users.nurse)
    assert foreign.status_code == 422 and foreign.json["errors"][0]["field"] == "goals[0].id"
    twice = api.post(url, json={"reason": "x", "goals": [{"id": plan["goals"][0]["id"]}] * 2}, headers=users.nurse)
    assert twice.status_code == 422 and twice.json["errors"][0]["field"] == "goals[1]"


def test_progress_is_saved_with_the_record_and_its_amendment_replaces_it(api, users, api_app):
    patient = new_patient(api, users.nurse, language="en")
    plan = start(api, users.nurse, patient, {"goals": [{"guide": "heart-failure", "template": "steady-weight"},
                                                       written_goal()]})
    weight, sleep = (goal["id"] for goal in plan["goals"])
    record = progress(api, users.nurse, patient, [
        {"goal": weight, "status": "not_met", "barriers": ["motivation", "time"], "note": "Busy week.\nWill retry."},
        {"goal": sleep, "status": "met"}], minutes=25)
    assert [(p["goal"], p["status"], p["barriers"]) for p in record["goal_progress"]] == [
        (weight, "not_met", ["motivation", "time"]), (sleep, "met", [])]
    assert record["minutes"] == 25  # minutes stay on the record: one place
    amended = api.post(f"/api/v1/education-records/{record['id']}/amendments", headers=users.nurse, json={
        **education(minutes=25), "reason": "Weight goal was partly met.",
        "goal_progress": [{"goal": weight, "status": "partly_met"}]})
    assert amended.status_code == 201, amended.json
    assert [(p["goal"], p["status"]) for p in amended.json["goal_progress"]] == [(weight, "partly_met")]
    goals = api.get(f"/api/v1/care-plans/{plan['id']}", headers=users.nurse).json["goals"]
    assert [[p["status"] for p in goal["progress"]] for goal in goals] == [["partly_met"], []]
    timeline = api.get(f"/api/v1/patients/{patient}/timeline", headers=users.nurse).json["items"]
    assert [item["kind"] for item in timeline] == ["education", "education", "care_plan"]
    assert timeline[1]["education"]["goal_progress"][0]["status"] == "not_met"
    with api_app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(GoalProgress.id))) == 3  # nothing was changed, only added
        whats = set(session.scalars(select(AuditEvent.what)))
        assert {"care_plan", "goal_progress", "education_record"} <= whats


@pytest.mark.parametrize("item, field", [
    ({"goal": "gl_nope", "status": "met"}, "goal_progress[0].goal"),
    ({"goal": "{goal}", "status": "done"}, "goal_progress[0].status"),
    ({"goal": "{goal}", "status": "met", "barriers": ["cost", "cost"]}, "goal_progress[0].barriers"),
    ({"goal": "{goal}", "status": "met", "barriers": ["weather"]}, "goal_progress[0].barriers[0]"),
    ({"goal": "{goal}", "status": "met", "note": "x" * 2001}, "goal_progress[0].note"),
    ({"goal": "{goal}", "status": "met", "mood": "good"}, "goal_progress[0].mood"),
])
def test_bad_progress_is_refused_and_nothing_is_saved(api, users, api_app, item, field):
    patient = new_patient(api, users.nurse, language="en")
    plan = start(api, users.nurse, patient)
    item = {**item, "goal": item["goal"].replace("{goal}", plan["goals"][0]["id"])}
    response = progress(api, users.nurse, patient, [item], status=422)
    assert field in [error["field"] for error in response["errors"]], response
    assert api.get(f"/api/v1/patients/{patient}/education-records", headers=users.nurse).json["total"] == 0


def test_the_same_goal_twice_in_one_call_is_refused(api, users):
    patient = new_patient(api, users.nurse, language="en")
    goal = start(api, users.nurse, patient)["goals"][0]["id"]
    response = progress(api, users.nurse, patient, [{"goal": goal, "status": "met"}] * 2, status=422)
    assert response["errors"][0]["field"] == "goal_progress[1].goal"


def test_another_patients_goal_is_unknown(api, users):
    mine = new_patient(api, users.nurse, reference="MRN-1", language="en")
    theirs = new_patient(api, users.nurse, reference="MRN-2", language="en")
    goal = start(api, users.nurse, theirs)["goals"][0]["id"]
    response = progress(api, users.nurse, mine, [{"goal": goal, "status": "met"}], status=422)
    assert "not a goal of this patient" in response["errors"][0]["detail"]


def test_a_retried_post_makes_one_plan(api, users, api_app):
    patient = new_patient(api, users.nurse, language="en")
    headers = {**users.nurse, "Idempotency-Key": "plan-1"}
    first = start(api, headers, patient)
    again = start(api, headers, patient)
    assert again["id"] == first["id"]
    reused = api.post(f"/api/v1/patients/{patient}/care-plans", json={"goals": [written_goal()]}, headers=headers)
    assert reused.status_code == 422 and reused.json["errors"][0]["field"] == "Idempotency-Key"
    empty = api.post(f"/api/v1/patients/{patient}/care-plans", json=template_plan(),
                     headers={**users.nurse, "Idempotency-Key": ""})
    assert empty.status_code == 422 and empty.json["errors"][0]["field"] == "Idempotency-Key"
    with api_app.app_context():
        assert get_session().scalar(select(func.count(CarePlan.id))) == 1


def test_plans_of_another_team_are_unknown(api, users, api_app):
    from portal.care import team_admin

    patient = new_patient(api, users.nurse, language="en")
    plan = start(api, users.nurse, patient)
    with api_app.app_context():
        session = get_session()
        team_admin.create(session, "night", "Night team", None, "cli")
        session.commit()
    from portal.care.users import create_token, create_user
    from databases import PASSWORD

    with api_app.app_context():
        session = get_session()
        create_user(session, "night@clinic.example", "Nia Night", "care_manager", PASSWORD)
        team_admin.add_member(session, "night", "night@clinic.example", None, "cli")
        _, token = create_token(session, "night@clinic.example", "test")
        session.commit()
    other = {"Authorization": f"Bearer {token}"}
    for method, url, body in (("GET", f"/api/v1/care-plans/{plan['id']}", None),
                              ("POST", f"/api/v1/care-plans/{plan['id']}/amendments", {"reason": "x", "goals": [
                                  written_goal()]}),
                              ("POST", f"/api/v1/care-plans/{plan['id']}/codes", {}),
                              ("GET", f"/api/v1/patients/{patient}/care-plans", None)):
        response = api.open(url, method=method, json=body, headers=other)
        assert response.status_code == 404 and response.content_type == "application/problem+json", url


def test_the_openapi_document_describes_plans_and_progress(api):
    document = api.get("/api/v1/openapi.json").json
    assert {"/patients/{patient_id}/care-plans", "/care-plans/{plan_id}", "/care-plans/{plan_id}/amendments",
            "/care-plans/{plan_id}/codes"} <= set(document["paths"])
    schemas = document["components"]["schemas"]
    assert "goal_progress" in schemas["EducationInput"]["properties"]
    assert schemas["ProgressInput"]["properties"]["status"]["enum"] == ["met", "partly_met", "not_met", "stopped"]
    assert "goal_progress" in schemas["EducationRecord"]["properties"]
    assert "care_plan" in schemas["TimelineEvent"]["properties"]["kind"]["enum"]
