"""A patient's care plans in the FHIR R4 Bundle (portal.care.fhir): CarePlan, Goal and Provenance resources.

- one CarePlan per plan as last amended: status active, intent plan, the plan's language, the care
  manager as author, its goals, and each step as an activity (detail.description, in progress) that
  names its goal;
- one Goal per goal of that plan: the goal as description (its text's language as the resource's
  language), the identifier and start date of the goal's first version (the same in every
  export), the patient as subject and expressedBy (the goal was agreed with them), how to measure
  and the target date as its target, when to call and each call's progress as notes, and the
  latest progress as achievementStatus (HL7 goal-achievement: met = achieved, partly met =
  improving, not met = not-achieved) with its date as statusDate; a stopped goal is cancelled;
- one Provenance per amendment of a plan (target: the CarePlan as it now stands, and why);
- each education Procedure whose record saved a goal's progress names that goal's CarePlan in basedOn.
"""
from __future__ import annotations

from portal.care.care_plans import root
from portal.care.fhir import Systems, _instant, _ref, _urn, provenance
from portal.db.models import CarePlan, PlanGoal

ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
ACHIEVED = {"met": ("achieved", "Achieved"), "partly_met": ("improving", "Improving"),
            "not_met": ("not-achieved", "Not Achieved")}
STATUS_WORDS = {"met": "met", "partly_met": "partly met", "not_met": "not met", "stopped": "stopped"}


def goal_resource(goal: PlanGoal, first: PlanGoal, progress: list[dict], patient_url: str, systems: Systems) -> dict:
    """A goal as it now stands; its identifier (and start date) are its first version's, the same in every export."""
    last = progress[-1] if progress else None
    started = first.created_at.date()
    resource = {"resourceType": "Goal", "id": goal.public_id.replace("_", "-"), "language": goal.text_language,
                "identifier": [{"system": systems.base + "/sid/goal", "value": first.public_id}],
                "lifecycleStatus": "cancelled" if last and last["status"] == "stopped" else "active",
                "description": {"text": goal.goal}, "subject": _ref(patient_url), "startDate": started.isoformat(),
                "expressedBy": _ref(patient_url)}
    if last and last["status"] in ACHIEVED:
        code, display = ACHIEVED[last["status"]]
        resource["achievementStatus"] = {"coding": [{"system": ACHIEVEMENT, "code": code, "display": display}]}
    if last:
        resource["statusDate"] = last["taught_on"]
    target = {}
    if goal.measure:
        target["measure"] = {"text": goal.measure}
    if goal.target_date:
        target["dueDate"] = goal.target_date.isoformat()
    if target:
        resource["target"] = [target]
    notes = [f"When to call: {goal.call_when}"] if goal.call_when else []
    for item in progress:
        text = f"{item['taught_on']}: {STATUS_WORDS[item['status']]}"
        if item["barriers"]:
            text += "; barriers: " + ", ".join(b.replace("_", " ") for b in item["barriers"])
        notes.append(text + (f"; {item['note']}" if item["note"] else ""))
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return resource


def care_plan_resource(plan: CarePlan, started, goal_urls: list[str], patient_url: str, user_url: str,
                       systems: Systems, first_public_id: str) -> dict:
    activity = [{"detail": {"status": "in-progress", "description": step, "goal": [_ref(url)]}}
                for goal, url in zip(plan.goals, goal_urls) for step in goal.steps]
    resource = {"resourceType": "CarePlan", "id": plan.public_id.replace("_", "-"), "language": plan.language,
                "identifier": [{"system": systems.base + "/sid/care-plan", "value": first_public_id}],
                "status": "active", "intent": "plan", "title": "Care plan", "subject": _ref(patient_url),
                "period": {"start": started.isoformat()}, "created": _instant(plan.created_at),
                "author": _ref(user_url), "goal": [_ref(url) for url in goal_urls]}
    if activity:
        resource["activity"] = activity
    return resource


def plan_entries(plans: list[CarePlan], every_version: list[CarePlan], progress: dict[int, list[dict]],
                 patient_url: str, user_urls: dict[int, str], systems: Systems) -> tuple[list, dict[str, str]]:
    """The entries of the current plan versions, their goals and amendments; and the CarePlan url each
    education record (by public id) saved progress for."""
    entries, based_on = [], {}
    by_id = {plan.id: plan for plan in every_version}
    first_goal = {goal.id: goal for plan in every_version for goal in plan.goals}
    plan_system = systems.base + "/sid/care-plan"
    for plan in plans:
        first = by_id[root(plan)]
        plan_url = _urn(plan_system, plan.public_id)
        goal_urls = [_urn(systems.base + "/sid/goal", goal.public_id) for goal in plan.goals]
        entries.append((plan_url, care_plan_resource(plan, first.created_at.date(), goal_urls, patient_url,
                                                     user_urls[plan.created_by], systems, first.public_id)))
        for goal, url in zip(plan.goals, goal_urls):
            thread = progress.get(root(goal), [])
            entries.append((url, goal_resource(goal, first_goal[root(goal)], thread, patient_url, systems)))
            based_on.update({item["record"]: plan_url for item in thread})
        for version in every_version:
            if version.original_id == root(plan) and version.original_id is not None:
                entries.append((_urn(plan_system, version.public_id, "provenance"),
                                provenance(version, plan_url, user_urls[version.created_by], first.public_id,
                                           systems, plan_system)))
    return entries, based_on
