"""The console's choice lists in the user's language, and form data turned into service input."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _  # lazy: the labels are read in each request's language

from portal.care import languages, programs
from portal.console.plan_forms import progress_body

KINDS = {"condition": _("Guide"), "medication": _("Medicine sheet"), "topic": _("Topic"),
         "resource": _("Community help")}
LEARNERS = {"patient": _("Patient"), "caregiver": _("Caregiver"), "family": _("Family")}
READINESS = {"eager": _("Eager to learn"), "accepting": _("Accepting"), "hesitant": _("Hesitant"),
             "not_ready": _("Not ready")}
BARRIERS = {"none": _("None"), "language": _("Language"), "literacy": _("Reading"), "vision": _("Vision"),
            "hearing": _("Hearing"), "cognitive": _("Memory or thinking")}
METHODS = {"verbal": _("Talked it through"), "handout": _("Handout"), "demonstration": _("Demonstration"),
           "video": _("Video"), "teach_back": _("Teach-back")}
EVALUATIONS = {"verbalizes_understanding": _("Explains it back"),
               "demonstrates_understanding": _("Shows how to do it"),
               "needs_reinforcement": _("Needs more teaching"),
               "no_evidence_of_learning": _("No sign of learning"), "refused_teaching": _("Refused teaching")}
MINUTES_BY = {"clinical_staff": _("Clinical staff"), "billing_practitioner": _("Billing practitioner")}
PROGRAMS = {"ccm": _("CCM (chronic care management)"), "ccm_complex": _("Complex CCM"),
            "pcm": _("PCM (principal care management)"), "bhi": _("BHI (behavioral health integration)")}
PROGRAM_RULES = {  # as portal.care.programs counts them
    "ccm": _("CCM: 99490 first 20 staff minutes, 99439 each further 20 (at most twice); 99491 first 30 "
             "practitioner minutes, 99437 each further 30."),
    "ccm_complex": _("Complex CCM: 99487 first 60 staff minutes, 99489 each further 30; it also needs moderate or "
                     "high complexity medical decision making, which the minutes cannot show."),
    "pcm": _("PCM: 99426 first 30 staff minutes, 99427 each further 30; 99424 first 30 practitioner minutes, 99425 "
             "each further 30."),
    "bhi": _("BHI: 99484 at 20 minutes (a practitioner's minutes count as staff time)."),
}


# What the console says next to a field whose value the service refused (its own words otherwise).
FIELD_MESSAGES = {"taught_on": _("Write the day the teaching happened (not a future day)."),
                  "learner": _("Choose who was taught."), "readiness": _("Choose how ready the learner was."),
                  "barriers": _("Tick each barrier to learning, or None."),
                  "methods": _("Tick at least one way you taught."),
                  "evaluation": _("Choose how it went for this topic."),
                  "interpreter_language": _("Choose the interpreter's language from the list."),
                  "interpreter_id": _("Write at most 40 characters."),
                  "minutes": _("Write the minutes spent, from 1 to 240."),
                  "minutes_by": _("Choose who spent the minutes."),
                  "program": _("Choose a program the clinic runs."), "note": _("Write at most 2000 characters."),
                  "reason": _("Say why the record is corrected."),
                  "goal_progress": _("Choose how each goal went (or leave its barriers and note empty).")}
# Refusals with words of their own (else the field's message above).
REFUSALS = {programs.PRACTITIONER_ONLY: _("Only a billing practitioner may record a billing practitioner's minutes; "
                                          "choose Clinical staff, or ask an admin to mark you as one.")}


def education_body(form, lang: str) -> dict:
    """The education form as the JSON body the API takes (the same validation runs on it).

    An interpreter language (a name in `lang` or English, or a tag) means an interpreter was used;
    a topic without its own evaluation takes the one chosen for every topic."""
    topics = form.getlist("topics")
    typed = (form.get("interpreter_language") or "").strip()
    everyone = form.get("evaluation-all", "")
    body = {"taught_on": form.get("taught_on", ""), "topics": topics, "learner": form.get("learner", ""),
            "readiness": form.get("readiness", ""), "barriers": form.getlist("barriers"),
            "methods": form.getlist("methods"),
            "evaluations": [{"topic": t, "evaluation": form.get(f"evaluation-{t}") or everyone} for t in topics],
            "interpreter_used": bool(typed),
            "interpreter_language": (languages.from_text(typed, lang) or typed) if typed else None,
            "interpreter_id": (form.get("interpreter_id") or "").strip() or None,
            "resources_given": form.getlist("resources_given"),
            "minutes": _whole_number(form.get("minutes", "")), "minutes_by": form.get("minutes_by", ""),
            "note": form.get("note", "")}
    if form.get("program"):
        body["program"] = form.get("program")
    if form.get("reason") is not None:
        body["reason"] = form.get("reason", "")
    progress = progress_body(form)
    if progress:
        body["goal_progress"] = progress
    return body


def _whole_number(text: str):
    """A form's number as an int for the API's strict model; anything else stays text, which it refuses."""
    text = text.strip()
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else text


def field_errors(error, topics: list[str]) -> dict[str, str]:
    """The service's errors as {form field id: message in the user's language}, one per field."""
    found: dict[str, str] = {}
    for problem in getattr(error, "errors", None) or [{"field": "body", "detail": error.detail}]:
        field = problem["field"]
        if field.startswith("evaluations["):
            index = int(field[len("evaluations["):].split("]")[0])
            key, message = f"evaluation-{index + 1}", FIELD_MESSAGES["evaluation"]
            if index >= len(topics):
                key = "form"
        else:
            key = field.split("[")[0].split(".")[0]
            message = REFUSALS.get(problem["detail"]) or FIELD_MESSAGES.get(key, problem["detail"])
        found.setdefault(key if key in FIELD_MESSAGES or key.startswith("evaluation-") else "form", str(message))
    return found
