"""CDS Hooks 2.0: discovery and the patient-view service, trusted only with a registered EHR's signed JWT.

Prefetch data is built with fhir.resources (R4B); the EHR's keys are made in the test."""
from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.patient import Patient

from ehr_helpers import declare_codes
from portal import create_app

EHR = "https://ehr.example.org"
BASE = "http://localhost/cds-services"
SERVICE = BASE + "/patient-education"
SNOMED, ICD10, RXNORM = ("http://snomed.info/sct", "http://hl7.org/fhir/sid/icd-10-cm",
                         "http://www.nlm.nih.gov/research/umls/rxnorm")


@pytest.fixture(scope="module")
def keys():
    return {"rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "ec": ec.generate_private_key(ec.SECP384R1()), "stranger": ec.generate_private_key(ec.SECP384R1())}


def public_jwk(private_key, kid: str) -> dict:
    algorithm = jwt.algorithms.RSAAlgorithm if isinstance(private_key, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm
    return {**algorithm.to_jwk(private_key.public_key(), as_dict=True), "kid": kid}


@pytest.fixture
def client(content_dir, tmp_path, keys):
    declare_codes(content_dir)
    issuers = tmp_path / "cds-issuers.json"
    issuers.write_text(json.dumps({EHR: {"keys": [public_jwk(keys["rsa"], "rsa-1"), public_jwk(keys["ec"], "ec-1")]}}))
    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CDS_ISSUERS": str(issuers),
                      "PORTAL_CLINIC_NAME": "Riverside Clinic"})
    return app.test_client()


def token(keys, audience=SERVICE, key="ec", issuer=EHR, lifetime=300, **changes) -> str:
    now = int(time.time())
    claims = {"iss": issuer, "sub": "ehr-client", "aud": audience, "iat": now, "exp": now + lifetime,
              "jti": str(uuid.uuid4()), **changes}
    claims = {k: v for k, v in claims.items() if v is not None}
    algorithm, kid = ("RS384", "rsa-1") if key == "rsa" else ("ES384", "ec-1")
    return jwt.encode(claims, keys[key], algorithm=algorithm, headers={"kid": kid})


def bearer(value: str) -> dict:
    return {"Authorization": f"Bearer {value}"}


def searchset(*resources) -> dict:
    bundle = Bundle.model_validate({"resourceType": "Bundle", "type": "searchset",
                                    "entry": [{"resource": r.model_dump(mode="json")} for r in resources]})
    return bundle.model_dump(mode="json")


def condition(coding: dict | None, text: str | None = None, status: str = "active") -> Condition:
    code = {"coding": [coding]} if coding else {}
    if text:
        code["text"] = text
    return Condition.model_validate({
        "resourceType": "Condition", "subject": {"reference": "Patient/123"}, "code": code,
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                       "code": status}]}})


def medication(coding: dict | None, text: str) -> MedicationRequest:
    concept = {"text": text, **({"coding": [coding]} if coding else {})}
    return MedicationRequest.model_validate({
        "resourceType": "MedicationRequest", "status": "active", "intent": "order",
        "subject": {"reference": "Patient/123"}, "medicationCodeableConcept": concept})


def hook_request(language: str | None = "es", **prefetch) -> dict:
    patient = {"resourceType": "Patient", "id": "123"}
    if language:
        patient["communication"] = [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": language}]},
                                     "preferred": True}]
    prefetch = {"patient": Patient.model_validate(patient).model_dump(mode="json"), **prefetch}
    return {"hookInstance": str(uuid.uuid4()), "hook": "patient-view",
            "context": {"userId": "Practitioner/9", "patientId": "123"}, "prefetch": prefetch}


def test_discovery_lists_the_patient_view_service_with_its_prefetch(client, keys):
    response = client.get("/cds-services", headers=bearer(token(keys, audience=BASE)))
    assert response.status_code == 200
    [service] = response.get_json()["services"]
    assert service["hook"] == "patient-view" and service["id"] == "patient-education"
    assert service["prefetch"]["conditions"] == "Condition?patient={{context.patientId}}"
    assert set(service["prefetch"]) == {"patient", "conditions", "medications"}


def test_cards_link_the_guides_and_sheets_in_the_patients_language(client, keys):
    body = hook_request(
        "es-MX",
        conditions=searchset(condition({"system": SNOMED, "code": "38341003", "display": "Hypertensive disorder"}),
                             condition({"system": ICD10, "code": "I50.9"}),
                             condition(None, text="Fall prevention"),
                             condition({"system": SNOMED, "code": "195967001", "display": "Asthma"}, status="resolved")),
        medications=searchset(medication({"system": RXNORM, "code": "206765"}, "Prinivil 10 MG Oral Tablet"),
                              medication({"system": RXNORM, "code": "999999"}, "Zestril 20 mg tablet")))
    response = client.post("/cds-services/patient-education", json=body, headers=bearer(token(keys, key="rsa")))
    assert response.status_code == 200, response.get_data(as_text=True)
    cards = response.get_json()["cards"]
    assert [card["summary"] for card in cards] == ["Patient education: High blood pressure",
                                                   "Patient education: Heart failure",
                                                   "Patient education: Preventing falls",
                                                   "Patient education: Lisinopril"]
    assert all(card["source"]["label"] == "Riverside Clinic" and card["indicator"] == "info" for card in cards)
    links = [card["links"][0] for card in cards]
    assert links[0] == {"label": "Presión arterial alta (Spanish)", "url": "http://localhost/es/conditions/high-blood-pressure/",
                        "type": "absolute"}
    assert links[2]["url"] == "http://localhost/es/topics/preventing-falls/"
    assert "this is the English page" in cards[2]["detail"]  # the topic has no Spanish text yet
    assert all(len(card["summary"]) < 140 and uuid.UUID(card["uuid"]) for card in cards)


def test_without_a_language_the_cards_are_english_and_nothing_matching_means_no_cards(client, keys):
    body = hook_request(None, conditions=searchset(condition({"system": ICD10, "code": "I10"})))
    cards = client.post("/cds-services/patient-education", json=body, headers=bearer(token(keys))).get_json()["cards"]
    assert [card["links"][0]["url"] for card in cards] == ["http://localhost/en/conditions/high-blood-pressure/"]
    nothing = hook_request(conditions=searchset(condition({"system": "http://loinc.org", "code": "1234-5"})),
                           medications=searchset())
    assert client.post("/cds-services/patient-education", json=nothing,
                       headers=bearer(token(keys))).get_json() == {"cards": []}


def test_the_service_stores_and_logs_nothing_of_the_prefetch(client, keys, caplog):
    from sqlalchemy import event

    statements = []
    engine = client.application.extensions["portal.db"].engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    body = hook_request(conditions=searchset(condition({"system": ICD10, "code": "I10"}, text="Secret-Name-XYZ")))
    with caplog.at_level("DEBUG"):
        assert client.post("/cds-services/patient-education", json=body, headers=bearer(token(keys))).status_code == 200
    assert "Secret-Name-XYZ" not in caplog.text
    assert statements == []  # not one database statement: no patient, no audit row, nothing kept


@pytest.mark.parametrize("body, status", [
    ({"hook": "order-select", "hookInstance": "x", "context": {}, "prefetch": {"conditions": {}}}, 400),
    ({"hook": "patient-view"}, 400),
    ({"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "1"}}, 412),
    ([1, 2], 400),
])
def test_requests_it_cannot_answer_are_problems(client, keys, body, status):
    response = client.post("/cds-services/patient-education", json=body, headers=bearer(token(keys)))
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"]


def test_an_unknown_service_is_a_404_problem(client, keys):
    response = client.post("/cds-services/other", json=hook_request(), headers=bearer(token(keys, audience=BASE + "/other")))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


ROUTES = [("GET", "/cds-services"), ("POST", "/cds-services/patient-education")]


def bad_tokens(keys, audience):
    """(name, Authorization header value) for every way a call must be refused."""
    good = dict(keys=keys, audience=audience)
    return [
        ("none", None), ("not bearer", "Basic abc"), ("not a jwt", "Bearer not.a.jwt"),
        ("unsigned", "Bearer " + jwt.encode({"iss": EHR, "sub": "x", "aud": audience, "exp": int(time.time()) + 60,
                                             "iat": int(time.time()), "jti": "u"}, None, algorithm="none")),
        ("HS256", "Bearer " + jwt.encode({"iss": EHR, "sub": "x", "aud": audience, "exp": int(time.time()) + 60,
                                          "iat": int(time.time()), "jti": "h"}, "secret" * 6, algorithm="HS256")),
        ("expired", "Bearer " + token(**good, lifetime=-120)),
        ("wrong issuer", "Bearer " + token(**good, issuer="https://other-ehr.example.org")),
        ("wrong audience", "Bearer " + token(keys, audience="https://elsewhere.example.org/cds-services")),
        ("unregistered key", "Bearer " + jwt.encode(
            {"iss": EHR, "sub": "x", "aud": audience, "exp": int(time.time()) + 60, "iat": int(time.time()),
             "jti": "s"}, keys["stranger"], algorithm="ES384", headers={"kid": "ec-1"})),
        ("no jti", "Bearer " + token(**good, jti=None)),
        ("no iat", "Bearer " + token(**good, iat=None)),
    ]


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_route_refuses_calls_without_a_valid_token_from_a_registered_ehr(client, keys, method, path):
    audience = "http://localhost" + path
    for name, header in bad_tokens(keys, audience):
        response = client.open(path, method=method, json=hook_request(conditions=searchset()),
                               headers={"Authorization": header} if header else {})
        assert response.status_code == 401, name
        assert response.mimetype == "application/problem+json" and response.get_json()["detail"], name


@pytest.mark.parametrize("method, path", ROUTES)
def test_a_token_is_accepted_once(client, keys, method, path):
    once = bearer(token(keys, audience="http://localhost" + path))
    body = hook_request(conditions=searchset())
    assert client.open(path, method=method, json=body, headers=once).status_code == 200
    replay = client.open(path, method=method, json=body, headers=once)
    assert replay.status_code == 401 and "used already" in replay.get_json()["detail"]


def test_without_registered_issuers_every_call_is_refused(content_dir, keys):
    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    response = client.get("/cds-services", headers=bearer(token(keys, audience=BASE)))
    assert response.status_code == 401 and "not registered" in response.get_json()["detail"]


def test_a_bad_issuers_file_stops_the_portal_with_a_clear_message(content_dir, tmp_path, keys):
    from portal.config import StartupError

    private = tmp_path / "private.json"
    private.write_text(json.dumps({EHR: {"keys": [jwt.algorithms.ECAlgorithm.to_jwk(keys["ec"], as_dict=True)]}}))
    for path, words in ((tmp_path / "missing.json", "cannot read"), (private, "private key")):
        with pytest.raises(StartupError, match=words):
            create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CDS_ISSUERS": str(path)})


def test_a_long_chart_larger_than_an_api_body_is_read(client, keys):
    many = [condition({"system": ICD10, "code": "I10"}, text=f"Hypertension note {n} " + "x" * 200) for n in range(400)]
    body = hook_request(conditions=searchset(*many))
    assert len(json.dumps(body)) > client.application.config["PORTAL_MAX_REQUEST_BYTES"]
    response = client.post("/cds-services/patient-education", json=body, headers=bearer(token(keys)))
    assert response.status_code == 200 and len(response.get_json()["cards"]) == 1
