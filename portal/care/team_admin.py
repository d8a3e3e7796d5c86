"""Managing care teams (admins, from the console or the `portal teams` command): make teams, add and
remove members, add, move and remove patients. Every change is written to the audit log.

Patients are named by their opaque id (pt_...), never by the clinic's reference.
"""
from __future__ import annotations

import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.care import audit
from portal.care.errors import CareError
from portal.db import begin_write
from portal.db.models import Patient, PatientTeam, Team, TeamMember, User

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


def _refuse(status: int, field: str, detail: str) -> CareError:
    titles = {404: "Not found", 409: "Conflict", 422: "Invalid request"}
    return CareError(status, titles[status], detail, [{"field": field, "detail": detail}])


def overview(session: Session) -> list[dict]:
    """Every team with its members' emails and its number of patients, by slug."""
    members = session.execute(select(TeamMember.team_id, User.email).join(User, User.id == TeamMember.user_id)
                              .order_by(User.email)).all()
    patients = dict(session.execute(select(PatientTeam.team_id, func.count()).group_by(PatientTeam.team_id)).all())
    return [{"slug": team.slug, "name": team.name, "members": [email for tid, email in members if tid == team.id],
             "patients": patients.get(team.id, 0)} for team in session.scalars(select(Team).order_by(Team.slug))]


def team(session: Session, slug: str) -> Team:
    found = session.scalar(select(Team).where(Team.slug == slug.strip()))
    if found is None:
        raise _refuse(404, "team", f"there is no team '{slug}'; 'portal teams list' shows the teams")
    return found


def _user(session: Session, email: str) -> User:
    found = session.scalar(select(User).where(User.email == email.strip().lower()))
    if found is None:
        raise _refuse(404, "email", f"no user has the email {email}")
    return found


def _patient(session: Session, public_id: str) -> Patient:
    found = session.scalar(select(Patient).where(Patient.public_id == public_id.strip()))
    if found is None:
        raise _refuse(404, "patient", f"no patient has the id '{public_id}'; give the opaque id (pt_...) the "
                      "console or the API shows, never the clinic's reference")
    return found


def create(session: Session, slug: str, name: str, actor: User | None, channel: str) -> Team:
    """A new team; `slug` is lower-case letters, digits and hyphens."""
    slug, name = slug.strip(), name.strip()
    if not SLUG.fullmatch(slug):
        raise _refuse(422, "slug", f"'{slug}' is not a team slug: use 1 to 60 lower-case letters, digits and "
                      "hyphens, starting with a letter or digit, like north-clinic")
    if not name or len(name) > 200:
        raise _refuse(422, "name", "give the team a name of 1 to 200 characters")
    begin_write(session)
    if session.scalar(select(Team).where(Team.slug == slug)):
        raise _refuse(409, "slug", f"there is already a team '{slug}'")
    made = Team(slug=slug, name=name)
    session.add(made)
    session.flush()
    audit.record(session, actor, "write", "team_created", [], channel)
    return made


def add_member(session: Session, slug: str, email: str, actor: User | None, channel: str) -> None:
    found, user = team(session, slug), _user(session, email)
    begin_write(session)
    if session.get(TeamMember, (found.id, user.id)):
        raise _refuse(409, "email", f"{user.email} is already a member of '{found.slug}'")
    session.add(TeamMember(team_id=found.id, user_id=user.id))
    audit.record(session, actor, "write", "team_member_added", [], channel)


def remove_member(session: Session, slug: str, email: str, actor: User | None, channel: str) -> None:
    found, user = team(session, slug), _user(session, email)
    begin_write(session)
    membership = session.get(TeamMember, (found.id, user.id))
    if membership is None:
        raise _refuse(404, "email", f"{user.email} is not a member of '{found.slug}'")
    session.delete(membership)
    audit.record(session, actor, "write", "team_member_removed", [], channel)


def add_patient(session: Session, slug: str, public_id: str, actor: User | None, channel: str,
                move: bool = False) -> None:
    """Put a patient in a team too, or (`move`) in this team only."""
    found, patient = team(session, slug), _patient(session, public_id)
    begin_write(session)
    already = session.get(PatientTeam, (patient.id, found.id))
    if already and not move:
        raise _refuse(409, "patient", f"{patient.public_id} is already in '{found.slug}'")
    if move:
        session.execute(delete(PatientTeam).where(PatientTeam.patient_id == patient.id,
                                                  PatientTeam.team_id != found.id))
    if not already:
        session.add(PatientTeam(patient_id=patient.id, team_id=found.id))
    audit.record(session, actor, "write", "patient_team_moved" if move else "patient_team_added", [patient.id],
                 channel)


def remove_patient(session: Session, slug: str, public_id: str, actor: User | None, channel: str) -> None:
    """Take a patient out of a team; a patient always keeps at least one team."""
    found, patient = team(session, slug), _patient(session, public_id)
    begin_write(session)
    place = session.get(PatientTeam, (patient.id, found.id))
    if place is None:
        raise _refuse(404, "patient", f"{patient.public_id} is not in '{found.slug}'")
    others = session.scalar(select(func.count()).select_from(PatientTeam)
                            .where(PatientTeam.patient_id == patient.id, PatientTeam.team_id != found.id))
    if not others:
        raise _refuse(409, "patient", f"'{found.slug}' is the only team of {patient.public_id}; add the patient "
                      "to another team first, or move them there")
    session.delete(place)
    audit.record(session, actor, "write", "patient_team_removed", [patient.id], channel)
