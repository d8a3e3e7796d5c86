"""A patient's education records (and care plans: portal.care.fhir_plans) as a FHIR R4 Bundle a receiving
system can file.

The collection Bundle (with its own identifier and timestamp) holds:
- the Patient, identified by the clinic's reference under the clinic's identifier system
  (PORTAL_PATIENT_IDENTIFIER_SYSTEM) when the reference is stored as written; when it is stored
  hashed the portal cannot give it back, so only the portal's opaque id is sent (under the
  portal's own system), and the Patient says so in `meta.tag`;
- one Practitioner for every care manager who recorded or amended a record: name and an
  identifier in the portal's user system (no NPI: the portal does not hold one yet);
- one Procedure per current record (amendments replace what they correct): category and code
  SNOMED CT 311401005 "Patient education", the topics as text, the care manager as performer and
  recorder, the learner as a coded extension, the evaluations as the outcome;
- one Provenance per amendment: the amended Procedure as target, when and by whom, and why.

Codes: SNOMED CT 311401005 (patient education); the learner in HL7 v3 RoleClass (PAT, CAREGIVER)
and RoleCode (FAMMEMB); the Provenance activity in HL7 v3-DataOperation (UPDATE). The teaching
methods (verbal, handout, demonstration, video, teach-back) and the evaluations (verbalizes or
demonstrates understanding ...) have no standard code the portal could confirm: they are sent as text.
Every reference is the `fullUrl` (urn:uuid) of an entry of the same Bundle.
"""
from __future__ import annotations

import datetime as dt
import uuid

from portal.care import programs
from portal.care.education import current_versions
from portal.care.items import resolve
from portal.content import Library
from portal.db.models import EducationRecord, Patient, User

SNOMED = "http://snomed.info/sct"
EDUCATION = {"system": SNOMED, "code": "311401005", "display": "Patient education"}
ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
LEARNERS = {"patient": {"system": ROLE_CLASS, "code": "PAT", "display": "patient"},
            "caregiver": {"system": ROLE_CLASS, "code": "CAREGIVER", "display": "caregiver"},
            "family": {"system": ROLE_CODE, "code": "FAMMEMB", "display": "family member"}}
UPDATE = {"system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation", "code": "UPDATE", "display": "revise"}
EVALUATION_WORDS = {"verbalizes_understanding": "verbalizes understanding",
                    "demonstrates_understanding": "demonstrates understanding",
                    "needs_reinforcement": "needs reinforcement", "no_evidence_of_learning": "no evidence of learning",
                    "refused_teaching": "refused teaching"}


def _urn(*parts: str) -> str:
    """A stable urn:uuid for a thing of the portal (the same record gives the same fullUrl every time)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def _ref(url: str) -> dict:
    return {"reference": url}


class Systems:
    """The identifier systems the Bundle uses: the clinic's for its reference, the portal's for its own ids."""

    def __init__(self, portal_base: str, patient_system: str = ""):
        self.base = portal_base.rstrip("/") + "/fhir"
        self.patient_reference = patient_system
        self.patient = self.base + "/sid/patient"
        self.user = self.base + "/sid/user"
        self.record = self.base + "/sid/education-record"
        self.learner = self.base + "/StructureDefinition/learner"


def patient_resource(patient: Patient, systems: Systems) -> dict:
    """The Patient: the clinic's reference when it is stored as written, always the portal's opaque id."""
    identifiers = []
    resource = {"resourceType": "Patient", "id": patient.public_id.replace("_", "-")}
    if patient.hashed:
        resource["meta"] = {"tag": [{"system": systems.base + "/tag", "code": "reference-hashed",
                                     "display": "The clinic's reference is stored hashed and cannot be sent; "
                                                "match on the portal id"}]}
    else:
        identifier = {"use": "usual", "type": {"text": "Clinic patient reference"}, "value": patient.reference}
        if systems.patient_reference:
            identifier["system"] = systems.patient_reference
        identifiers.append(identifier)
    identifiers.append({"use": "secondary", "system": systems.patient, "value": patient.public_id})
    resource["identifier"] = identifiers
    resource["communication"] = [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": patient.language}]},
                                  "preferred": True}]
    return resource


def practitioner(user: User, systems: Systems) -> dict:
    """A care manager: the name and the portal's id for them (an NPI is not held by the portal)."""
    return {"resourceType": "Practitioner", "id": f"user-{user.id}", "active": user.active,
            "identifier": [{"system": systems.user, "value": str(user.id)}],
            "name": [{"text": user.name}], "telecom": [{"system": "email", "value": user.email, "use": "work"}]}


def procedure(library: Library, row: EducationRecord, patient_url: str, user_url: str, systems: Systems) -> dict:
    titles = [(item.title if (item := resolve(library, t, "en")) else t) for t in row.topics]
    by_topic = dict(zip(row.topics, titles))
    notes = [f"Readiness: {row.readiness.replace('_', ' ')}; barriers: {', '.join(row.barriers)}",
             "Methods: " + ", ".join(m.replace("_", "-") for m in row.methods),
             f"Minutes: {row.minutes} ({row.minutes_by.replace('_', ' ')}, "
             f"toward {programs.PROGRAMS[row.program].name})"]
    if row.interpreter_used:
        notes.append(f"Interpreter used ({row.interpreter_language})")
    if row.note:
        notes.append(row.note)
    if row.amendment_reason:
        notes.append(f"Amended: {row.amendment_reason}")
    learner = LEARNERS[row.learner]
    return {"resourceType": "Procedure", "id": row.public_id.replace("_", "-"),
            "identifier": [{"system": systems.record, "value": row.public_id}], "status": "completed",
            "extension": [{"url": systems.learner,
                           "valueCodeableConcept": {"coding": [learner], "text": row.learner}}],
            "category": {"coding": [EDUCATION], "text": "Patient education"},
            "code": {"coding": [EDUCATION], "text": "Patient education: " + ", ".join(titles)},
            "subject": _ref(patient_url), "performedDateTime": row.taught_on.isoformat(),
            "recorder": _ref(user_url), "performer": [{"actor": _ref(user_url)}],
            "outcome": {"text": "; ".join(f"{by_topic.get(e['topic'], e['topic'])}: "
                                          f"{EVALUATION_WORDS.get(e['evaluation'], e['evaluation'])}"
                                          for e in row.evaluations)},
            "note": [{"text": text} for text in notes]}


def provenance(amendment: EducationRecord, target_url: str, user_url: str, original_id: str,
               systems: Systems, system: str | None = None) -> dict:
    """Who amended a record (or a care plan: `system` names its ids), when and why; the target is the
    Procedure (the CarePlan) as it now stands."""
    system = system or systems.record
    return {"resourceType": "Provenance", "id": "amendment-" + amendment.public_id.replace("_", "-"),
            "target": [_ref(target_url)], "recorded": _instant(amendment.created_at),
            "activity": {"coding": [UPDATE]}, "reason": [{"text": amendment.amendment_reason or ""}],
            "agent": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                                            "code": "author", "display": "Author"}]},
                       "who": _ref(user_url)}],
            "entity": [{"role": "revision", "what": {"identifier": {"system": system, "value": original_id}}},
                       {"role": "source", "what": {"identifier": {"system": system, "value": amendment.public_id}}}]}


def _instant(moment: dt.datetime) -> str:
    """A FHIR instant: stored times are UTC without a zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def bundle(library: Library, patient: Patient, records: list[EducationRecord], users: dict[int, User],
           systems: Systems, plans: list | None = None, progress: dict | None = None) -> dict:
    """A collection Bundle: Patient, Practitioners, one Procedure per current record, one Provenance per amendment;
    with `plans` (every version of the patient's care plans) and their goals' `progress`, the CarePlans and
    Goals of portal.care.fhir_plans."""
    from portal.care.fhir_plans import plan_entries

    plans = plans or []
    patient_url = _urn(systems.patient, patient.public_id)
    entries = [(patient_url, patient_resource(patient, systems))]
    user_urls = {}
    for row in [*records, *plans]:
        user = users[row.created_by]
        if user.id not in user_urls:
            user_urls[user.id] = _urn(systems.user, str(user.id))
            entries.append((user_urls[user.id], practitioner(user, systems)))
    by_id = {row.id: row for row in records}
    current = current_versions(records)
    plan_part, based_on = plan_entries(current_versions(plans), plans, progress or {}, patient_url, user_urls, systems)
    procedure_urls = {}
    for row in current:
        procedure_urls[row.original_id or row.id] = url = _urn(systems.record, row.public_id)
        resource = procedure(library, row, patient_url, user_urls[row.created_by], systems)
        if row.public_id in based_on:
            resource["basedOn"] = [_ref(based_on[row.public_id])]
        entries.append((url, resource))
    for row in records:
        if row.original_id is not None:
            original = by_id.get(row.original_id)
            entries.append((_urn(systems.record, row.public_id, "provenance"),
                            provenance(row, procedure_urls[row.original_id], user_urls[row.created_by],
                                       original.public_id if original else "", systems)))
    entries += plan_part
    now = dt.datetime.now(dt.timezone.utc)
    return {"resourceType": "Bundle", "id": str(uuid.uuid4()),
            "identifier": {"system": "urn:ietf:rfc:3986", "value": "urn:uuid:" + str(uuid.uuid4())},
            "type": "collection", "timestamp": _instant(now),
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries]}


def patient_bundle(session, library: Library, patient: Patient, base_url: str, identifier_system: str) -> dict:
    """The Bundle of a patient's education records and care plans, with the users who wrote them (API and console)."""
    from sqlalchemy import select

    from portal.care import care_plans, education

    records = education.for_patient(session, patient)
    plans = care_plans.for_patient(session, patient)
    users = {user.id: user for user in session.scalars(select(User).where(
        User.id.in_({r.created_by for r in records} | {p.created_by for p in plans})))}
    return bundle(library, patient, records, users, Systems(base_url, identifier_system), plans,
                  care_plans.progress_by_goal(session, patient) if plans else {})
