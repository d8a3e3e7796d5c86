"""Schemathesis over /api/v1/openapi.json with every check: no server error, nothing outside the document.

Generated requests run against the WSGI app on SQLite and PostgreSQL, with a care manager's
token and path ids of a real patient, assignment and education record, so they reach the
handlers (not only the 404s). Schema-valid data (positive) must be accepted and schema-violating
data (negative) refused; a 422 for valid-looking data is allowed only where a rule cannot be said
in JSON Schema (library pages, the portal's languages, cross-field rules, strict integers).
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from api_helpers import education, new_patient
from team_helpers import PLAN_GOAL

# Operations with rules beyond their schema: these may answer schema-valid data with a 422.
SEMANTIC_RULES = ["findOrAddPatient", "lookUpPatient", "updatePatient", "assignReading", "recordEducation",
                  "amendEducation", "ccmMinutes",  # ccmMinutes: ?team= must be one of the caller's teams
                  "createCarePlan", "amendCarePlan",  # a guide's templates; a goal from a template or written out
                  "carePlanCode"]  # the Idempotency-Key must be printable: JSON Schema cannot say it for all Unicode
# Search routes answer a parameter they cannot use (a code of the wrong system, a language the site lacks) with 400.
PARAMETER_RULES = ["search", "lookup", "infobutton"]
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
# Schema-violating data must be refused with one of these: Schemathesis's own list, plus the documented 413 for a
# body over PORTAL_MAX_REQUEST_BYTES (a note of 64,000 characters is refused for its size before its length).
REFUSED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict({
    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED},
               "negative_data_rejection": {"expected-statuses": REFUSED}},
    "operations": [{"include-operation-id": name, "checks": {"positive_data_acceptance": {
        "expected-statuses": ACCEPTED + (["422"] if name in SEMANTIC_RULES else ["400"])}}}
        for name in SEMANTIC_RULES + PARAMETER_RULES] + [
        # Schemathesis takes the token for a generated one when it also generates a header parameter (the
        # Idempotency-Key), and this operation answers nearly all schema-valid data with 201: its "ignored auth"
        # check would fail a route that does refuse a missing or wrong token (test_api_auth, test_team_matrix).
        {"include-operation-id": "carePlanCode", "checks": {"ignored_auth": {"enabled": False}}}]})
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 12}


@pytest.fixture
def real_ids(api, users):
    patient = new_patient(api, users.admin, "MRN-SCHEMA", "en")
    assignment = api.post(f"/api/v1/patients/{patient}/assignments", json={"items": ["condition:heart-failure"]},
                          headers=users.admin).json
    record = api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=users.admin).json
    plan = api.post(f"/api/v1/patients/{patient}/care-plans", json={"goals": [PLAN_GOAL]}, headers=users.admin).json
    return {"patient_id": patient, "assignment_id": assignment["id"], "record_id": record["id"],
            "code": assignment["code"], "plan_id": plan["id"]}


def test_api_matches_its_openapi_document(api_app, users, real_ids):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app, config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            names = [p.name for p in operation.path_parameters]
            # Valid data reaches real records; invalid data keeps its (invalid) generated ids.
            ids = {n: real_ids[n] for n in names if n in real_ids} if mode is GenerationMode.POSITIVE else {}
            strategy = operation.as_strategy(generation_mode=mode, headers=users.admin,
                                             **({"path_parameters": ids} if ids else {}))

            @given(case=strategy)
            @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def run(case):
                case.call_and_validate()

            try:
                run()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to break (no parameters, no body)


def test_openapi_document_is_3_1_and_public(api):
    document = api.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert "/patients/{patient_id}/education-records" in document["paths"]
    body = document["components"]["schemas"]["EducationInput"]
    assert body["properties"]["learner"]["enum"] == ["patient", "caregiver", "family"]


def test_every_operation_documents_its_problem_responses(api):
    document = api.get("/api/v1/openapi.json").json
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "404", "422", "429", "default"} <= codes, (method, path)
            if operation["security"]:
                assert {"401", "403"} <= codes, (method, path)
            if "requestBody" in operation:
                assert {"409", "413", "415"} <= codes, (method, path)
            for code in codes - {"default"}:
                if code[0] in "45":
                    assert "application/problem+json" in operation["responses"][code]["content"], (method, path, code)


def test_another_blueprint_can_add_its_part():
    from portal.api import openapi

    openapi.register({"paths": {"/extra": {"get": openapi.operation("Extra", "extra", {}, operation_id="extra")}},
                      "schemas": {"Extra": {"type": "object"}}})
    try:
        document = openapi.document()
        assert "/extra" in document["paths"] and "Extra" in document["components"]["schemas"]
    finally:
        openapi._PARTS.pop()
