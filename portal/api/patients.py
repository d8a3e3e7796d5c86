"""Patient routes: find or add by reference (in the body, never the URL), language, timeline.

Every route reaches only the patients of the caller's teams (admins: every patient)."""
from __future__ import annotations

from flask import current_app, g

from portal.api import api, json_body, one_page
from portal.api.auth import require_token
from portal.api.openapi import PAGE_PARAMS, json_response, model_schema, operation, page_of, path_param, register
from portal.care.inputs import PatientInput, PatientLookup, PatientUpdate, parse
from portal.care import audit, patients, timeline
from portal.db import begin_write, get_session
from portal.web import library, site_root


def _config():
    return current_app.config["PORTAL_PATIENT_KEY"], current_app.config["PORTAL_LANGUAGES"]


@api.post("/patients")
@require_token()
def find_or_add_patient():
    data = parse(PatientInput, json_body())
    key, languages = _config()
    session = get_session()
    patient, created = patients.find_or_create(session, data.reference, data.language, key, languages, g.user,
                                               data.team)
    audit.record(session, g.user, "write" if created else "read", "patient", [patient.id], "api")
    session.commit()
    return patients.describe(patient), 201 if created else 200


@api.post("/patients/lookup")
@require_token()
def look_up_patient():
    data = parse(PatientLookup, json_body())
    session = get_session()
    patient = patients.look_up(session, data.reference, _config()[0], g.user)
    audit.record(session, g.user, "read", "patient", [patient.id], "api")
    session.commit()
    return patients.describe(patient)


@api.get("/patients/<patient_id>")
@require_token()
def get_patient(patient_id):
    session = get_session()
    patient = patients.get(session, patient_id, g.user)
    audit.record(session, g.user, "read", "patient", [patient.id], "api")
    session.commit()
    return patients.describe(patient)


@api.patch("/patients/<patient_id>")
@require_token()
def update_patient(patient_id):
    data = parse(PatientUpdate, json_body())
    session = get_session()
    begin_write(session)
    patient = patients.get(session, patient_id, g.user)
    patient.language = patients.check_language(data.language, _config()[1])
    audit.record(session, g.user, "write", "patient", [patient.id], "api")
    session.commit()
    return patients.describe(patient)


@api.get("/patients/<patient_id>/timeline")
@require_token()
def patient_timeline(patient_id):
    session = get_session()
    patient = patients.get(session, patient_id, g.user)
    events = timeline.events(session, library(), site_root(), current_app.config["PORTAL_CLINIC_NAME"], patient)
    audit.record(session, g.user, "read", "timeline", [patient.id], "api")
    session.commit()
    return one_page(events)


def _openapi() -> dict:
    schemas: dict = {}
    patient = {"$ref": "#/components/schemas/Patient"}
    schemas["Patient"] = {"type": "object", "required": ["id", "reference", "language", "created_at"], "properties": {
        "id": {"type": "string", "description": "Opaque id: use it in URLs instead of the reference"},
        "reference": {"type": ["string", "null"], "description": "The clinic's reference (null when stored hashed)"},
        "language": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"}}}
    schemas["TimelineEvent"] = {"type": "object", "required": ["kind", "at"], "properties": {
        "kind": {"enum": ["assignment", "education", "care_plan"]}, "at": {"type": "string"},
        "assignment": {"$ref": "#/components/schemas/Assignment"},
        "education": {"$ref": "#/components/schemas/EducationRecord"},
        "care_plan": {"$ref": "#/components/schemas/CarePlan"}}}
    pid = [path_param("patient_id", "The patient's opaque id (pt_...)")]
    return {"schemas": schemas, "paths": {
        "/patients": {"post": operation(
            "Find a patient of your teams by reference, or add them to a team (404 if the reference is a "
            "patient of none of your teams)", "patients", operation_id="findOrAddPatient",
            body=model_schema(PatientInput, schemas),
            responses={"200": json_response("The patient already existed", patient),
                       "201": json_response("The patient was added", patient)})},
        "/patients/lookup": {"post": operation(
            "Find a patient of your teams by reference (404 if unknown or in none of your teams)", "patients", operation_id="lookUpPatient",
            body=model_schema(PatientLookup, schemas), responses={"200": json_response("The patient", patient)})},
        "/patients/{patient_id}": {
            "get": operation("A patient", "patients", operation_id="getPatient", parameters=pid,
                             responses={"200": json_response("The patient", patient)}),
            "patch": operation("Change a patient's language", "patients", operation_id="updatePatient",
                               parameters=pid, body=model_schema(PatientUpdate, schemas),
                               responses={"200": json_response("The patient", patient)})},
        "/patients/{patient_id}/timeline": {"get": operation(
            "Assignments, education records (with goal progress) and care plans, newest first", "patients",
            operation_id="patientTimeline",
            parameters=pid + PAGE_PARAMS,
            responses={"200": json_response("A page of events", page_of({"$ref": "#/components/schemas/TimelineEvent"}))})},
    }}


register(_openapi())
