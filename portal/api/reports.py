"""Report routes: monthly minutes per care-management program (JSON or CSV), the audit log (admins), and
who am I."""
from __future__ import annotations

from flask import Response, g, request

from portal.api import api, page_args, paginated
from portal.api.auth import require_token
from portal.api.openapi import PAGE_PARAMS, json_response, operation, page_of, register
from portal.care import audit, programs, reports
from portal.care.errors import invalid
from portal.db import get_session


@api.get("/reports/ccm-minutes")
@require_token()
def ccm_minutes():
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise invalid("format", "write json or csv")
    session = get_session()
    report = reports.care_minutes(session, request.args.get("month"), g.user, request.args.get("team"))
    audit.record(session, g.user, "read", "ccm_report", [line.pop("_id") for line in report["patients"]], "api")
    session.commit()
    if fmt == "csv":
        return Response(reports.as_csv(report), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{reports.csv_filename(report)}"'})
    return report


@api.get("/audit")
@require_token("admin")
def audit_log():
    page, per_page = page_args()
    session = get_session()
    items, total = audit.events(session, page, per_page)
    audit.record(session, g.user, "read", "audit_log", [], "api")
    session.commit()
    return paginated(items, page, per_page, total)


@api.get("/me")
@require_token()
def me():
    return {"email": g.user.email, "name": g.user.name, "role": g.user.role,
            "billing_practitioner": g.user.billing_practitioner}


def _openapi() -> dict:
    code = {"type": "object", "required": ["code", "units"], "properties": {
        "code": {"enum": programs.CODES}, "units": {"type": "integer", "minimum": 1}}}
    schemas = {"CcmReport": {"type": "object", "required": ["month", "team", "patients"], "properties": {
        "month": {"type": "string"}, "team": {"type": ["string", "null"], "description": "The team asked for"},
        "patients": {"type": "array", "description": "One line per patient and program", "items": {
            "type": "object", "required": [
                "patient_id", "reference", "program", "clinical_staff_minutes", "practitioner_minutes", "records",
                "codes", "codes_also_need"],
            "properties": {"patient_id": {"type": "string"}, "reference": {"type": ["string", "null"]},
                           "program": {"enum": list(programs.KEYS)},
                           "clinical_staff_minutes": {"type": "integer"}, "practitioner_minutes": {"type": "integer"},
                           "records": {"type": "integer"}, "codes": {"type": "array", "items": code},
                           "codes_also_need": {"type": ["string", "null"], "description": (
                               "What the codes need besides minutes (complex CCM: medical decision making)")}}}}}},
        "AuditEvent": {"type": "object", "required": ["at", "user", "action", "what", "patient_id", "channel"],
                       "properties": {"at": {"type": "string"}, "user": {"type": ["string", "null"]},
                                      "action": {"enum": ["read", "write"]}, "what": {"type": "string"},
                                      "patient_id": {"type": ["string", "null"]}, "channel": {"type": "string"}}}}
    month = [{"name": "month", "in": "query", "required": True, "schema": {"type": "string", "pattern": reports.MONTH_PATTERN},
              "example": "2026-11"},
             {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"], "default": "json"}},
             {"name": "team", "in": "query", "description": "Only this team's patients (a slug of one of your teams)",
              "schema": {"type": "string", "maxLength": 60}}]
    return {"schemas": schemas, "paths": {
        "/reports/ccm-minutes": {"get": operation(
            "Each patient's minutes in a month toward each care-management program (CCM, complex CCM, PCM, BHI) "
            "and the codes they reach (the patients of your teams; admins: all)", "reports", operation_id="ccmMinutes",
            parameters=month, responses={"200": {"description": "The report", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CcmReport"}},
                "text/csv": {"schema": {"type": "string"}}}}})},
        "/audit": {"get": operation("The audit log, newest first (admins only)", "admin", operation_id="auditLog",
                                    parameters=PAGE_PARAMS, responses={"200": json_response(
                                        "A page", page_of({"$ref": "#/components/schemas/AuditEvent"}))})},
        "/me": {"get": operation("The user this token belongs to", "admin", operation_id="me", responses={
            "200": json_response("The user", {"type": "object", "required": ["email", "name", "role",
                                                                           "billing_practitioner"], "properties": {
                "email": {"type": "string"}, "name": {"type": "string"}, "role": {"enum": ["care_manager", "admin"]},
                "billing_practitioner": {"type": "boolean", "description": (
                    "May record minutes_by=billing_practitioner")}}})})},
        "/openapi.json": {"get": operation("This document", "admin", auth=False, operation_id="openapi",
                                           responses={"200": json_response("OpenAPI 3.1", {"type": "object"})})},
    }}


register(_openapi())
