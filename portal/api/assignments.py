"""Assignment routes: assign pages to a patient, list them, the QR code, and the public code lookup."""
from __future__ import annotations

from flask import Response, current_app, g

from portal.api import api, idempotent, json_body, one_page
from portal.api.auth import require_token
from portal.api.openapi import (IDEMPOTENCY, PAGE_PARAMS, json_response, model_schema, operation, page_of,
                                path_param, register)
from portal.care.inputs import AssignmentInput, CodeInput, parse
from portal.care import assignments, audit, patients
from portal.db import get_session
from portal.web import library, site_root


def _describe(assignment) -> dict:
    return assignments.describe(library(), site_root(), current_app.config["PORTAL_CLINIC_NAME"], assignment)


@api.post("/patients/<patient_id>/assignments")
@require_token()
def assign_reading(patient_id):
    body = json_body()
    data = parse(AssignmentInput, body)
    session = get_session()
    patient = patients.get(session, patient_id, g.user)

    def create():
        assignment = assignments.create(session, library(), patient, g.user, data.items,
                                        data.language or patient.language, current_app.config["PORTAL_LANGUAGES"],
                                        current_app.config["PORTAL_CODE_DAYS"])
        audit.record(session, g.user, "write", "assignment", [patient.id], "api")
        return 201, _describe(assignment)

    return idempotent(body, create, lambda: audit.record(session, g.user, "read", "assignment_replayed",
                                                         [patient.id], "api"))


@api.get("/patients/<patient_id>/assignments")
@require_token()
def list_assignments(patient_id):
    session = get_session()
    patient = patients.get(session, patient_id, g.user)
    rows = assignments.for_patient(session, patient)
    audit.record(session, g.user, "read", "assignment", [patient.id], "api")
    session.commit()
    return one_page(rows, lambda some: [_describe(a) for a in some])


@api.get("/assignments/<assignment_id>/qr.svg")
@require_token()
def assignment_qr(assignment_id):
    session = get_session()
    assignment = assignments.get(session, assignment_id, g.user)
    audit.record(session, g.user, "read", "assignment", [assignment.patient_id], "api")
    session.commit()
    link = assignments.opaque_link(site_root(), assignment.language, assignment.items)
    return Response(assignments.qr_svg(link), mimetype="image/svg+xml")


@api.post("/public/codes")
def open_code():
    """Public: the pages behind a code (no patient data); the open is recorded as a read receipt.

    The code travels in the body, never the URL, so no access log or proxy log keeps it."""
    data = parse(CodeInput, json_body())
    session = get_session()
    assignment = assignments.open_code(session, data.code)
    audit.record(session, None, "read", "code_opened", [assignment.patient_id], "public")
    session.commit()
    root = site_root()
    items = assignments.items_of(library(), assignment)
    return {"code": assignment.code, "language": assignment.language,
            "items": [{"ref": i.ref, "title": i.title, "path": i.path} for i in items],
            "link": assignments.opaque_link(root, assignment.language, assignment.items),
            "expires_at": assignment.expires_at.isoformat() + "Z"}


def _openapi() -> dict:
    schemas: dict = {}
    ref = {"$ref": "#/components/schemas/Assignment"}
    schemas["Assignment"] = {"type": "object", "required": [
        "id", "language", "items", "code", "link", "named_link", "code_page", "message", "named_message",
        "expires_at", "created_at", "opened"],
        "properties": {
            "id": {"type": "string"}, "language": {"type": "string"},
            "items": {"type": "array", "items": {"type": "object", "required": ["ref", "title", "url"], "properties": {
                "ref": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"}}}},
            "code": {"type": "string", "pattern": "^[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3}$"},
            "link": {"type": "string", "description": "Reading-list link that names no topic (decoded in the "
                                                      "browser; no API needed; hides topics, not a secret)"},
            "named_link": {"type": "string", "description": "Link naming the pages: shows them on a lock "
                                                            "screen, so send it only when the patient wants it"},
            "code_page": {"type": "string"},
            "message": {"type": "string", "description": "SMS text naming no topic (opaque link, or code)"},
            "named_message": {"type": "string", "description": "SMS text with the named link (explicit choice)"},
            "expires_at": {"type": "string"}, "created_at": {"type": "string"},
            "opened": {"type": "array", "items": {"type": "string"}, "description": "Read receipts"}}}
    schemas["OpenedCode"] = {"type": "object", "required": ["code", "language", "items", "link", "expires_at"],
                             "properties": {
        "code": {"type": "string"}, "language": {"type": "string"}, "link": {"type": "string"},
        "expires_at": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "required": ["ref", "title", "path"], "properties": {
            "ref": {"type": "string"}, "title": {"type": "string"},
            "path": {"type": "string", "description": "Relative to the site's base URL"}}}}}}
    pid = [path_param("patient_id", "The patient's opaque id (pt_...)")]
    return {"schemas": schemas, "paths": {
        "/patients/{patient_id}/assignments": {
            "post": operation("Assign pages: code, static link, SMS message", "assignments",
                              operation_id="assignReading", parameters=pid + [IDEMPOTENCY],
                              body=model_schema(AssignmentInput, schemas),
                              responses={"201": json_response("The assignment", ref)}),
            "get": operation("A patient's assignments, newest first", "assignments", operation_id="listAssignments",
                             parameters=pid + PAGE_PARAMS, responses={"200": json_response("A page", page_of(ref))})},
        "/assignments/{assignment_id}/qr.svg": {"get": operation(
            "QR code of the static link, for print", "assignments", operation_id="assignmentQr",
            parameters=[path_param("assignment_id", "The assignment's id (as_...)")],
            responses={"200": json_response("SVG image", {"type": "string"}, "image/svg+xml")})},
        "/public/codes": {"post": operation(
            "Open a code (no token; rate-limited; the code in the body, never the URL); records a read receipt",
            "public", auth=False, operation_id="openCode", body=model_schema(CodeInput, schemas),
            responses={"200": json_response("The pages", {"$ref": "#/components/schemas/OpenedCode"})})},
    }}


register(_openapi())
