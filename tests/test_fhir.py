"""The FHIR export: a Bundle a receiving EHR can file (Patient, Practitioner, Procedures, Provenance)."""
from __future__ import annotations

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from api_helpers import education, new_patient
from databases import add_users, make_api_app


def fhir_bundle(client, headers, patient):
    response = client.get(f"/api/v1/patients/{patient}/fhir", headers=headers)
    assert response.status_code == 200 and response.content_type == "application/fhir+json"
    return response.json


def validated(data: dict) -> Bundle:
    """The Bundle and every entry validated against fhir.resources' R4B models."""
    bundle = Bundle.model_validate(data)
    for entry in data["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return bundle


def references(value):
    """Every `reference` string anywhere in a resource."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def by_type(data: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_holds_patient_practitioner_procedure_and_provenance_and_every_reference_resolves(api, users):
    patient = new_patient(api, users.nurse, reference="MRN-0042")
    first = api.post(f"/api/v1/patients/{patient}/education-records", headers=users.nurse,
                     json=education(learner="caregiver", interpreter_used=True, interpreter_language="so")).json
    api.post(f"/api/v1/education-records/{first['id']}/amendments", headers=users.nurse,
             json={**education(minutes=25), "reason": "Call lasted 25 minutes."})
    api.post(f"/api/v1/education-records/{first['id']}/amendments", headers=users.admin,
             json={**education(minutes=30), "reason": "Included the follow-up call."})
    data = fhir_bundle(api, users.nurse, patient)
    bundle = validated(data)
    assert bundle.type == "collection" and bundle.timestamp is not None
    assert bundle.identifier.system == "urn:ietf:rfc:3986" and bundle.identifier.value.startswith("urn:uuid:")
    full_urls = [e["fullUrl"] for e in data["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert set(references(data["entry"])) <= set(full_urls)

    [person] = by_type(data, "Patient")
    assert {"value": "MRN-0042", "use": "usual", "type": {"text": "Clinic patient reference"}} in person["identifier"]
    assert any(i["value"] == patient and i["system"].endswith("/fhir/sid/patient") for i in person["identifier"])
    practitioners = by_type(data, "Practitioner")
    assert sorted(p["name"][0]["text"] for p in practitioners) == ["Ada Admin", "Nora Nurse"]

    [procedure] = by_type(data, "Procedure")  # the amendments replace the original
    assert "Minutes: 30 (clinical staff, toward CCM)" in [n["text"] for n in procedure["note"]]
    admin_url = next(e["fullUrl"] for e in data["entry"] if e["resource"].get("name") == [{"text": "Ada Admin"}])
    assert procedure["recorder"]["reference"] == admin_url == procedure["performer"][0]["actor"]["reference"]
    assert procedure["subject"]["reference"] == data["entry"][0]["fullUrl"]
    assert procedure["code"]["coding"][0]["code"] == "311401005"
    assert procedure["outcome"]["text"] == "Heart failure: verbalizes understanding"

    provenances = by_type(data, "Provenance")
    procedure_url = next(e["fullUrl"] for e in data["entry"] if e["resource"] is procedure)
    assert [p["reason"][0]["text"] for p in provenances] == ["Call lasted 25 minutes.", "Included the follow-up call."]
    assert all(p["target"] == [{"reference": procedure_url}] for p in provenances)
    assert all(p["entity"][0]["what"]["identifier"]["value"] == first["id"] for p in provenances)
    nurse_url = next(e["fullUrl"] for e in data["entry"] if e["resource"].get("name") == [{"text": "Nora Nurse"}])
    assert [p["agent"][0]["who"]["reference"] for p in provenances] == [nurse_url, admin_url]


def test_learner_is_coded_and_a_record_without_amendments_has_no_provenance(api, users):
    patient = new_patient(api, users.nurse)
    api.post(f"/api/v1/patients/{patient}/education-records", headers=users.nurse,
             json=education(learner="family"))
    data = fhir_bundle(api, users.nurse, patient)
    validated(data)
    [procedure] = by_type(data, "Procedure")
    learner = procedure["extension"][0]["valueCodeableConcept"]["coding"][0]
    assert (learner["system"], learner["code"]) == ("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "FAMMEMB")
    assert by_type(data, "Provenance") == []


def exported_patient(content_dir, database_url, reference: str, **settings) -> tuple[str, dict]:
    """The Patient resource of the validated export of a new patient with one record, under these settings."""
    app = make_api_app(content_dir, database_url, **settings)
    headers = add_users(app).nurse
    client = app.test_client()
    patient = new_patient(client, headers, reference=reference)
    client.post(f"/api/v1/patients/{patient}/education-records", headers=headers, json=education())
    data = fhir_bundle(client, headers, patient)
    validated(data)
    app.extensions["portal.db"].dispose()
    assert reference not in str(data) or not settings.get("PORTAL_PATIENT_KEY")
    [person] = by_type(data, "Patient")
    return patient, person


def test_patient_identifier_uses_the_configured_system(content_dir, database_url):
    _, person = exported_patient(content_dir, database_url, "MRN-9",
                                 PORTAL_PATIENT_IDENTIFIER_SYSTEM="urn:oid:2.16.840.1.113883.3.7")
    assert person["identifier"][0]["system"] == "urn:oid:2.16.840.1.113883.3.7"
    assert person["identifier"][0]["value"] == "MRN-9"


def test_a_hashed_reference_is_never_sent_and_the_bundle_says_so(content_dir, database_url):
    patient, person = exported_patient(content_dir, database_url, "MRN-77", PORTAL_PATIENT_KEY="k" * 32)
    assert [i["value"] for i in person["identifier"]] == [patient]
    assert person["meta"]["tag"][0]["code"] == "reference-hashed"
