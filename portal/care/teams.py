"""Who may see which patient: a care manager sees and writes only the patients of their teams;
users with the admin role see every patient.

Every service that reads or writes a patient's data asks `require_access` (or filters a query
with `visible_patients`). A patient of another team is refused with the very error an unknown id
gets, so the ids of other teams' patients cannot be told apart from ids that do not exist.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, bindparam, select, true
from sqlalchemy.orm import Session

from portal.care.errors import CareError, invalid, not_found
from portal.db.models import Patient, PatientTeam, Team, TeamMember, User

DEFAULT_SLUG, DEFAULT_NAME = "default", "Default team"


def _in_teams_of(user_id) -> ColumnElement[bool]:
    return Patient.id.in_(select(PatientTeam.patient_id)
                          .join(TeamMember, TeamMember.team_id == PatientTeam.team_id)
                          .where(TeamMember.user_id == user_id))


def visible_patients(user: User) -> ColumnElement[bool]:
    """A condition on Patient.id that holds for the patients `user` may see."""
    return true() if user.role == "admin" else _in_teams_of(user.id)


class VisibleQuery:
    """A query built once (building a statement costs more than running it) in two forms: as an admin runs
    it, and limited to the patients of the viewer's teams (the user's id bound as :viewer_id)."""

    def __init__(self, query: Select):
        self.everyone = query
        self.teams = query.where(_in_teams_of(bindparam("viewer_id")))

    def run_as(self, user: User, params: dict) -> tuple[Select, dict]:
        """The statement and parameters that `user` may run."""
        if user.role == "admin":
            return self.everyone, params
        return self.teams, {**params, "viewer_id": user.id}


_PATIENT_ID = VisibleQuery(select(Patient.id).where(Patient.id == bindparam("patient_id")))


def can_see(session: Session, user: User, patient_id: int) -> bool:
    return session.scalar(*_PATIENT_ID.run_as(user, {"patient_id": patient_id})) is not None


def require_access(session: Session, user: User, patient_id: int, what: str = "patient") -> None:
    """Refuse, as if `what` did not exist, when the patient is in none of the user's teams."""
    if not can_see(session, user, patient_id):
        raise not_found(what)


def scoped(session: Session, user: User, model, public_id: str, what: str):
    """The row of `model` (assignment, education record, care plan ...) with this public id, if its patient
    is in the user's teams; else the 404 of an unknown id."""
    row = session.scalar(select(model).where(model.public_id == public_id))
    if row is None:
        raise not_found(what)
    require_access(session, user, row.patient_id, what)
    return row


def not_in_your_teams() -> CareError:
    """The answer to a reference that is unknown or names a patient of other teams (the same for both)."""
    return CareError(404, "Not found", "No patient with that reference in your teams; if you care for this "
                     "patient, ask an admin to add the patient to your team.")


def choosable(session: Session, user: User) -> list[Team]:
    """The teams the user may put a patient in (or filter a report by): admins all, others their own."""
    query = select(Team).order_by(Team.slug)
    if user.role != "admin":
        query = query.join(TeamMember, TeamMember.team_id == Team.id).where(TeamMember.user_id == user.id)
    return list(session.scalars(query))


def chosen(session: Session, user: User, slug: str | None, required: bool) -> Team | None:
    """The team named `slug` among the user's choices; with no slug, the only choice when there is one
    (None when it is not `required`); else a 422 naming the field `team` and the teams to choose from."""
    options = choosable(session, user)
    names = ", ".join(team.slug for team in options)
    if slug:
        for team in options:
            if team.slug == slug:
                return team
        if not options:
            raise invalid("team", "you belong to no team; ask an admin to add you to one")
        raise invalid("team", f"'{slug}' is not one of your teams; choose one of {names}")
    if not required:
        return None
    if len(options) == 1:
        return options[0]
    if not options:
        raise invalid("team", "you belong to no team, so you cannot add patients; ask an admin to add you to one")
    raise invalid("team", f"you may add patients to several teams; say which one this patient joins: {names}")


def place(session: Session, patient: Patient, team: Team) -> None:
    session.add(PatientTeam(patient_id=patient.id, team_id=team.id))


def join_the_only_team(session: Session, user: User) -> None:
    """A new user of a clinic with exactly one team joins it (a one-team clinic needs no team admin)."""
    teams = session.scalars(select(Team.id).limit(2)).all()
    if len(teams) == 1:
        session.add(TeamMember(team_id=teams[0], user_id=user.id))
