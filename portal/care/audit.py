"""The audit log: every read and write of patient data, who did it, when and through what."""
from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from portal.db import begin_write, write_connection
from portal.db.models import AuditEvent, Patient, User

_INSERT_EVENT = insert(AuditEvent.__table__)  # built once


def record(session: Session, user: User | None, action: str, what: str, patient_ids, channel: str) -> None:
    """Add one event per patient touched (one event with no patient when there was none), in the session's
    transaction: the events are committed with what they record, or not at all."""
    begin_write(session)
    rows = [{"user_id": user.id if user else None, "action": action, "what": what, "patient_id": pid,
             "channel": channel} for pid in list(patient_ids) or [None]]
    write_connection(session).execute(_INSERT_EVENT, rows[0] if len(rows) == 1 else rows)


def events(session: Session, page: int, per_page: int) -> tuple[list[dict], int]:
    """A page of the audit log, newest first, and the total number of events."""
    total = session.scalar(select(func.count(AuditEvent.id)))
    rows = session.execute(
        select(AuditEvent, User.email, Patient.public_id)
        .outerjoin(User, User.id == AuditEvent.user_id).outerjoin(Patient, Patient.id == AuditEvent.patient_id)
        .order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return [{"at": event.at.isoformat() + "Z", "user": email, "action": event.action, "what": event.what,
             "patient_id": public_id, "channel": event.channel} for event, email, public_id in rows], total
