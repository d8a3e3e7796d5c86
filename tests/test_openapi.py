"""Schemathesis over /api/v1/openapi.json: no server error and no response outside the schema.

Generated requests run against the WSGI app on SQLite and PostgreSQL, with a care manager's
token and path ids of a real patient, assignment and education record, so they reach the
handlers (not only the 404s).
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from api_helpers import education, new_patient

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def real_ids(api, users):
    patient = new_patient(api, users.admin, "MRN-SCHEMA", "en")
    assignment = api.post(f"/api/v1/patients/{patient}/assignments", json={"items": ["condition:heart-failure"]},
                          headers=users.admin).json
    record = api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=users.admin).json
    return {"patient_id": patient, "assignment_id": assignment["id"], "record_id": record["id"],
            "code": assignment["code"]}


def test_api_matches_its_openapi_document(api_app, users, real_ids):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            for name in list(case.path_parameters or {}):
                if name in real_ids:
                    case.path_parameters[name] = real_ids[name]
            case.call_and_validate(headers=users.admin, checks=CHECKS)

        run()


def test_openapi_document_is_3_1_and_public(api):
    document = api.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert "/patients/{patient_id}/education-records" in document["paths"]
    body = document["components"]["schemas"]["EducationInput"]
    assert body["properties"]["learner"]["enum"] == ["patient", "caregiver", "family"]


def test_another_blueprint_can_add_its_part():
    from portal.api import openapi

    openapi.register({"paths": {"/extra": {"get": openapi.operation("Extra", "extra", {}, operation_id="extra")}},
                      "schemas": {"Extra": {"type": "object"}}})
    try:
        document = openapi.document()
        assert "/extra" in document["paths"] and "Extra" in document["components"]["schemas"]
    finally:
        openapi._PARTS.pop()
