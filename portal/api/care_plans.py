"""Care plan routes: start a plan, list and read plans, amend (never edit), and make the patient's code.

Goal progress travels in the education-record POST body (`goal_progress`): see portal.api.education."""
from __future__ import annotations

from flask import current_app, g

from portal.api import api, idempotent, json_body, one_page
from portal.api.auth import require_token
from portal.api.openapi import (IDEMPOTENCY, PAGE_PARAMS, json_response, model_schema, operation, page_of,
                                path_param, register)
from portal.care import audit, care_plans, patients, plan_codes
from portal.care.errors import CareError
from portal.care.inputs import parse
from portal.care.plan_inputs import STATUSES, PlanAmendment, PlanInput
from portal.db import get_session
from portal.db.models import Patient
from portal.web import library


def _replayed(session, patient_id: int, what: str = "care_plan_replayed"):
    return lambda: audit.record(session, g.user, "read", what, [patient_id], "api")


@api.post("/patients/<patient_id>/care-plans")
@require_token()
def create_care_plan(patient_id):
    body = json_body()
    data = parse(PlanInput, body)
    session = get_session()
    patient = patients.get(session, patient_id, g.user)

    def create():
        plan = care_plans.create(session, library(), patient, g.user, data, current_app.config["PORTAL_LANGUAGES"])
        audit.record(session, g.user, "write", "care_plan", [patient.id], "api")
        return 201, care_plans.describe(session, patient, [plan])[0]

    return idempotent(body, create, _replayed(session, patient.id))


@api.get("/patients/<patient_id>/care-plans")
@require_token()
def list_care_plans(patient_id):
    session = get_session()
    patient = patients.get(session, patient_id, g.user)
    plans = care_plans.for_patient(session, patient)
    audit.record(session, g.user, "read", "care_plan", [patient.id], "api")
    session.commit()
    return one_page(plans, lambda some: care_plans.describe(session, patient, some))


@api.get("/care-plans/<plan_id>")
@require_token()
def get_care_plan(plan_id):
    session = get_session()
    plan = care_plans.get(session, plan_id, g.user)
    audit.record(session, g.user, "read", "care_plan", [plan.patient_id], "api")
    session.commit()
    return care_plans.describe(session, session.get(Patient, plan.patient_id), [plan])[0]


@api.post("/care-plans/<plan_id>/amendments")
@require_token()
def amend_care_plan(plan_id):
    body = json_body()
    data = parse(PlanAmendment, body)
    session = get_session()
    plan = care_plans.get(session, plan_id, g.user)

    def create():
        made, patient = care_plans.amend(session, library(), g.user, plan_id, data)
        audit.record(session, g.user, "write", "care_plan", [patient.id], "api")
        return 201, care_plans.describe(session, patient, [made])[0]

    return idempotent(body, create, _replayed(session, plan.patient_id))


def issue_code(session, plan, user, channel: str, key: str | None, digest: str) -> tuple[int, dict]:
    """Make a code for the plan once per idempotency key. The code is shown only in the first answer:
    the stored answer (replayed to a retry) holds `code: null`, as the database keeps no code in clear."""
    from portal.care import idempotency

    made = {}

    def create():
        code, row = plan_codes.issue(session, plan, user, current_app.config["PORTAL_PLAN_CODE_DAYS"])
        audit.record(session, user, "write", "care_plan_code", [plan.patient_id], channel)
        made["code"] = code
        return 201, {"plan": plan.public_id, "code": None, "expires_at": row.expires_at.isoformat() + "Z",
                     "page": plan_page(plan.language)}

    status, body = idempotency.run(session, user, key, digest, create,
                                   lambda: audit.record(session, user, "read", "care_plan_code_replayed",
                                                        [plan.patient_id], channel))
    return status, {**body, "code": made.get("code")}


def plan_page(language: str) -> str:
    """Where the patient enters a plan code: the portal app's page (never the static site's), at
    PORTAL_API_URL (the app's public address) when it is set."""
    from flask import request, url_for

    if not current_app.config["PORTAL_API_URL"]:
        return url_for("patient_plan.enter_code", lang=language, _external=True)
    path = url_for("patient_plan.enter_code", lang=language)[len(request.script_root):]
    return current_app.config["PORTAL_API_URL"] + path


@api.post("/care-plans/<plan_id>/codes")
@require_token()
def care_plan_code(plan_id):
    from flask import request

    from portal.care import idempotency

    body = json_body()
    if body:
        raise CareError(422, "Invalid request", "body: send an empty JSON object ({})",
                        [{"field": name, "detail": "unknown field; send an empty JSON object"} for name in body])
    session = get_session()
    plan = care_plans.get(session, plan_id, g.user)
    status, answer = issue_code(session, plan, g.user, "api", request.headers.get("Idempotency-Key"),
                                idempotency.request_hash("POST", request.path, body))
    return answer, status


def _openapi() -> dict:
    schemas: dict = {}
    ref = {"$ref": "#/components/schemas/CarePlan"}
    strings = {"type": "array", "items": {"type": "string"}}
    nullable = {"type": ["string", "null"]}
    schemas["GoalProgress"] = {"type": "object", "required": ["goal", "goal_text", "text_language", "status",
                                                             "barriers", "note"],
                               "properties": {
        "goal": {"type": "string", "description": "The goal's id (the version it had when the progress was saved)"},
        "goal_text": {"type": "string"}, "text_language": {"type": "string"},
        "status": {"enum": list(STATUSES)},
        "barriers": strings, "note": {"type": "string"},
        "record": {"type": "string", "description": "The education record the progress was saved with"},
        "taught_on": {"type": "string", "format": "date"}}}
    schemas["PlanGoal"] = {"type": "object", "required": [
        "id", "continues", "guide", "template", "text_language", "goal", "steps", "measure", "call_when",
        "target_date", "progress"], "properties": {
        "id": {"type": "string"}, "continues": {**nullable, "description": "The goal's first id, when it goes on "
                                                                             "from an earlier version of the plan"},
        "guide": nullable, "template": nullable,
        "text_language": {"type": "string", "description": "The language of the texts (a guide not yet "
                                                           "translated gives English)"},
        "goal": {"type": "string"}, "steps": strings, "measure": {"type": "string"}, "call_when": {"type": "string"},
        "target_date": {"type": ["string", "null"], "format": "date"},
        "progress": {"type": "array", "items": {"$ref": "#/components/schemas/GoalProgress"},
                     "description": "The goal's progress at every call, oldest first"}}}
    schemas["CarePlan"] = {"type": "object", "required": [
        "id", "amends", "amendment_reason", "current", "language", "created_at", "created_by", "goals"],
        "properties": {
        "id": {"type": "string"}, "amends": {**nullable, "description": "Id of the plan's first version"},
        "amendment_reason": nullable, "current": {"type": "boolean", "description": "The plan as it now stands"},
        "language": {"type": "string"}, "created_at": {"type": "string"}, "created_by": nullable,
        "goals": {"type": "array", "items": {"$ref": "#/components/schemas/PlanGoal"}}}}
    schemas["PlanCode"] = {"type": "object", "required": ["plan", "code", "expires_at", "page"], "properties": {
        "plan": {"type": "string"},
        "code": {**nullable, "description": "12 letters and digits in groups of 4, to read aloud; shown once "
                                            "(null when a retry replays the answer: make a new code)"},
        "expires_at": {"type": "string"},
        "page": {"type": "string", "description": "Where the patient enters the code (the portal's own page)"}}}
    pid = [path_param("patient_id", "The patient's opaque id (pt_...)")]
    cid = [path_param("plan_id", "The care plan's id (cp_...)")]
    return {"schemas": schemas, "paths": {
        "/patients/{patient_id}/care-plans": {
            "post": operation("Start a care plan: goals from the guides' templates or written out", "care plans",
                              operation_id="createCarePlan", parameters=pid + [IDEMPOTENCY],
                              body=model_schema(PlanInput, schemas),
                              responses={"201": json_response("The plan", ref)}),
            "get": operation("A patient's care plans, every version, oldest first", "care plans",
                             operation_id="listCarePlans", parameters=pid + PAGE_PARAMS,
                             responses={"200": json_response("A page", page_of(ref))})},
        "/care-plans/{plan_id}": {"get": operation(
            "One version of a care plan, with each goal's progress", "care plans", operation_id="getCarePlan",
            parameters=cid, responses={"200": json_response("The plan", ref)})},
        "/care-plans/{plan_id}/amendments": {"post": operation(
            "Amend a plan: the plan as it should be from now on, and why", "care plans",
            operation_id="amendCarePlan", parameters=cid + [IDEMPOTENCY], body=model_schema(PlanAmendment, schemas),
            responses={"201": json_response("The amended plan", ref)})},
        "/care-plans/{plan_id}/codes": {"post": operation(
            "Make a code that opens the patient's 'My care plan' page (expires; shown once)", "care plans",
            operation_id="carePlanCode", parameters=cid + [IDEMPOTENCY],
            body={"type": "object", "maxProperties": 0, "description": "An empty JSON object"},
            responses={"201": json_response("The code", {"$ref": "#/components/schemas/PlanCode"})})},
    }}


register(_openapi())
