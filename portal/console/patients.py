"""Console pages about one patient: find, timeline, assign reading, record and amend education."""
from __future__ import annotations

import datetime as dt
import json
import secrets

from flask import Response, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.care.inputs import PatientInput, parse
from portal.care import (assignments, audit, care_plans, education, education_csv, fhir, idempotency, languages,
                         patients, programs, teams, timeline)
from portal.care.errors import CareError
from portal.care.items import resolve
from portal.console import console, console_language, forms, login_required, plan_forms
from portal.console.content_search import hit, search_content
from portal.db import get_session
from portal.web import library, site_root


def _settings():
    return current_app.config["PORTAL_PATIENT_KEY"], current_app.config["PORTAL_LANGUAGES"]


@console.post("/patients")
@login_required()
def find_patient():
    """The reference comes in the form body and leaves only as the patient's opaque id."""
    key, languages = _settings()
    session = get_session()
    try:
        data = parse(PatientInput, {"reference": request.form.get("reference", ""),
                                    "language": request.form.get("language", "en"),
                                    "team": request.form.get("team") or None})
        patient, created = patients.find_or_create(session, data.reference, data.language, key, languages,
                                                   g.user, data.team)
    except CareError as error:
        return render_template("console/home.html", query="", hits=[], search_lang="en", user=g.user,
                               patient_error=error, teams=teams.choosable(session, g.user)), error.status
    audit.record(session, g.user, "write" if created else "read", "patient", [patient.id], "console")
    session.commit()
    return redirect(url_for("console.patient", patient_id=patient.public_id))


@console.route("/patients/<patient_id>")
@login_required()
def patient(patient_id):
    session = get_session()
    found = patients.get(session, patient_id, g.user)
    query = request.args.get("q", "").strip()
    shown = MORE_RESULTS if request.args.get("more") else FIRST_RESULTS
    hits = search_content(library(), query, found.language, shown + 1)
    events = timeline.events(session, library(), site_root(), current_app.config["PORTAL_CLINIC_NAME"], found)
    audit.record(session, g.user, "read", "timeline", [found.id], "console")
    session.commit()
    plans = care_plans.describe(session, found, care_plans.current_plans(session, found))
    return render_template("console/patient.html", patient=found, described=patients.describe(found),
                           hits=guides_first(hits[:shown]), more=len(hits) > shown, query=query, events=events,
                           forms=forms, idempotency_key=secrets.token_hex(16), titles=_titles(events), plans=plans,
                           plan_forms=plan_forms)


FIRST_RESULTS, MORE_RESULTS = 10, 50


def _titles(events: list[dict]) -> dict[str, str]:
    """The title, in the care manager's language, of each page the timeline names."""
    refs = {e["topic"] for ev in events if ev["kind"] == "education" for e in ev["education"]["evaluations"]}
    refs |= {r for ev in events if ev["kind"] == "education" for r in ev["education"]["resources_given"]}
    return {ref: item.title for ref in refs if (item := resolve(library(), ref, console_language()))}


def guides_first(hits: list) -> list:
    """Search results with guides, sheets and topics before community resources, each in search order."""
    return sorted(hits, key=lambda h: h.item.kind == "resource")


@console.get("/patients/<patient_id>/fhir")
@login_required()
def patient_fhir(patient_id):
    """The patient's education records as the API's FHIR Bundle (portal.care.fhir), to download."""
    return _download(patient_id, "fhir_bundle", "application/fhir+json", "fhir.json", lambda session, found: json.dumps(
        fhir.patient_bundle(session, library(), found, current_app.config["PORTAL_API_URL"] or request.host_url,
                            current_app.config["PORTAL_PATIENT_IDENTIFIER_SYSTEM"]), ensure_ascii=False, indent=1))


@console.get("/patients/<patient_id>/education.csv")
@login_required()
def patient_csv(patient_id):
    """The patient's education records, amendments included, as CSV for a spreadsheet."""
    return _download(patient_id, "education_csv", "text/csv", "csv", lambda session, found: education_csv.as_csv(
        library(), timeline.describe_records(session, education.for_patient(session, found)), console_language()))


def _download(patient_id: str, what: str, mimetype: str, extension: str, make) -> Response:
    """A file about a patient the user may see, its reading audited; named by the opaque id only."""
    session = get_session()
    found = patients.get(session, patient_id, g.user)
    body = make(session, found)
    audit.record(session, g.user, "read", what, [found.id], "console")
    session.commit()
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="education-{found.public_id}.{extension}"'})


@console.post("/patients/<patient_id>/assignments")
@login_required()
def assign(patient_id):
    session = get_session()
    found = patients.get(session, patient_id, g.user)
    key = request.form.get("idempotency_key") or secrets.token_hex(16)

    def create():
        made = assignments.create(session, library(), found, g.user, request.form.getlist("items"),
                                  request.form.get("language") or found.language,
                                  current_app.config["PORTAL_LANGUAGES"], current_app.config["PORTAL_CODE_DAYS"])
        audit.record(session, g.user, "write", "assignment", [found.id], "console")
        return 201, assignments.describe(library(), site_root(), current_app.config["PORTAL_CLINIC_NAME"], made)

    try:
        _, made = idempotency.run(session, g.user, "console-" + key,
                                  idempotency.request_hash("POST", request.path, request.form.to_dict(flat=False)),
                                  create, _replay_audit(session, "assignment_replayed", found.id))
    except CareError as error:
        return redirect(url_for("console.patient", patient_id=patient_id, error=error.detail))
    refs = [item["ref"] for item in made["items"]]
    return render_template("console/assigned.html", patient=found, assignment=made, qr=assignments.qr_svg(made["link"]),
                           print_link=assignments.print_link(site_root(), made["language"], refs),
                           **_form_context(found, refs, {"methods": ["verbal", "handout", "teach_back"],
                                                         "resources_given": [r for r in refs if r.startswith("resource:")]}))


@console.route("/patients/<patient_id>/education", methods=["POST"])
@login_required()
def educate(patient_id):
    """Step 1 shows the form for the chosen topics; step 2 (save=1) records it."""
    session = get_session()
    found = patients.get(session, patient_id, g.user)
    topics = (request.form.getlist("topics") + request.form.getlist("resources_given")) or request.form.getlist(
        "items")
    if request.form.get("save") != "1":
        audit.record(session, g.user, "read", "education_form", [found.id], "console")
        session.commit()
        return _education_form(found, topics, {}, None)
    body = forms.education_body(request.form, console_language())
    try:
        data = education.parse(education.EducationInput, body)

        def create():
            goals = care_plans.progress_goals(session, found, data.goal_progress)
            row = education.record(session, library(), found, g.user, data)
            audit.record(session, g.user, "write", "education_record", [found.id], "console")
            _save_progress(session, row, goals, found)
            return 201, {"id": row.public_id}

        idempotency.run(session, g.user, "console-" + request.form.get("idempotency_key", secrets.token_hex(16)),
                        idempotency.request_hash("POST", request.path, body), create,
                        _replay_audit(session, "education_record_replayed", found.id))
    except CareError as error:
        return _education_form(found, topics, request.form, error), 422
    return redirect(url_for("console.patient", patient_id=patient_id, saved="education"))


@console.route("/records/<record_id>/amend", methods=["GET", "POST"])
@login_required()
def amend(record_id):
    session = get_session()
    row = education.get(session, record_id, g.user)
    found = session.get(patients.Patient, row.patient_id)
    if request.method == "GET":
        audit.record(session, g.user, "read", "education_record", [found.id], "console")
        session.commit()
        return _education_form(found, row.topics + (row.resources_given or []),
                               {**_as_form(row), **_progress_form(session, found, row)}, None, amending=row)
    body = forms.education_body(request.form, console_language())
    try:
        data = education.parse(education.AmendmentInput, body)

        def create():
            goals = care_plans.progress_goals(session, found, data.goal_progress)
            made, _patient = education.amend(session, library(), g.user, record_id, data)
            audit.record(session, g.user, "write", "education_record", [found.id], "console")
            _save_progress(session, made, goals, found)
            return 201, {"id": made.public_id}

        idempotency.run(session, g.user, "console-" + request.form.get("idempotency_key", secrets.token_hex(16)),
                        idempotency.request_hash("POST", request.path, body), create,
                        _replay_audit(session, "education_record_replayed", found.id))
    except CareError as error:
        return _education_form(found, row.topics + (row.resources_given or []), request.form, error,
                               amending=row), 422
    return redirect(url_for("console.patient", patient_id=found.public_id, saved="amendment"))


def _save_progress(session, row, goals, found) -> None:
    """The goals' progress, saved with the record in the same transaction, audited."""
    if care_plans.add_progress(session, row, goals):
        audit.record(session, g.user, "write", "goal_progress", [found.id], "console")


def _replay_audit(session, what: str, patient_id: int):
    """The audit event of showing a stored result again (a form posted twice with one key)."""
    return lambda: audit.record(session, g.user, "read", what, [patient_id], "console")


def _as_form(row) -> dict:
    values = {"taught_on": row.taught_on.isoformat(), "learner": row.learner, "readiness": row.readiness,
              "barriers": row.barriers, "methods": row.methods, "minutes": str(row.minutes),
              "minutes_by": row.minutes_by, "program": row.program, "note": row.note,
              "interpreter_id": row.interpreter_id or "",
              "interpreter_language": languages.name_of(row.interpreter_language, console_language())
              if row.interpreter_used else "", "resources_given": row.resources_given or []}
    values.update({f"evaluation-{e['topic']}": e["evaluation"] for e in row.evaluations})
    return values


def _progress_form(session, found, row) -> dict:
    """The record's goal progress as form values, under the id each goal now has in the patient's plan."""
    saved = care_plans.progress_of_records(session, [row.id]).get(row.id, [])
    if not saved:
        return {}
    threads = care_plans.goal_threads(session, [item["goal"] for item in saved])
    now = {care_plans.root(goal): goal.public_id
           for goal, _last in care_plans.active_goals(session, found, set(threads.values()))}
    values = {}
    for item in saved:
        goal = now.get(threads.get(item["goal"]), item["goal"])
        values.update({f"progress-{goal}-status": item["status"], f"progress-{goal}-barriers": item["barriers"],
                       f"progress-{goal}-note": item["note"]})
    return values


class _Values:
    """Form values for the template: from a submitted form, a stored record, or nothing."""

    def __init__(self, source):
        self.source = source

    def get(self, name, default=""):
        value = self.source.get(name, default) if self.source else default
        return value if not isinstance(value, list) else (value[0] if value else default)

    def getlist(self, name):
        if hasattr(self.source, "getlist"):
            return self.source.getlist(name)
        value = (self.source or {}).get(name, [])
        return value if isinstance(value, list) else [value]


def _form_context(found, refs: list[str], values, error=None, keep=frozenset()) -> dict:
    """What the teaching form needs: the guides taught (teach-back questions in the care manager's language
    and the patient's), the resources given, the language names, the patient's care-plan goals (with those
    of `keep`, goal threads the record being amended names, even when stopped since), and the values and
    errors to show."""
    lang = console_language()
    hits = [h for ref in dict.fromkeys(refs) if (h := hit(library(), ref, found.language))]
    topics = [h for h in hits if h.item.kind != "resource"]
    own = {h.item.ref: (hit(library(), h.item.ref, lang) if lang != found.language else None) for h in topics}
    return {"described": patients.describe(found), "hits": topics, "resources": [h for h in hits if h.item.kind == "resource"], "own_language": own,
            "plan_goals": care_plans.active_goals(get_session(), found, keep), "plan_forms": plan_forms,
            "values": _Values(values), "error": error, "forms": forms, "today": dt.date.today().isoformat(),
            "errors": forms.field_errors(error, [h.item.ref for h in topics]) if error else {},
            "interpreter_languages": languages.names(lang), "idempotency_key": secrets.token_hex(16),
            "programs": _program_choices(values)}


def _program_choices(values) -> list[str]:
    """The programs the clinic runs, and the one a record being corrected already has."""
    offered = list(programs.offered())
    had = values.get("program") if values else None
    return offered + ([had] if had in programs.KEYS and had not in offered else [])


def _education_form(found, refs, values, error, amending=None):
    keep = set()
    if amending is not None:
        saved = care_plans.progress_of_records(get_session(), [amending.id]).get(amending.id, [])
        keep = set(care_plans.goal_threads(get_session(), [item["goal"] for item in saved]).values())
    context = _form_context(found, refs, values, error, keep)
    if not context["hits"]:
        return redirect(url_for("console.patient", patient_id=found.public_id,
                                error=_("Choose at least one guide or medicine to teach.")))
    return render_template("console/educate.html", patient=found, amending=amending, **context)
