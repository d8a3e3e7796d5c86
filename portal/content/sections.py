"""The sections each kind of page must have, and their headings in each language.

Sections are found by heading text, so writers write ordinary Markdown headings. English
headings are here; a new language brings its own in translations/<lang>/sections.yaml.
"""
from __future__ import annotations

import yaml

from portal.i18n import TRANSLATIONS

# (section id, required) in the order they must appear.
CONDITION_SECTIONS = [
    ("what-it-is", True),
    ("what-you-can-do", True),
    ("your-medicines", True),
    ("when-to-get-help", True),
    ("questions", True),
]
MEDICATION_SECTIONS = [
    ("what-it-is-for", True),
    ("how-to-take-it", True),
    ("common-side-effects", True),
    ("serious-side-effects", True),
    ("what-to-avoid", True),
    ("when-to-get-help", True),
    ("questions", False),
]
TOPIC_SECTIONS = [
    ("what-to-know", True),
    ("what-you-can-do", True),
    ("when-to-get-help", True),
    ("questions", True),
]
SECTIONS = {"condition": CONDITION_SECTIONS, "medication": MEDICATION_SECTIONS, "topic": TOPIC_SECTIONS}

# The section that holds the reader's actions, for the PEMAT "actionability" items.
ACTION_SECTION = {"condition": "what-you-can-do", "medication": "how-to-take-it", "topic": "what-you-can-do"}

HEADINGS: dict[str, dict[str, str]] = {
    "en": {
        "what-it-is": "What it is",
        "what-to-know": "What to know",
        "what-you-can-do": "What you can do",
        "your-medicines": "Your medicines",
        "when-to-get-help": "When to get help",
        "questions": "Questions to ask your care team",
        "what-it-is-for": "What it is for",
        "how-to-take-it": "How to take it",
        "common-side-effects": "Common side effects",
        "serious-side-effects": "Serious side effects",
        "what-to-avoid": "What to avoid",
        # subsections of "when-to-get-help"
        "emergency": "Call 911 if",
        "clinic": "Call your clinic if",
    },
}


def _load_translated_headings() -> None:
    """Other languages' headings live with their translations: translations/<lang>/sections.yaml."""
    for path in sorted(TRANSLATIONS.glob("*/sections.yaml")):
        HEADINGS[path.parent.name] = yaml.safe_load(path.read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return " ".join(text.casefold().strip().rstrip(":.").split())


def section_id(heading: str, lang: str) -> str | None:
    """The section id a heading stands for in `lang`, or None for a writer's own section."""
    headings = HEADINGS.get(lang, HEADINGS["en"])
    known = _ids.get(lang)
    if known is None or known[0] is not headings or known[1] != len(headings):
        ids: dict[str, str] = {}
        for key, text in headings.items():
            ids.setdefault(_norm(text), key)  # the first key of a heading, as a search in order finds it
        known = _ids[lang] = (headings, len(headings), ids)
    return known[2].get(_norm(heading))


_ids: dict[str, tuple] = {}  # lang -> (its headings, how many, normalized heading -> section id)


def heading(key: str, lang: str) -> str:
    """The heading a writer should use for section `key` in `lang`."""
    return HEADINGS.get(lang, HEADINGS["en"]).get(key) or HEADINGS["en"][key]


_load_translated_headings()
