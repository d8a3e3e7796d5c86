"""The care manager data: users, tokens, patients, assignments, education records, care plans, audit events, teams.

Patients are an opaque reference chosen by the clinic plus a preferred language; nothing else.
Education records are never changed after they are written: a correction is a new record whose
`original_id` points at the record it corrects.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    """Now in UTC, without a time zone: every stored time is UTC, on SQLite and PostgreSQL alike."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: DateTime()}


class User(Base):
    """A care manager or an admin who signs in to the console or calls the API."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # care_manager or admin
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # May record minutes as the billing practitioner's own (99491/99437, 99424/99425); set by an admin.
    # Server defaults only (no Python default), so inserts through an older revision's table still work.
    billing_practitioner: Mapped[bool] = mapped_column(Boolean, server_default=false())


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    user: Mapped[User] = relationship(lazy="joined")


class Patient(Base):
    """The clinic's own reference for a patient (or its keyed hash) and the language they read."""

    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    hashed: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """Pages chosen for a patient in one language, reachable by a short code until it expires."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    language: Mapped[str] = mapped_column(String(12))
    items: Mapped[list] = mapped_column(JSON)  # ["condition:asthma", "medication:albuterol"]
    code: Mapped[str] = mapped_column(String(16), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opens: Mapped[list[CodeOpen]] = relationship(order_by="CodeOpen.id")  # loaded only when shown


class CodeOpen(Base):
    """A read receipt: the patient opened the assignment's code."""

    __tablename__ = "code_opens"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EducationRecord(Base):
    """Teaching delivered to a patient, documented the nursing way. Never edited: amended."""

    __tablename__ = "education_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    original_id: Mapped[int | None] = mapped_column(ForeignKey("education_records.id"), nullable=True, index=True)
    amendment_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    taught_on: Mapped[dt.date] = mapped_column(Date, index=True)
    topics: Mapped[list] = mapped_column(JSON)
    learner: Mapped[str] = mapped_column(String(20))
    readiness: Mapped[str] = mapped_column(String(20))
    barriers: Mapped[list] = mapped_column(JSON)
    methods: Mapped[list] = mapped_column(JSON)
    evaluations: Mapped[list] = mapped_column(JSON)  # [{"topic": ..., "evaluation": ...}]
    interpreter_used: Mapped[bool] = mapped_column(Boolean)
    interpreter_language: Mapped[str | None] = mapped_column(String(12), nullable=True)
    interpreter_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    resources_given: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))  # resource refs
    minutes: Mapped[int] = mapped_column(Integer)
    minutes_by: Mapped[str] = mapped_column(String(30))  # clinical_staff or billing_practitioner
    program: Mapped[str] = mapped_column(String(20), server_default=text("'ccm'"))  # programs.KEYS
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class IdempotencyKey(Base):
    """The response given to a POST with an Idempotency-Key, replayed when the POST is retried."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who read or wrote which patient's data, when, and through what."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(10))  # read or write
    what: Mapped[str] = mapped_column(String(60))  # e.g. education_record, assignment, ccm_report
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), nullable=True, index=True)
    channel: Mapped[str] = mapped_column(String(10))  # api, console, public


class ConsoleSession(Base):
    """A signed-in console session; the cookie holds a random id of which only the SHA-256 is stored."""

    __tablename__ = "console_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)  # logout, idle, expired, disabled ...
    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(Base):
    """A failed console sign-in, counted per account and per address; a row with `locked_until` is a lock."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    account: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256 of the email typed, never the email
    address: Mapped[str] = mapped_column(String(64), index=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Team(Base):
    """A care team: its care managers see and write only its patients (admins see every patient)."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TeamMember(Base):
    """A user's membership of a team (the pair is the key, so it is unique)."""

    __tablename__ = "team_members"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class PatientTeam(Base):
    """A patient's place in a team; a patient belongs to one team or more (the pair is unique)."""

    __tablename__ = "patient_teams"
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True, index=True)



class CarePlan(Base):
    """A patient's care plan in the language they read. Never edited: an amendment is a new row
    (`original_id` the first version, `amendment_reason` why) with the whole set of goals again."""

    __tablename__ = "care_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    original_id: Mapped[int | None] = mapped_column(ForeignKey("care_plans.id"), nullable=True, index=True)
    amendment_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    goals: Mapped[list[PlanGoal]] = relationship(order_by="PlanGoal.position", lazy="selectin")


class PlanGoal(Base):
    """One goal of one version of a plan: from a guide's template (`guide`, `template_id`) or written by
    the care manager. A goal carried into an amended plan is a new row whose `original_id` is the
    goal's first version, so its progress stays one thread."""

    __tablename__ = "plan_goals"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    original_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goals.id"), nullable=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    guide: Mapped[str | None] = mapped_column(String(100), nullable=True)  # condition slug of the template
    template_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    text_language: Mapped[str] = mapped_column(String(12))  # the language the texts are in
    goal: Mapped[str] = mapped_column(Text)
    steps: Mapped[list] = mapped_column(JSON)  # ["Weigh myself every morning.", ...]
    measure: Mapped[str] = mapped_column(Text, default="")
    call_when: Mapped[str] = mapped_column(Text, default="")
    target_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class GoalProgress(Base):
    """How a goal went, recorded with an education record (whose minutes count: minutes stay in one
    place). Never edited: an amended education record carries the progress as it should have been."""

    __tablename__ = "goal_progress"
    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goals.id"), index=True)
    education_record_id: Mapped[int] = mapped_column(ForeignKey("education_records.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # met, partly_met, not_met, stopped
    barriers: Mapped[list] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlanCode(Base):
    """A code that opens the patient's "My care plan" page until it expires; only its SHA-256 is kept."""

    __tablename__ = "plan_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)  # the plan's first version
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
