"""Care plans: goals agreed with the patient, their steps, and how each goal goes at every call.

A plan is written once and never changed: an amendment is a new plan row naming the first version
(`original_id`) and why, holding the whole set of goals again. A goal that goes on into the amended
plan is a new goal row naming the goal's first version, so its progress stays one thread; a goal
left out is off the plan. Progress is recorded with an education record (its minutes count: minutes
stay in one place); an amended education record carries the progress as it should have been, so
only the progress of records as last amended counts. Plans are team-scoped like their patient.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.care import teams
from portal.care.education import current_versions
from portal.care.errors import CareError
from portal.care.patients import check_language, public_id
from portal.care.plan_inputs import GoalInput, PlanAmendment, PlanInput, ProgressInput
from portal.care.plan_templates import template
from portal.content import Library
from portal.db import begin_write
from portal.db.models import CarePlan, EducationRecord, GoalProgress, Patient, PlanGoal, User

TEXTS = ("goal", "steps", "measure", "call_when")


def _invalid(errors: list[dict]) -> CareError:
    return CareError(422, "Invalid request", f"{errors[0]['field']}: {errors[0]['detail']}", errors)


def root(row) -> int:
    """The id of the first version of a plan or goal (the thread its versions share)."""
    return row.original_id or row.id


def create(session: Session, library: Library, patient: Patient, user: User, data: PlanInput,
           languages) -> CarePlan:
    """Store a new plan for the patient, its goals taken from templates or written out."""
    language = check_language(data.language or patient.language, languages)
    goals = _goals(library, data.goals, language, {})
    return _store(session, patient, user, language, goals, None, None)


def amend(session: Session, library: Library, user: User, plan_public_id: str,
          data: PlanAmendment) -> tuple[CarePlan, Patient]:
    """Store the plan as it should be from now on: a new version of the plan the id names."""
    target = get(session, plan_public_id, user)
    patient = session.get(Patient, target.patient_id)
    language = data.language or target.language
    if language != target.language:
        check_language(language, [target.language, patient.language])
    versions = [plan for plan in for_patient(session, patient) if root(plan) == root(target)]
    earlier = {goal.public_id: goal for plan in versions for goal in plan.goals}
    latest = {root(goal): goal for plan in versions for goal in plan.goals}  # versions come oldest first
    carried = {public: latest[root(goal)] for public, goal in earlier.items()}
    goals = _goals(library, data.goals, language, carried)
    return _store(session, patient, user, language, goals, root(target), data.reason), patient


def _store(session, patient, user, language, goals: list[dict], original_id, reason) -> CarePlan:
    begin_write(session)
    plan = CarePlan(public_id=public_id("cp"), patient_id=patient.id, language=language, created_by=user.id,
                    original_id=original_id, amendment_reason=reason)
    session.add(plan)
    session.flush()
    session.add_all([PlanGoal(public_id=public_id("gl"), plan_id=plan.id, position=index, **goal)
                     for index, goal in enumerate(goals)])
    session.flush()
    session.expire(plan, ["goals"])
    return plan


def _goals(library: Library, goals: list[GoalInput], language: str, carried: dict[str, PlanGoal]) -> list[dict]:
    """The goal rows' fields, or a CareError naming every goal at fault."""
    errors, rows, seen = [], [], set()
    for index, goal in enumerate(goals):
        field = f"goals[{index}]"
        given = {name: getattr(goal, name) for name in goal.model_fields_set if name in (*TEXTS, "target_date")}
        if goal.id:
            base = carried.get(goal.id)
            if base is None:
                errors.append({"field": f"{field}.id", "detail": f"'{goal.id}' is not a goal of this plan"})
                continue
            if goal.guide:
                errors.append({"field": f"{field}.guide", "detail": "leave guide and template out of a goal named "
                                                                    "by its id"})
                continue
            row = {name: getattr(base, name) for name in (*TEXTS, "target_date", "guide", "template_id",
                                                          "text_language")}
            row["original_id"] = root(base)
            if any(given.get(name, row[name]) != row[name] for name in TEXTS):
                row["text_language"] = language
            key = ("goal", root(base))
        elif goal.guide:
            found = template(library, goal.guide, goal.template, language)
            if found is None:
                errors.append({"field": f"{field}.template", "detail": f"'{goal.guide}' has no goal template "
                               f"'{goal.template}'; choose one of the guide's care_plan goals"})
                continue
            chosen, lang = found
            texts = {"goal": chosen.goal, "steps": [step.text for step in chosen.steps], "measure": chosen.measure,
                     "call_when": chosen.call_when}
            changed = any(name in given and given[name] != texts[name] for name in TEXTS)
            row = {**texts, "target_date": None, "guide": goal.guide, "template_id": goal.template,
                   "text_language": language if changed and len(given.keys() & set(TEXTS)) == len(TEXTS) else lang,
                   "original_id": None}
            key = ("template", goal.guide, goal.template)
        else:
            row = {"goal": "", "steps": [], "measure": "", "call_when": "", "target_date": None, "guide": None,
                   "template_id": None, "text_language": language, "original_id": None}
            key = ("written", index)
        if key in seen:
            errors.append({"field": field, "detail": "this goal is listed twice"})
            continue
        seen.add(key)
        row.update({name: value if value is not None or name == "target_date" else row[name]
                    for name, value in given.items()})
        rows.append(row)
    if errors:
        raise _invalid(errors)
    return rows


def get(session: Session, plan_public_id: str, user: User) -> CarePlan:
    """The plan version with this id, if its patient is in the user's teams; else the 404 of an unknown id."""
    return teams.scoped(session, user, CarePlan, plan_public_id, "care plan")


def for_patient(session: Session, patient: Patient) -> list[CarePlan]:
    """Every version of every plan of the patient, oldest first."""
    return list(session.scalars(select(CarePlan).where(CarePlan.patient_id == patient.id).order_by(CarePlan.id)))


def current_plans(session: Session, patient: Patient) -> list[CarePlan]:
    """Each plan of the patient as last amended, oldest plan first."""
    return sorted(current_versions(for_patient(session, patient)), key=root)


def latest_version(session: Session, plan: CarePlan) -> CarePlan:
    first = root(plan)
    return session.scalar(select(CarePlan).where((CarePlan.id == first) | (CarePlan.original_id == first))
                          .order_by(CarePlan.id.desc()).limit(1))


def progress_by_goal(session: Session, patient: Patient) -> dict[int, list[dict]]:
    """Each goal thread's progress (by the goal's first id), oldest call first: only the progress of
    education records as last amended."""
    rows = session.execute(select(GoalProgress, PlanGoal, EducationRecord)
                           .join(PlanGoal, PlanGoal.id == GoalProgress.goal_id)
                           .join(EducationRecord, EducationRecord.id == GoalProgress.education_record_id)
                           .where(EducationRecord.patient_id == patient.id)).all()
    if not rows:
        return {}
    live = {row.id for row in current_versions(list(session.scalars(
        select(EducationRecord).where(EducationRecord.patient_id == patient.id))))}
    found: dict[int, list[dict]] = {}
    for progress, goal, record in sorted(rows, key=lambda r: (r[2].taught_on, r[2].id)):
        if record.id in live:
            found.setdefault(root(goal), []).append(describe_progress(progress, goal, record))
    return found


def goal_threads(session: Session, goal_public_ids) -> dict[str, int]:
    """Each goal id's thread (the id of the goal's first version)."""
    ids = set(goal_public_ids)
    if not ids:
        return {}
    return {public: original or own for public, own, original in session.execute(
        select(PlanGoal.public_id, PlanGoal.id, PlanGoal.original_id).where(PlanGoal.public_id.in_(ids))).all()}


def describe_progress(progress: GoalProgress, goal: PlanGoal, record: EducationRecord | None = None) -> dict:
    described = {"goal": goal.public_id, "goal_text": goal.goal, "text_language": goal.text_language,
                 "status": progress.status,
                 "barriers": progress.barriers, "note": progress.note}
    if record is not None:
        described.update({"record": record.public_id, "taught_on": record.taught_on.isoformat()})
    return described


def active_goals(session: Session, patient: Patient, keep: set[int] = frozenset()) -> list[tuple[PlanGoal, dict | None]]:
    """The goals of the patient's current plans that are not stopped (and those whose thread is in `keep`),
    each with its latest progress (or None)."""
    progress = progress_by_goal(session, patient)
    found = []
    for plan in current_plans(session, patient):
        for goal in plan.goals:
            last = (progress.get(root(goal)) or [None])[-1]
            if root(goal) in keep or not last or last["status"] != "stopped":
                found.append((goal, last))
    return found


def progress_goals(session: Session, patient: Patient, items: list[ProgressInput]) -> list[tuple[PlanGoal, ProgressInput]]:
    """Each progress item's goal, as it now stands in the patient's current plan; a CareError naming every
    item whose goal is unknown, off the plan, or listed twice."""
    if not items:
        return []
    named = {goal.public_id: goal for goal in session.scalars(
        select(PlanGoal).join(CarePlan, CarePlan.id == PlanGoal.plan_id)
        .where(CarePlan.patient_id == patient.id, PlanGoal.public_id.in_({item.goal for item in items})))}
    standing = {root(goal): goal for plan in current_plans(session, patient) for goal in plan.goals}
    errors, found, seen = [], [], set()
    for index, item in enumerate(items):
        field = f"goal_progress[{index}].goal"
        goal = named.get(item.goal)
        if goal is None:
            errors.append({"field": field, "detail": f"'{item.goal}' is not a goal of this patient's care plan"})
        elif root(goal) not in standing:
            errors.append({"field": field, "detail": f"'{item.goal}' is no longer in the plan (an amendment "
                                                     "took it off)"})
        elif root(goal) in seen:
            errors.append({"field": field, "detail": "this goal is listed twice"})
        else:
            seen.add(root(goal))
            found.append((standing[root(goal)], item))
    if errors:
        raise _invalid(errors)
    return found


def add_progress(session: Session, record: EducationRecord,
                 resolved: list[tuple[PlanGoal, ProgressInput]]) -> list[dict]:
    """Store each goal's progress with the education record; what the API answers about it."""
    rows = [GoalProgress(goal_id=goal.id, education_record_id=record.id, status=item.status,
                         barriers=list(item.barriers), note=item.note) for goal, item in resolved]
    session.add_all(rows)
    if rows:
        session.flush()
    return [describe_progress(row, goal) for row, (goal, _item) in zip(rows, resolved)]


def progress_of_records(session: Session, record_ids) -> dict[int, list[dict]]:
    """The progress saved with each of these education records, by record id, in goal order."""
    ids = set(record_ids)
    if not ids:
        return {}
    found: dict[int, list[dict]] = {}
    for progress, goal in session.execute(select(GoalProgress, PlanGoal).join(PlanGoal, PlanGoal.id == GoalProgress.goal_id)
                                          .where(GoalProgress.education_record_id.in_(ids))
                                          .order_by(PlanGoal.position, GoalProgress.id)).all():
        found.setdefault(progress.education_record_id, []).append(describe_progress(progress, goal))
    return found


def describe(session: Session, patient: Patient, plans: list[CarePlan]) -> list[dict]:
    """Plan versions as the API shows them: each goal with its thread's progress, who wrote the plan,
    the plan it amends and whether it is the plan as it now stands."""
    if not plans:
        return []
    everything = for_patient(session, patient)
    public = {plan.id: plan.public_id for plan in everything}
    current = {plan.id for plan in current_versions(everything)}
    goal_public = {goal.id: goal.public_id for plan in everything for goal in plan.goals}
    users = dict(session.execute(select(User.id, User.email).where(User.id.in_({p.created_by for p in plans}))).all())
    progress = progress_by_goal(session, patient)
    return [{"id": plan.public_id, "amends": public.get(plan.original_id), "amendment_reason": plan.amendment_reason,
             "current": plan.id in current, "language": plan.language, "created_at": plan.created_at.isoformat() + "Z",
             "created_by": users.get(plan.created_by),
             "goals": [{"id": goal.public_id, "continues": goal_public.get(goal.original_id), "guide": goal.guide,
                        "template": goal.template_id, "text_language": goal.text_language, "goal": goal.goal,
                        "steps": goal.steps, "measure": goal.measure, "call_when": goal.call_when,
                        "target_date": goal.target_date.isoformat() if goal.target_date else None,
                        "progress": progress.get(root(goal), [])} for goal in plan.goals]}
            for plan in plans]
