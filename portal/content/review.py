"""Clinical review: which version of the English page a clinician reviewed, and whether it still holds.

A review names the English text by its hash: the same hash a translation's `translation.source`
records (`source_hash`). The review fields themselves are left out of the hash, so adding a
review neither outdates the review nor the page's translations.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from portal.content.errors import ContentError
from portal.content.frontmatter import YamlDocument

REVIEW_FIELDS = ("clinical_review", "review_by")
_REVIEW_KEY = re.compile(r"^(" + "|".join(REVIEW_FIELDS) + r")\s*:")

NEVER, OUTDATED, OVERDUE, CURRENT = "never reviewed", "reviewed an older text", "past its review-by date", "reviewed"
NEEDS_REVIEW = (NEVER, OUTDATED)  # the text shown has not been reviewed


def without_review_fields(data: bytes) -> bytes:
    """The file with its front matter's review fields (and their indented lines) taken out."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return data
    kept, skipping, in_front_matter = [lines[0]], False, True
    for line in lines[1:]:
        if in_front_matter and line.strip() == "---":
            in_front_matter = skipping = False
        elif in_front_matter and _REVIEW_KEY.match(line):
            skipping = True
            continue
        elif skipping and line[:1] in (" ", "\t") and line.strip():
            continue
        else:
            skipping = False
        kept.append(line)
    return "".join(kept).encode("utf-8")


@dataclass(frozen=True)
class ReviewState:
    """Where one English page stands: status (NEVER, OUTDATED, OVERDUE or CURRENT) and the hash to review."""

    status: str
    current_hash: str

    @property
    def needs_review(self) -> bool:
        return self.status in NEEDS_REVIEW


def review_state(english, today: dt.date) -> ReviewState:
    """The clinical review state of an English page."""
    review = english.meta.clinical_review
    if review is None:
        return ReviewState(NEVER, english.source_hash)
    if review.source_hash != english.source_hash:
        return ReviewState(OUTDATED, english.source_hash)
    if english.meta.review_due < today:
        return ReviewState(OVERDUE, english.source_hash)
    return ReviewState(CURRENT, english.source_hash)


def review_errors(page, document: YamlDocument, source_language: str) -> list[ContentError]:
    """Review fields that cannot be right: on a translation, review_by alone, or before the review."""
    meta, errors = page.meta, []
    if page.lang != source_language and meta.clinical_review is not None:
        errors.append(ContentError(page.path, document.line_of(("clinical_review",)), "clinical_review",
                                   "a clinician reviews the English page; a translation is reviewed as a translation",
                                   "remove clinical_review here and add it to the English page; for this page "
                                   "use 'translation: {status: reviewed, reviewed_by: ...}'"))
    if meta.review_by is not None and meta.clinical_review is None:
        errors.append(ContentError(page.path, document.line_of(("review_by",)), "review_by",
                                   "review_by is given but the page has no clinical_review",
                                   "remove review_by, or add the clinical_review it belongs to"))
    elif meta.review_by is not None and meta.review_by <= meta.clinical_review.date:
        errors.append(ContentError(page.path, document.line_of(("review_by",)), "review_by",
                                   f"{meta.review_by.isoformat()} is not after the review "
                                   f"({meta.clinical_review.date.isoformat()})",
                                   "give a later date, or leave review_by out: the default is 12 months after"))
    if meta.reviewed_by and meta.clinical_review is None:
        errors.append(ContentError(page.path, document.line_of(("reviewed_by",)), "reviewed_by",
                                   "reviewed_by is a note; it does not record a clinical review",
                                   "a clinician adds 'clinical_review: {reviewer, credentials, date, source_hash}' "
                                   "(see CONTRIBUTING.md)", "warning"))
    return errors
