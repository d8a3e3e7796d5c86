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


def test_care_plans_are_careplan_and_goal_resources_with_progress_and_the_procedure_based_on_them(content_dir,
                                                                                                  database_url):
    """A plan amended once, its goals' progress at two calls: CarePlan (as amended), Goals, Provenance, basedOn."""
    from plan_helpers import add_goal_templates, written_goal

    app = make_api_app(add_goal_templates(content_dir), database_url)
    users = add_users(app)
    api = app.test_client()
    patient = new_patient(api, users.nurse, language="es")
    plan = api.post(f"/api/v1/patients/{patient}/care-plans", headers=users.nurse, json={"goals": [
        {"guide": "high-blood-pressure", "template": "walk-more", "target_date": "2027-03-01"},
        {"guide": "heart-failure", "template": "steady-weight"}, written_goal(goal="Dormir mejor")]}).json
    walk, weight, sleep = (goal["id"] for goal in plan["goals"])
    first = api.post(f"/api/v1/patients/{patient}/education-records", headers=users.nurse, json=education(
        goal_progress=[{"goal": walk, "status": "not_met", "barriers": ["time"]}, {"goal": sleep, "status": "met"}])).json
    amended = api.post(f"/api/v1/care-plans/{plan['id']}/amendments", headers=users.admin, json={
        "reason": "Sleep goal reached; weight goal stopped.", "goals": [{"id": walk, "target_date": "2027-05-01"},
                                                                       {"id": weight}]}).json
    api.post(f"/api/v1/patients/{patient}/education-records", headers=users.nurse, json=education(
        goal_progress=[{"goal": walk, "status": "partly_met", "note": "Walks twice a week."},
                       {"goal": weight, "status": "stopped"}]))
    data = fhir_bundle(api, users.nurse, patient)
    validated(data)
    app.extensions["portal.db"].dispose()
    full_urls = [e["fullUrl"] for e in data["entry"]]
    assert len(set(full_urls)) == len(full_urls) and set(references(data["entry"])) <= set(full_urls)
    url_of = {id(e["resource"]): e["fullUrl"] for e in data["entry"]}

    [care_plan] = by_type(data, "CarePlan")  # the plan as amended
    assert care_plan["id"] == amended["id"].replace("_", "-") and care_plan["language"] == "es"
    assert (care_plan["status"], care_plan["intent"]) == ("active", "plan")
    assert care_plan["identifier"][0]["value"] == plan["id"]
    goals = by_type(data, "Goal")
    assert [g["description"]["text"] for g in goals] == ["Caminar más", "Keep my weight steady"]
    assert care_plan["goal"] == [{"reference": url_of[id(g)]} for g in goals]
    steps = [a["detail"]["description"] for a in care_plan["activity"]]
    assert steps == ["Camine casi todos los días.", "Tome sus pastillas todos los días.", "Weigh myself each morning.",
                     "Eat less salt."]
    walking, weighing = goals
    assert walking["achievementStatus"]["coding"][0]["code"] == "improving" and walking["lifecycleStatus"] == "active"
    assert walking["target"] == [{"measure": {"text": "Anote cada día que camina."}, "dueDate": "2027-05-01"}]
    assert [n["text"] for n in walking["note"]][1:] == [f"{first['taught_on']}: not met; barriers: time",
                                                       f"{first['taught_on']}: partly met; Walks twice a week."]
    assert weighing["lifecycleStatus"] == "cancelled" and weighing["language"] == "en"
    assert "achievementStatus" not in weighing and walking["identifier"][0]["value"] == walk != walking["id"]

    [provenance] = [p for p in by_type(data, "Provenance") if p["target"] == [{"reference": url_of[id(care_plan)]}]]
    assert provenance["reason"][0]["text"] == "Sleep goal reached; weight goal stopped."
    assert provenance["entity"][0]["what"]["identifier"]["value"] == plan["id"]
    procedures = by_type(data, "Procedure")
    assert [p.get("basedOn") for p in procedures] == [[{"reference": url_of[id(care_plan)]}]] * 2
