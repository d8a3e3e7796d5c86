"""Education record routes: record, list, amend (never edit), and the FHIR R4 Bundle."""
from __future__ import annotations

from flask import current_app, g, request

from portal.api import api, idempotent, json_body, one_page
from portal.api.auth import require_token
from portal.api.openapi import (IDEMPOTENCY, PAGE_PARAMS, json_response, model_schema, operation, page_of,
                                path_param, register)
from portal.care import audit, care_plans, education, fhir, patients, programs
from portal.care.timeline import describe_records
from portal.db import get_session
from portal.db.models import Patient
from portal.web import library


@api.post("/patients/<patient_id>/education-records")
@require_token()
def record_education(patient_id):
    body = json_body()
    data = education.parse(education.EducationInput, body)
    session = get_session()
    patient = patients.get_row(session, patient_id, g.user)

    def create():
        goals = care_plans.progress_goals(session, patient, data.goal_progress)
        row = education.record(session, library(), patient, g.user, data)
        audit.record(session, g.user, "write", "education_record", [patient.id], "api")
        return 201, {**education.describe(row, None, g.user.email), **_progress(session, row, goals, patient)}

    return idempotent(body, create, lambda: audit.record(session, g.user, "read", "education_record_replayed",
                                                         [patient.id], "api"))


def _progress(session, row, goals, patient) -> dict:
    """Save the goals' progress with the record (same transaction), audited; what the answer says of it."""
    saved = care_plans.add_progress(session, row, goals)
    if saved:
        audit.record(session, g.user, "write", "goal_progress", [patient.id], "api")
    return {"goal_progress": saved}


@api.post("/education-records/<record_id>/amendments")
@require_token()
def amend_education(record_id):
    body = json_body()
    data = education.parse(education.AmendmentInput, body)
    session = get_session()

    def create():
        target = education.get(session, record_id, g.user)
        goals = care_plans.progress_goals(session, session.get(Patient, target.patient_id), data.goal_progress)
        row, patient = education.amend(session, library(), g.user, record_id, data)
        audit.record(session, g.user, "write", "education_record", [patient.id], "api")
        _progress(session, row, goals, patient)
        return 201, describe_records(session, [row])[0]

    def replayed():
        audit.record(session, g.user, "read", "education_record_replayed",
                     [education.get(session, record_id).patient_id], "api")

    return idempotent(body, create, replayed)


@api.get("/patients/<patient_id>/education-records")
@require_token()
def list_education(patient_id):
    session = get_session()
    patient = patients.get(session, patient_id, g.user)
    rows = education.for_patient(session, patient)
    audit.record(session, g.user, "read", "education_record", [patient.id], "api")
    session.commit()
    return one_page(rows, lambda some: describe_records(session, some))


@api.get("/education-records/<record_id>")
@require_token()
def get_education(record_id):
    session = get_session()
    row = education.get(session, record_id, g.user)
    audit.record(session, g.user, "read", "education_record", [row.patient_id], "api")
    session.commit()
    return describe_records(session, [row])[0]


@api.get("/patients/<patient_id>/fhir")
@require_token()
def education_fhir(patient_id):
    session = get_session()
    patient = patients.get(session, patient_id, g.user)
    bundle = fhir.patient_bundle(session, library(), patient, current_app.config["PORTAL_API_URL"] or request.host_url,
                                 current_app.config["PORTAL_PATIENT_IDENTIFIER_SYSTEM"])
    audit.record(session, g.user, "read", "fhir_bundle", [patient.id], "api")
    session.commit()
    return bundle, 200, {"Content-Type": "application/fhir+json"}


def _openapi() -> dict:
    schemas: dict = {}
    ref = {"$ref": "#/components/schemas/EducationRecord"}
    strings = {"type": "array", "items": {"type": "string"}}
    schemas["EducationRecord"] = {"type": "object", "required": [
        "id", "amends", "taught_on", "topics", "learner", "readiness", "barriers", "methods", "evaluations",
        "interpreter_used", "minutes", "minutes_by", "program", "note", "created_at"], "properties": {
        "id": {"type": "string"}, "amends": {"type": ["string", "null"], "description": "Id of the record corrected"},
        "amendment_reason": {"type": ["string", "null"]}, "taught_on": {"type": "string", "format": "date"},
        "topics": strings, "learner": {"type": "string"}, "readiness": {"type": "string"}, "barriers": strings,
        "methods": strings, "evaluations": {"type": "array", "items": {"type": "object", "properties": {
            "topic": {"type": "string"}, "evaluation": {"type": "string"}}}},
        "interpreter_used": {"type": "boolean"}, "interpreter_language": {"type": ["string", "null"]},
        "interpreter_id": {"type": ["string", "null"]}, "resources_given": strings,
        "minutes": {"type": "integer"}, "minutes_by": {"type": "string"},
        "program": {"enum": list(programs.KEYS), "description": "The care-management program the minutes count toward"},
        "note": {"type": "string"},
        "recorded_by": {"type": ["string", "null"]}, "created_at": {"type": "string"},
        "goal_progress": {"type": "array", "items": {"$ref": "#/components/schemas/GoalProgress"},
                          "description": "How each care-plan goal went, saved with this record"}}}
    pid = [path_param("patient_id", "The patient's opaque id (pt_...)")]
    rid = [path_param("record_id", "The education record's id (ed_...)")]
    return {"schemas": schemas, "paths": {
        "/patients/{patient_id}/education-records": {
            "post": operation("Record education delivered", "education", operation_id="recordEducation",
                              parameters=pid + [IDEMPOTENCY], body=model_schema(education.EducationInput, schemas),
                              responses={"201": json_response("The record", ref)}),
            "get": operation("A patient's education records, amendments included, oldest first", "education",
                             operation_id="listEducation", parameters=pid + PAGE_PARAMS,
                             responses={"200": json_response("A page", page_of(ref))})},
        "/education-records/{record_id}": {"get": operation(
            "One education record", "education", operation_id="getEducation", parameters=rid,
            responses={"200": json_response("The record", ref)})},
        "/education-records/{record_id}/amendments": {"post": operation(
            "Correct a record: the whole record as it should be, and why", "education",
            operation_id="amendEducation", parameters=rid + [IDEMPOTENCY],
            body=model_schema(education.AmendmentInput, schemas),
            responses={"201": json_response("The amendment", ref)})},
        "/patients/{patient_id}/fhir": {"get": operation(
            "Education records and care plans as a FHIR R4 Bundle (Procedure, CarePlan, Goal ...)", "education",
            operation_id="educationFhir", parameters=pid,
            responses={"200": json_response("FHIR Bundle", {"type": "object", "required": ["resourceType"],
                                                            "properties": {"resourceType": {"const": "Bundle"}}},
                                            "application/fhir+json")})},
    }}


register(_openapi())
