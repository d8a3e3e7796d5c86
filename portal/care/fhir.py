"""A patient's education records as a FHIR R4 Bundle of Procedure resources.

Each current record (amendments replace what they correct) is one Procedure with category
SNOMED CT 311401005 "Patient education", the topics as `code` text, the learner, methods,
evaluations and minutes as notes, and the date as `performedDateTime`. The patient is named only
by the portal's opaque id.
"""
from __future__ import annotations

from portal.care.education import current_versions
from portal.care.items import resolve
from portal.content import Library
from portal.db.models import EducationRecord, Patient

SNOMED = "http://snomed.info/sct"
EDUCATION = {"system": SNOMED, "code": "311401005", "display": "Patient education"}


def procedure(library: Library, patient: Patient, row: EducationRecord) -> dict:
    titles = [(item.title if (item := resolve(library, t, "en")) else t) for t in row.topics]
    notes = [f"Learner: {row.learner}; readiness: {row.readiness}; barriers: {', '.join(row.barriers)}",
             f"Methods: {', '.join(row.methods)}",
             "Evaluation: " + "; ".join(f"{e['topic']}: {e['evaluation']}" for e in row.evaluations),
             f"Minutes: {row.minutes} ({row.minutes_by})"]
    if row.interpreter_used:
        notes.append(f"Interpreter used ({row.interpreter_language})")
    if row.note:
        notes.append(row.note)
    if row.amendment_reason:
        notes.append(f"Amended: {row.amendment_reason}")
    return {"resourceType": "Procedure", "id": row.public_id.replace("_", "-"), "status": "completed",
            "category": {"coding": [EDUCATION], "text": "Patient education"},
            "code": {"coding": [EDUCATION], "text": "Patient education: " + ", ".join(titles)},
            "subject": {"reference": f"Patient/{patient.public_id.replace('_', '-')}"},
            "performedDateTime": row.taught_on.isoformat(),
            "note": [{"text": text} for text in notes]}


def bundle(library: Library, patient: Patient, records: list[EducationRecord]) -> dict:
    """A collection Bundle of one Procedure per current education record."""
    entries = [procedure(library, patient, row) for row in current_versions(records)]
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"urn:uuid:{_uuid(e['id'])}", "resource": e} for e in entries]}


def _uuid(text: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, text))
