"""The console's choice lists in the user's language, and form data turned into service input."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _  # lazy: the labels are read in each request's language

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


def education_body(form) -> dict:
    """The education form as the JSON body the API takes (the same validation runs on it)."""
    topics = form.getlist("topics")
    body = {"taught_on": form.get("taught_on", ""), "topics": topics, "learner": form.get("learner", ""),
            "readiness": form.get("readiness", ""), "barriers": form.getlist("barriers"),
            "methods": form.getlist("methods"),
            "evaluations": [{"topic": t, "evaluation": form.get(f"evaluation-{t}", "")} for t in topics],
            "interpreter_used": form.get("interpreter_used") == "yes",
            "interpreter_language": form.get("interpreter_language") or None,
            "minutes": _whole_number(form.get("minutes", "")), "minutes_by": form.get("minutes_by", ""),
            "note": form.get("note", "")}
    if not body["interpreter_used"]:
        body["interpreter_language"] = None
    if form.get("reason") is not None:
        body["reason"] = form.get("reason", "")
    return body


def _whole_number(text: str):
    """A form's number as an int for the API's strict model; anything else stays text, which it refuses."""
    text = text.strip()
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else text
