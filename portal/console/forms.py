"""The console's choice lists in the user's language, and form data turned into service input."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

LEARNERS = {"patient": _l("Patient"), "caregiver": _l("Caregiver"), "family": _l("Family")}
READINESS = {"eager": _l("Eager to learn"), "accepting": _l("Accepting"), "hesitant": _l("Hesitant"),
             "not_ready": _l("Not ready")}
BARRIERS = {"none": _l("None"), "language": _l("Language"), "literacy": _l("Reading"), "vision": _l("Vision"),
            "hearing": _l("Hearing"), "cognitive": _l("Memory or thinking")}
METHODS = {"verbal": _l("Talked it through"), "handout": _l("Handout"), "demonstration": _l("Demonstration"),
           "video": _l("Video"), "teach_back": _l("Teach-back")}
EVALUATIONS = {"verbalizes_understanding": _l("Explains it back"),
               "demonstrates_understanding": _l("Shows how to do it"),
               "needs_reinforcement": _l("Needs more teaching"),
               "no_evidence_of_learning": _l("No sign of learning"), "refused_teaching": _l("Refused teaching")}
MINUTES_BY = {"clinical_staff": _l("Clinical staff"), "billing_practitioner": _l("Billing practitioner")}


def education_body(form) -> dict:
    """The education form as the JSON body the API takes (the same validation runs on it)."""
    topics = form.getlist("topics")
    body = {"taught_on": form.get("taught_on", ""), "topics": topics, "learner": form.get("learner", ""),
            "readiness": form.get("readiness", ""), "barriers": form.getlist("barriers"),
            "methods": form.getlist("methods"),
            "evaluations": [{"topic": t, "evaluation": form.get(f"evaluation-{t}", "")} for t in topics],
            "interpreter_used": form.get("interpreter_used") == "yes",
            "interpreter_language": form.get("interpreter_language") or None,
            "minutes": form.get("minutes", ""), "minutes_by": form.get("minutes_by", ""),
            "note": form.get("note", "")}
    if not body["interpreter_used"]:
        body["interpreter_language"] = None
    if form.get("reason") is not None:
        body["reason"] = form.get("reason", "")
    return body
