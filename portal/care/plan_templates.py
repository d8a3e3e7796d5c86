"""The care-plan goal templates of the condition guides, for a patient: their own guides first.

A template's texts are read from the guide in the plan's language; a guide not yet translated
gives its English texts, and says so (`lang` is then "en"), so the page can mark them lang="en".
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.content import Library
from portal.content.models import GoalTemplate
from portal.db.models import Assignment, EducationRecord, Patient


@dataclass(frozen=True)
class GuideTemplates:
    """One guide's templates in one language (`lang`: the language the texts are in)."""

    slug: str
    title: str
    lang: str
    templates: list[GoalTemplate]
    patients_own: bool = False  # assigned to or taught to the patient


def template(library: Library, guide: str, template_id: str, lang: str) -> tuple[GoalTemplate, str] | None:
    """The template `guide`/`template_id` in `lang` (or English) and the language its texts are in."""
    page = library.page("condition", guide, lang)
    found = next((t for t in page.care_plan if t.id == template_id), None) if page else None
    return (found, page.lang) if found else None


def guides_of(session: Session, patient: Patient) -> list[str]:
    """The condition guides assigned to or taught to the patient, most recent first, each once."""
    refs: list[str] = []
    for items in session.scalars(select(Assignment.items).where(Assignment.patient_id == patient.id)
                                 .order_by(Assignment.id.desc())):
        refs += items
    for topics in session.scalars(select(EducationRecord.topics).where(EducationRecord.patient_id == patient.id)
                                  .order_by(EducationRecord.id.desc())):
        refs += topics
    return list(dict.fromkeys(ref.partition(":")[2] for ref in refs if ref.startswith("condition:")))


def for_patient(session: Session, library: Library, patient: Patient, lang: str) -> list[GuideTemplates]:
    """Every guide that has templates: the patient's own guides first (most recent first), then the rest
    by title."""
    own = [slug for slug in guides_of(session, patient) if slug in library.conditions]
    others = sorted((slug for slug in library.conditions if slug not in own),
                    key=lambda slug: library.page("condition", slug, lang).title.casefold())
    found = []
    for slug in own + others:
        page = library.page("condition", slug, lang)
        if page.care_plan:
            found.append(GuideTemplates(slug, page.title, page.lang, list(page.care_plan), slug in own))
    return found
