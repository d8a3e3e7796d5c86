"""Patients: the clinic's opaque reference (kept as a keyed hash when a key is set) and a language.

Outside the database a patient is known only by `public_id`, a random id that carries no
patient data, so it can appear in URLs and logs. A user reaches only the patients of their
teams (portal.care.teams); every function here that returns a patient checks it.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import Row, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.care import teams
from portal.care.errors import invalid, not_found
from portal.db import begin_write
from portal.db.models import Patient, User


def public_id(prefix: str) -> str:
    """A random, unguessable id like pt_4fJk9... (no patient data in it)."""
    return f"{prefix}_{secrets.token_urlsafe(12)}"


def stored_reference(reference: str, key: str) -> str:
    """What the database keeps of a reference: itself, or its HMAC-SHA256 under `key`."""
    reference = reference.strip()
    if not key:
        return reference
    return "hmac-sha256:" + hmac.new(key.encode(), reference.encode(), hashlib.sha256).hexdigest()


def check_language(language: str, languages) -> str:
    if language not in languages:
        raise invalid("language", f"'{language}' is not a language of this portal; use one of {', '.join(languages)}")
    return language


def find(session: Session, reference: str, key: str) -> Patient | None:
    return session.scalar(select(Patient).where(Patient.reference == stored_reference(reference, key)))


def look_up(session: Session, reference: str, key: str, user: User) -> Patient:
    """The patient with this reference in the user's teams; unknown and hidden look the same (404)."""
    patient = find(session, reference, key)
    if patient is None or not teams.can_see(session, user, patient.id):
        raise teams.not_in_your_teams()
    return patient


def find_or_create(session: Session, reference: str, language: str, key: str, languages, user: User,
                   team: str | None = None) -> tuple[Patient, bool]:
    """The patient with this reference, made in `team` (or the user's only team) if new; True when made.

    A patient who exists in none of the user's teams is refused (404), never added a second time.
    """
    check_language(language, languages)
    existing = find(session, reference, key)
    if existing:
        return look_up(session, reference, key, user), False
    chosen = teams.chosen(session, user, team, required=True)
    begin_write(session)
    if find(session, reference, key):  # again, now that no other writer can add it
        return look_up(session, reference, key, user), False
    patient = Patient(public_id=public_id("pt"), reference=stored_reference(reference, key), hashed=bool(key),
                      language=language)
    try:
        with session.begin_nested():
            session.add(patient)
            session.flush()
            teams.place(session, patient, chosen)
    except IntegrityError:  # made at the same moment by another request
        return look_up(session, reference, key, user), False
    return patient, True


_BY_PUBLIC_ID = teams.VisibleQuery(select(Patient).where(Patient.public_id == bindparam("public_id")))


def get(session: Session, patient_public_id: str, user: User) -> Patient:
    """The patient with this id, if the user may see them; else the same 404 as for an unknown id (one query)."""
    patient = session.scalar(*_BY_PUBLIC_ID.run_as(user, {"public_id": patient_public_id}))
    if patient is None:
        raise not_found("patient")
    return patient


_ROW_BY_PUBLIC_ID = teams.VisibleQuery(select(*Patient.__table__.c).where(Patient.public_id == bindparam("public_id")))


def get_row(session: Session, patient_public_id: str, user: User) -> Row:
    """`get` as a read-only row (the patient's columns as attributes), one Core statement and no ORM object:
    for the write paths that only read the patient (recording education)."""
    statement, params = _ROW_BY_PUBLIC_ID.run_as(user, {"public_id": patient_public_id})
    patient = session.connection().execute(statement, params).first()
    if patient is None:
        raise not_found("patient")
    return patient


def describe(patient: Patient) -> dict:
    """The patient as the API shows it: the reference only when it is not stored hashed."""
    return {"id": patient.public_id, "reference": None if patient.hashed else patient.reference,
            "language": patient.language, "created_at": patient.created_at.isoformat() + "Z"}
