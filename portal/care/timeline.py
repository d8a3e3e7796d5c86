"""A patient's history: assignments, education records with the goal progress saved with them, and care plans
(amendments of both included), newest first."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.care import assignments, care_plans, education
from portal.content import Library
from portal.db.models import EducationRecord, Patient, User


def describe_records(session: Session, rows: list[EducationRecord]) -> list[dict]:
    """Records as the API shows them, each naming the record it amends and who recorded it."""
    ids = {row.original_id for row in rows if row.original_id} - {row.id for row in rows}
    public = {row.id: row.public_id for row in rows}
    if ids:
        public.update(dict(session.execute(select(EducationRecord.id, EducationRecord.public_id)
                                           .where(EducationRecord.id.in_(ids))).all()))
    users = dict(session.execute(select(User.id, User.email).where(User.id.in_({r.created_by for r in rows}))).all())
    progress = care_plans.progress_of_records(session, [row.id for row in rows])
    return [{**education.describe(row, public.get(row.original_id), users.get(row.created_by)),
             "goal_progress": progress.get(row.id, [])} for row in rows]


def events(session: Session, library: Library, site_root: str, clinic: str, patient: Patient) -> list[dict]:
    """Every assignment, education record and care plan version of the patient, newest first."""
    items = [{"kind": "assignment", "at": a.created_at.isoformat() + "Z",
              "assignment": assignments.describe(library, site_root, clinic, a)}
             for a in assignments.for_patient(session, patient)]
    rows = education.for_patient(session, patient)
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_({r.created_by for r in rows}))).all())
    items += [{"kind": "education", "at": record["created_at"], "education": record,
               "recorded_by_name": names.get(row.created_by)}
              for row, record in zip(rows, describe_records(session, rows))]
    plans = care_plans.for_patient(session, patient)
    names.update(session.execute(select(User.id, User.name).where(User.id.in_({p.created_by for p in plans}))).all())
    items += [{"kind": "care_plan", "at": plan["created_at"], "care_plan": plan,
               "recorded_by_name": names.get(row.created_by)}
              for row, plan in zip(plans, care_plans.describe(session, patient, plans))]
    return sorted(items, key=lambda item: item["at"], reverse=True)
