"""Console pages of a patient's care plan: choose goals, adjust them with the patient, save, deliver
(print, or a code for the patient's "My care plan" page), and amend (never edit).

Progress is recorded in the teaching form (portal.console.patients), with the minutes of the call.
"""
from __future__ import annotations

import secrets

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import force_locale

from portal.api.care_plans import issue_code, plan_page
from portal.care import audit, care_plans, idempotency, patients, plan_codes, plan_templates
from portal.care.errors import CareError
from portal.care.inputs import parse
from portal.care.plan_inputs import PlanAmendment, PlanInput
from portal.console import console, console_language, login_required, plan_forms
from portal.db import get_session
from portal.db.models import Patient
from portal.web import library, site_root


def _templates(session, found) -> list:
    return plan_templates.for_patient(session, library(), found, found.language)


@console.get("/patients/<patient_id>/care-plans/new")
@login_required()
def choose_goals(patient_id):
    """Step 1: tick goals from the templates of the patient's guides (or of any guide), or write your own.
    With ?plan=, the goals ticked are added to that plan (an amendment)."""
    session = get_session()
    found = patients.get(session, patient_id, g.user)
    plan = care_plans.get(session, request.args["plan"], g.user) if request.args.get("plan") else None
    if plan is not None and plan.patient_id != found.id:
        raise CareError(404, "Not found", "No care plan has that id; check the id you were given when it was "
                                          "created.")
    audit.record(session, g.user, "read", "care_plan_form", [found.id], "console")
    session.commit()
    return render_template("console/plan_choose.html", patient=found, described=patients.describe(found),
                           guides=_templates(session, found), plan=plan, own=_own_language_goals(found))


def _own_language_goals(found) -> dict[tuple[str, str], str]:
    """Each template goal's text in the care manager's language, when it differs from the patient's."""
    lang = console_language()
    if lang == found.language:
        return {}
    return {(slug, t.id): t.goal for slug in library().conditions
            if (page := library().page("condition", slug, lang)) and page.lang == lang for t in page.care_plan}


def _chosen_goals(found, chosen: list[str], written: int, start: int = 0) -> list[dict]:
    """Form goals for the templates `chosen` ("guide/template") and `written` blank goals, numbered from `start`."""
    goals = []
    for value in chosen:
        guide, _, template_id = value.partition("/")
        made = plan_templates.template(library(), guide, template_id, found.language)
        if made is None:
            continue
        template, lang = made
        goals.append({"guide": guide, "template": template_id, "lang": lang, "goal": template.goal,
                      "steps": "\n".join(step.text for step in template.steps), "measure": template.measure,
                      "call_when": template.call_when, "target_date": "", "keep": True,
                      "guide_title": library().page("condition", guide, found.language).title})
    goals += [{"lang": found.language, "goal": "", "steps": "", "measure": "", "call_when": "", "target_date": "",
               "keep": True, "written": True} for _ in range(min(written, 3))]
    return [{**goal, "number": start + index} for index, goal in enumerate(goals)]


def _form_goals(form) -> list[dict]:
    """The goals of a submitted plan form, as they were typed (to show again with the errors)."""
    goals = []
    for number in plan_forms.goal_numbers(form):
        goal = {name: form.get(f"goal-{number}-{name}", "") for name in
                ("id", "guide", "template", "lang", "guide_title", *plan_forms.TEXT_FIELDS)}
        goal.update({"number": number, "keep": bool(form.get(f"goal-{number}-keep")),
                     "written": not goal["id"] and not goal["template"]})
        goals.append(goal)
    return goals


def _plan_form(found, goals, error=None, numbers=(), plan=None, reason=""):
    errors = plan_forms.plan_errors(error, list(numbers)) if error else {}
    return render_template("console/plan_form.html", patient=found, described=patients.describe(found),
                           goals=goals, plan=plan, error=error, errors=errors, reason=reason,
                           idempotency_key=request.form.get("idempotency_key") or secrets.token_hex(16))


@console.post("/patients/<patient_id>/care-plans")
@login_required()
def create_plan(patient_id):
    """Step 2 shows the chosen goals to adjust with the patient; step 3 (save=1) stores the plan."""
    session = get_session()
    found = patients.get(session, patient_id, g.user)
    if request.form.get("save") != "1":
        written = 1 if request.form.get("written") else 0
        goals = _chosen_goals(found, request.form.getlist("templates"), written)
        audit.record(session, g.user, "read", "care_plan_form", [found.id], "console")
        session.commit()
        if not goals:
            return redirect(url_for("console.choose_goals", patient_id=patient_id))
        return _plan_form(found, goals)
    return _save(session, found, PlanInput, lambda data: care_plans.create(
        session, library(), found, g.user, data, current_app.config["PORTAL_LANGUAGES"]), {})


def _save(session, found, model, store, again: dict):
    """Save a plan form once per idempotency key (`store` makes the plan from the parsed body) and go to the
    plan; on a mistake, the form again with every error next to its field (`again`: the form's other values)."""
    body, numbers = plan_forms.plan_body(request.form, amending=model is PlanAmendment)
    try:
        data = parse(model, body)

        def create():
            plan = store(data)
            audit.record(session, g.user, "write", "care_plan", [found.id], "console")
            return 201, {"id": plan.public_id}

        key = "console-" + request.form.get("idempotency_key", secrets.token_hex(16))
        _, made = idempotency.run(session, g.user, key, idempotency.request_hash("POST", request.path, body), create,
                                  lambda: audit.record(session, g.user, "read", "care_plan_replayed", [found.id],
                                                       "console"))
    except CareError as error:
        return _plan_form(found, _form_goals(request.form), error, numbers, **again), 422
    return redirect(url_for("console.care_plan", plan_id=made["id"], saved=1))


def _plan_and_patient(plan_id: str, what: str):
    session = get_session()
    plan = care_plans.get(session, plan_id, g.user)
    found = session.get(Patient, plan.patient_id)
    audit.record(session, g.user, "read", what, [found.id], "console")
    session.commit()
    return session, plan, found


@console.get("/care-plans/<plan_id>")
@login_required()
def care_plan(plan_id):
    """The plan with every goal's progress; deliver it (print, code), amend it, or record a call on it."""
    session, plan, found = _plan_and_patient(plan_id, "care_plan")
    [described] = care_plans.describe(session, found, [plan])
    latest = care_plans.latest_version(session, plan)
    guides = list(dict.fromkeys(f"condition:{goal.guide}" for goal in latest.goals if goal.guide))
    return render_template("console/plan.html", patient=found, described=patients.describe(found), plan=described,
                           latest=latest, guides=guides, guide_titles=", ".join(_titles(guides)), plan_forms=plan_forms,
                           idempotency_key=secrets.token_hex(16))


def _titles(refs: list[str]) -> list[str]:
    """The guides' titles in the care manager's language."""
    lang = console_language()
    return [page.title for ref in refs if (page := library().page("condition", ref.partition(":")[2], lang))]


@console.post("/care-plans/<plan_id>/codes")
@login_required()
def care_plan_code(plan_id):
    """A code for the patient's "My care plan" page, shown once (only its hash is kept)."""
    session = get_session()
    plan = care_plans.get(session, plan_id, g.user)
    found = session.get(Patient, plan.patient_id)
    key = "console-" + (request.form.get("idempotency_key") or secrets.token_hex(16))
    _, made = issue_code(session, plan, g.user, "console", key,
                         idempotency.request_hash("POST", request.path, {}))
    return render_template("console/plan_code.html", patient=found, described=patients.describe(found), plan=plan,
                           made=made, page=plan_page(plan.language))


@console.get("/care-plans/<plan_id>/print")
@login_required()
def care_plan_print(plan_id):
    """The patient's "My care plan" page to print, in the plan's language (no name, no reference)."""
    session, plan, _found = _plan_and_patient(plan_id, "care_plan_print")
    latest = care_plans.latest_version(session, plan)
    with force_locale(latest.language):
        return render_template("site/my_plan.html", lang=latest.language,
                               plan=plan_codes.page(library(), latest, site_root()), made_on=latest.created_at.date())


@console.route("/care-plans/<plan_id>/amend", methods=["GET", "POST"])
@login_required()
def amend_plan(plan_id):
    """The plan as it now stands, to change with the patient (goals added with ?templates=), and why."""
    session = get_session()
    plan = care_plans.get(session, plan_id, g.user)
    found = session.get(Patient, plan.patient_id)
    latest = care_plans.latest_version(session, plan)
    if request.method == "GET":
        audit.record(session, g.user, "read", "care_plan", [found.id], "console")
        session.commit()
        goals = [{"number": index, "id": goal.public_id, "guide": goal.guide or "", "template": goal.template_id or "",
                  "lang": goal.text_language, "goal": goal.goal, "steps": "\n".join(goal.steps),
                  "measure": goal.measure, "call_when": goal.call_when, "keep": True,
                  "target_date": goal.target_date.isoformat() if goal.target_date else "", "written": False}
                 for index, goal in enumerate(latest.goals)]
        goals += _chosen_goals(found, request.args.getlist("templates"), 1 if request.args.get("written") else 0,
                               len(goals))
        return _plan_form(found, goals, plan=latest)
    return _save(session, found, PlanAmendment,
                 lambda data: care_plans.amend(session, library(), g.user, plan_id, data)[0],
                 {"plan": latest, "reason": request.form.get("reason", "")})
