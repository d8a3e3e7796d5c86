"""Education delivered, documented the nursing way; append-only, corrected by amendments.

A record lists the topics taught (library pages), the learner, their readiness, barriers,
the teaching methods, an evaluation of each topic, the interpreter, the minutes spent, by whom
(clinical staff or a billing practitioner) and toward which care-management program
(portal.care.programs), a note and the date.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from sqlalchemy import Row, insert, or_, select
from sqlalchemy.orm import Session

from portal.care import languages, programs, teams
from portal.care.errors import CareError, not_found
from portal.care.items import TEACHABLE, resolve_all
from portal.care.patients import public_id
from portal.care.plan_inputs import ProgressInput
from portal.care.text import plain_text
from portal.content import Library
from portal.db import write_connection
from portal.db.models import EducationRecord, Patient, User

LEARNERS = ("patient", "caregiver", "family")
READINESS = ("eager", "accepting", "hesitant", "not_ready")
BARRIERS = ("language", "literacy", "vision", "hearing", "cognitive", "none")
METHODS = ("verbal", "handout", "demonstration", "video", "teach_back")
EVALUATIONS = ("verbalizes_understanding", "demonstrates_understanding", "needs_reinforcement",
               "no_evidence_of_learning", "refused_teaching")
MINUTES_BY = programs.MINUTES_BY
YEARS_BACK = 10  # records older than this are refused (a mistyped year)
MAX_GOALS_PER_CALL = 20


class Evaluation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topic: str = Field(examples=["condition:asthma"])
    evaluation: Literal[EVALUATIONS]


class EducationInput(BaseModel):
    """What a care manager records after teaching. Each rule checks one field (the ones that compare
    fields look at those before them), so a form hears of every mistake at once."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    taught_on: dt.date = Field(examples=["2026-11-20"], description=f"Within the last {YEARS_BACK} years, "
                               "and not after tomorrow.")
    topics: list[str] = Field(min_length=1, max_length=20, examples=[["condition:asthma"]])
    learner: Literal[LEARNERS]
    readiness: Literal[READINESS]
    barriers: list[Literal[BARRIERS]] = Field(min_length=1, max_length=6)
    methods: list[Literal[METHODS]] = Field(min_length=1, max_length=5)
    evaluations: list[Evaluation] = Field(min_length=1, max_length=20)
    interpreter_used: bool = Field(default=False, strict=True)
    interpreter_language: str | None = Field(default=None, max_length=languages.MAX_TAG, validate_default=True,
                                             examples=["so"], description=(
        "BCP 47 tag of the language the interpreter spoke: any language CLDR knows (so, es-MX, ...)"))
    interpreter_id: str | None = Field(default=None, max_length=40, examples=["LL-48213"], description=(
        "The interpreter service's ID of the interpreter (not patient data)"))
    resources_given: list[str] = Field(default=[], max_length=20, examples=[["resource:988-lifeline"]],
                                       description="Community resources handed over with the teaching")
    minutes: int = Field(ge=1, le=240, strict=True)
    minutes_by: Literal[MINUTES_BY] = Field(description=(
        "Who spent the minutes; billing_practitioner only from a user who is one"))
    program: Literal[programs.KEYS] = Field(default=programs.DEFAULT, description=(
        "The care-management program the minutes count toward (one only), among those the clinic runs"))
    note: str = Field(default="", max_length=2000)
    # Saved with the record, in its own table (portal.care.care_plans), so it is left out of model_dump().
    goal_progress: list[ProgressInput] = Field(default=[], max_length=MAX_GOALS_PER_CALL, exclude=True, description=(
        "How each goal of the patient's care plan went (optional); the record's minutes count for it"))

    _plain_text = model_validator(mode="before")(plain_text)

    @field_validator("taught_on")
    @classmethod
    def _not_future(cls, value):
        if value > dt.date.today() + dt.timedelta(days=1):
            raise ValueError("the date is in the future; write the day the teaching happened")
        if value < dt.date.today() - dt.timedelta(days=YEARS_BACK * 366):
            raise ValueError(f"the date is more than {YEARS_BACK} years ago; write the day the teaching happened")
        return value

    @field_validator("barriers")
    @classmethod
    def _barriers_once(cls, value):
        if len(set(value)) != len(value) or ("none" in value and len(value) > 1):
            raise ValueError("list each barrier once, and 'none' only on its own")
        return value

    @field_validator("methods")
    @classmethod
    def _methods_once(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("list each method once")
        return value

    @field_validator("evaluations")
    @classmethod
    def _one_per_topic(cls, value, info: ValidationInfo):
        evaluated = [e.topic for e in value]
        topics = info.data.get("topics")
        if topics is not None and (sorted(evaluated) != sorted(set(topics)) or len(set(evaluated)) != len(evaluated)):
            raise ValueError("give exactly one evaluation for each topic")
        return value

    @field_validator("interpreter_language")
    @classmethod
    def _interpreter(cls, value, info: ValidationInfo):
        used = info.data.get("interpreter_used", False)
        if used and not value:
            raise ValueError("say which language the interpreter spoke")
        if not used and value:
            raise ValueError("set interpreter_used to true, or leave the language out")
        if value and not languages.is_known(value):
            raise ValueError(f"'{value}' is not a language code; write a BCP 47 tag such as so (Somali) or es-MX")
        return value

    @field_validator("interpreter_id")
    @classmethod
    def _interpreter_id(cls, value, info: ValidationInfo):
        if value and not info.data.get("interpreter_used", False):
            raise ValueError("set interpreter_used to true, or leave the interpreter's ID out")
        return value or None


class AmendmentInput(EducationInput):
    """A correction: the whole record as it should have been, and why."""

    reason: str = Field(min_length=1, max_length=1000, examples=["Minutes were 25, not 15."])
    program: Literal[programs.KEYS] | None = Field(default=None, description=(
        "The care-management program the minutes count toward; left out: the program of the record corrected"))


def validation_problem(exc: ValidationError) -> CareError:
    """Pydantic's errors as a CareError naming each field (evaluations[0].evaluation)."""
    errors = []
    for error in exc.errors():
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
        message = error["msg"].removeprefix("Value error, ")
        field, sep, rest = message.partition(": ")
        if not path and sep:
            path, message = field, rest
        errors.append({"field": path or "body", "detail": message})
    return CareError(422, "Invalid request", f"{errors[0]['field']}: {errors[0]['detail']}", errors)


def parse(model: type[EducationInput], body) -> EducationInput:
    try:
        return model.model_validate(body if body is not None else {})
    except ValidationError as exc:
        raise validation_problem(exc) from None


_RECORDS = EducationRecord.__table__
_INSERT_RECORD = insert(_RECORDS).returning(*_RECORDS.columns)  # built once, from the table's own columns


def record(session: Session, library: Library, patient: Patient, user: User, data: EducationInput,
           original: EducationRecord | None = None) -> Row:
    """Store a record (or an amendment of `original`, which keeps the program of the record as it stands
    unless it names another) with one INSERT, and return the row as stored (its columns as attributes, like
    an EducationRecord). Every field of `data` that is a column of the table is stored, so a field added to
    the input and the table later needs no change here."""
    kept = _current_version(session, original).program if original else None
    program = data.program or kept
    programs.check(program, data.minutes_by, user.billing_practitioner, programs.offered(), kept=kept)
    resolve_all(library, data.topics, patient.language, "topics", kinds=TEACHABLE)
    resolve_all(library, data.resources_given, patient.language, "resources_given", kinds=("resource",))
    fields = data.model_dump(exclude={"reason"}, mode="json")
    fields.update(taught_on=data.taught_on, program=program, public_id=public_id("ed"), patient_id=patient.id,
                  created_by=user.id, original_id=original.id if original else None,
                  amendment_reason=getattr(data, "reason", None))
    values = {name: fields[name] for name in _RECORDS.columns.keys() if name in fields}
    return write_connection(session).execute(_INSERT_RECORD, values).one()


def _current_version(session: Session, original: EducationRecord) -> EducationRecord:
    """The record as last amended (ids grow with time)."""
    return session.scalar(select(EducationRecord).where(
        or_(EducationRecord.id == original.id, EducationRecord.original_id == original.id))
        .order_by(EducationRecord.id.desc()).limit(1))


def get(session: Session, record_public_id: str, user: User) -> EducationRecord:
    """The record with this id, if its patient is in the user's teams; else the 404 of an unknown id."""
    return teams.scoped(session, user, EducationRecord, record_public_id, "education record")


def amend(session: Session, library: Library, user: User, record_public_id: str, data: AmendmentInput):
    """Store a correction of a record; an amendment of an amendment points at the first record.
    A record of a patient in none of the user's teams is refused as unknown."""
    target = get(session, record_public_id, user)
    original = session.get(EducationRecord, target.original_id) if target.original_id else target
    patient = session.get(Patient, original.patient_id)
    return record(session, library, patient, user, data, original=original), patient


def for_patient(session: Session, patient: Patient) -> list[EducationRecord]:
    return list(session.scalars(select(EducationRecord).where(EducationRecord.patient_id == patient.id)
                                .order_by(EducationRecord.id)))


def current_versions(records: list[EducationRecord]) -> list[EducationRecord]:
    """Each record as last amended (amendments replace their original; ids grow with time)."""
    latest: dict[int, EducationRecord] = {}
    for row in sorted(records, key=lambda r: r.id):
        latest[row.original_id or row.id] = row
    return list(latest.values())


def describe(row: EducationRecord, original_public_id: str | None = None, by: str | None = None) -> dict:
    return {"id": row.public_id, "amends": original_public_id, "amendment_reason": row.amendment_reason,
            "taught_on": row.taught_on.isoformat(), "topics": row.topics, "learner": row.learner,
            "readiness": row.readiness, "barriers": row.barriers, "methods": row.methods,
            "evaluations": row.evaluations, "interpreter_used": row.interpreter_used,
            "interpreter_language": row.interpreter_language, "interpreter_id": row.interpreter_id,
            "resources_given": row.resources_given or [], "minutes": row.minutes,
            "minutes_by": row.minutes_by, "program": row.program, "note": row.note, "recorded_by": by,
            "created_at": row.created_at.isoformat() + "Z"}
