"""The code that opens a patient's "My care plan" page, and the page's contents.

A code is 12 symbols read aloud in three groups (portal.care.codes: about 59 bits), works for
PORTAL_PLAN_CODE_DAYS days, and is kept only as its SHA-256: the console shows it once, when it is
made. It opens the plan as last amended. The page shows the goals, their steps, how to measure
them and when to call, in the plan's language: never the patient's name, reference or any id.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.care import codes
from portal.care.care_plans import latest_version, root
from portal.care.errors import CareError
from portal.content import Library
from portal.db import begin_write
from portal.db.models import CarePlan, PlanCode, User, utcnow
from portal.search.documents import page_path


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue(session: Session, plan: CarePlan, user: User, days: int) -> tuple[str, PlanCode]:
    """A fresh code for the plan (its every version), valid for `days` days: the code and its row."""
    begin_write(session)
    for _ in range(5):
        code = codes.new_code(codes.PLAN_LENGTH, codes.PLAN_GROUP)
        row = PlanCode(plan_id=root(plan), code_hash=code_hash(code), created_by=user.id,
                       expires_at=utcnow() + dt.timedelta(days=days))
        try:
            with session.begin_nested():
                session.add(row)
            return code, row
        except IntegrityError:  # drawn before (about one chance in 10**17): draw again
            continue
    raise CareError(503, "No code available", "could not draw an unused code; try again")


def open_code(session: Session, text: str) -> CarePlan:
    """The plan, as last amended, that a live code names; the same error for a wrong and an expired code."""
    code = codes.normalize(text, codes.PLAN_LENGTH, codes.PLAN_GROUP)
    row = code and session.scalar(select(PlanCode).where(PlanCode.code_hash == code_hash(code)))
    if not row or row.expires_at <= utcnow():
        raise CareError(404, "Code not found", "This code is not right or has expired.")
    return latest_version(session, session.get(CarePlan, row.plan_id))


def page(library: Library, plan: CarePlan, site_root: str) -> dict:
    """What the patient's page shows: the goals in the plan's language (texts in another language say
    which), each template goal with its guide's title and address."""
    goals = []
    for goal in plan.goals:
        guide = library.page("condition", goal.guide, plan.language) if goal.guide else None
        goals.append({"goal": goal.goal, "steps": goal.steps, "measure": goal.measure, "call_when": goal.call_when,
                      "target_date": goal.target_date,
                      "lang": goal.text_language if goal.text_language != plan.language else None,
                      "guide": {"title": guide.title, "lang": guide.lang if guide.lang != plan.language else None,
                                "url": site_root + page_path(plan.language, "condition", goal.guide)}
                      if guide else None})
    return {"language": plan.language, "goals": goals}
