"""The console's care-plan forms: their labels in the user's language, and form data turned into the API's body.

A plan form holds goals numbered 0, 1, ...: `goal-N-keep` (ticked: the goal is on the plan), `goal-N-id`
(a goal that goes on, when amending), `goal-N-guide` and `goal-N-template` (from a template), and the
texts the care manager adjusted with the patient: `goal-N-goal`, `goal-N-steps` (one step a line),
`goal-N-measure`, `goal-N-call_when`, `goal-N-target_date`.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _

STATUSES = {"met": _("Met"), "partly_met": _("Partly met"), "not_met": _("Not met"), "stopped": _("Stopped")}
PROGRESS_BARRIERS = {"cost": _("Cost"), "transportation": _("Transportation"), "time": _("Time"),
                     "motivation": _("Motivation"), "side_effects": _("Side effects"),
                     "understanding": _("Understanding"), "physical_limits": _("Physical limits"),
                     "support": _("Support at home"), "other": _("Other (see the note)")}
TEXT_FIELDS = ("goal", "steps", "measure", "call_when", "target_date")
PLAN_MESSAGES = {"goal": _("Write the goal, in the patient's words."), "steps": _("Write at least one step, one a line."),
                 "measure": _("Write at most 600 characters."), "call_when": _("Write at most 600 characters."),
                 "target_date": _("Write a date within ten years."), "template": _("Choose the goal again."),
                 "reason": _("Say why the plan is amended."), "id": _("Choose the goal again.")}


def goal_numbers(form) -> list[int]:
    """The numbers of the goals a plan form holds, in order."""
    found = {int(match.group(1)) for name in form.keys() if (match := re.fullmatch(r"goal-([0-9]{1,3})-\w+", name))}
    return sorted(found)


def plan_body(form, amending: bool = False) -> tuple[dict, list[int]]:
    """The plan form as the API's body (PlanInput, or PlanAmendment when `amending`), and which form goal
    each goal of the body came from (to put an error next to its fields)."""
    goals, numbers = [], []
    for number in goal_numbers(form):
        if not form.get(f"goal-{number}-keep"):
            continue
        goal = {}
        for name in ("id",) if form.get(f"goal-{number}-id") else ("guide", "template"):  # a goal going on keeps its own
            if form.get(f"goal-{number}-{name}"):
                goal[name] = form.get(f"goal-{number}-{name}")
        for name in TEXT_FIELDS:
            value = (form.get(f"goal-{number}-{name}") or "").strip()
            if name == "steps":
                goal["steps"] = [line.strip() for line in value.splitlines() if line.strip()] or None
            else:
                goal[name] = value or None
        goals.append(goal)
        numbers.append(number)
    body = {"goals": goals}
    if amending:
        body["reason"] = form.get("reason", "")
    return body, numbers


def plan_errors(error, numbers: list[int]) -> dict[str, str]:
    """The service's errors as {form field id: message in the user's language}, one per field."""
    found: dict[str, str] = {}
    for problem in getattr(error, "errors", None) or [{"field": "form", "detail": error.detail}]:
        match = re.match(r"goals\[(\d+)\](?:\.(\w+))?", problem["field"])
        if match and int(match.group(1)) < len(numbers):
            name = match.group(2) or "goal"
            key = f"goal-{numbers[int(match.group(1))]}-{name if name in PLAN_MESSAGES else 'goal'}"
            found.setdefault(key, str(PLAN_MESSAGES.get(name, problem["detail"])))
        elif problem["field"] == "reason":
            found.setdefault("reason", str(PLAN_MESSAGES["reason"]))
        else:
            found.setdefault("form", problem["detail"] if problem["field"] != "goals" else
                             str(_("Keep at least one goal on the plan (at most ten).")))
    return found


def progress_body(form) -> list[dict]:
    """The goal-progress part of the teaching form: each goal the form showed (`plan_goals`) that has a
    status, barriers or a note."""
    found = []
    for goal in form.getlist("plan_goals"):
        status = form.get(f"progress-{goal}-status", "")
        barriers = form.getlist(f"progress-{goal}-barriers")
        note = form.get(f"progress-{goal}-note", "")
        if status or barriers or note.strip():
            found.append({"goal": goal, "status": status, "barriers": barriers, "note": note})
    return found
