"""Reports on the content library, as text for a terminal or Markdown for a pull request."""
from __future__ import annotations

import datetime as dt

from portal.content import Library
from portal.content.pages import PAGE_KINDS, SOURCE_LANGUAGE
from portal.content.review import CURRENT


def _table(headers: list[str], rows: list[list[str]], fmt: str) -> str:
    if fmt == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def readability_report(library: Library, fmt: str = "text") -> str:
    """Grade, words, PEMAT results, long sentences and unexplained terms of each English page."""
    pages = sorted((p for p in library.all_pages() if p.plain_language), key=lambda p: p.path)
    rows, details = [], []
    for page in pages:
        result = page.plain_language
        passed = sum(item.passed for item in result.pemat)
        exception = page.meta.readability_exception
        rows.append([page.path, f"{result.grade:.1f}", str(result.words), f"{passed}/{len(result.pemat)}",
                     str(len(result.long_sentences)), ", ".join(result.undefined_terms) or "-",
                     f"yes: {exception.reason} ({exception.reviewed_by})" if exception else "-"])
        notes = [f"  PEMAT not met: {item.name}: {item.detail}" for item in result.pemat_failed]
        notes += [f"  long sentence: {sentence}" for sentence in result.long_sentences]
        notes += [f"  explain where first used: {term}" for term in result.undefined_terms]
        if notes:
            details.append(page.path + "\n" + "\n".join(notes))
    grades = [p.plain_language.grade for p in pages]
    title = "Readability (Flesch-Kincaid grade: at most 8, aim for 6)"
    summary = (f"{len(pages)} pages; median grade {sorted(grades)[len(grades) // 2]:.1f}; "
               f"highest {max(grades):.1f}" if grades else "no English pages")
    table = _table(["page", "grade", "words", "PEMAT", "long sentences", "unexplained terms", "exception"], rows, fmt)
    heading = f"## {title}" if fmt == "markdown" else title
    parts = [heading, summary, "", table]
    if details:
        parts += ["", "Details:" if fmt == "text" else "### Details", ""]
        parts += ["```\n" + "\n\n".join(details) + "\n```"] if fmt == "markdown" else ["\n\n".join(details)]
    return "\n".join(parts)


STATUSES = ("missing", "outdated", "machine", "reviewed")


def translations_report(library: Library, languages: tuple[str, ...], fmt: str = "text") -> str:
    """Per language: how many pages are missing, outdated, machine-translated or reviewed, and which."""
    sections = []
    for lang in languages[1:]:
        rows, counts = [], dict.fromkeys(STATUSES, 0)
        for kind in PAGE_KINDS:
            for slug in sorted(library.pages_of(kind)):
                status = library.translation_status(kind, slug, lang)
                counts[status] += 1
                english = library.pages_of(kind)[slug]["en"]
                made_from = library.pages_of(kind)[slug].get(lang)
                rows.append([f"{kind}s/{slug}", status, english.source_hash,
                             made_from.meta.translation.source if made_from else "-"])
        title = f"{lang}: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES)
        sections.append((f"### {title}" if fmt == "markdown" else title) + "\n\n" +
                        _table(["page", "status", "English now", "translated from"], rows, fmt))
    heading = "## Translations" if fmt == "markdown" else "Translations"
    return "\n\n".join([heading, *sections])


def review_report(library: Library, today: dt.date, fmt: str = "text") -> tuple[str, int]:
    """English pages whose text no clinician reviewed (never, or an older text) or whose review ran out."""
    rows = []
    for kind in PAGE_KINDS:
        for slug, versions in sorted(library.pages_of(kind).items()):
            state = library.review_state(kind, slug, today)
            if state.status == CURRENT:
                continue
            meta = versions[SOURCE_LANGUAGE].meta
            review = meta.clinical_review
            rows.append([versions[SOURCE_LANGUAGE].path, state.status, state.current_hash,
                         f"{review.reviewer}, {review.credentials}" if review else "-",
                         review.date.isoformat() if review else "-", meta.review_due.isoformat() if review else "-"])
    total = sum(len(library.pages_of(kind)) for kind in PAGE_KINDS)
    title = "Clinical review"
    heading = f"## {title}" if fmt == "markdown" else title
    if not rows:
        return f"{heading}\n\nNone to review: every one of the {total} pages is reviewed and in date.", 0
    summary = (f"{len(rows)} of {total} pages need a clinician's review. Read the page and its sources, then add "
               "'clinical_review: {reviewer, credentials, date, source_hash}' with the hash shown "
               "(see CONTRIBUTING.md).")
    table = _table(["page", "status", "hash to review", "last reviewer", "reviewed", "review by"], rows, fmt)
    return "\n".join([heading, summary, "", table]), len(rows)


def stale_report(library: Library, after_days: int, today: dt.date, fmt: str = "text") -> tuple[str, int]:
    """Resources not verified in `after_days` days, oldest first, and how many there are."""
    stale = sorted((entry for entry in library.resources.values()
                    if entry.data.is_stale(after_days, today)),
                   key=lambda entry: (entry.data.last_verified, entry.path))
    rows = [[entry.path, entry.data.name, entry.data.last_verified.isoformat(),
             str(entry.data.days_since_verified(today)), entry.data.verified_by] for entry in stale]
    title = f"Listings not verified in the last {after_days} days"
    heading = f"## {title}" if fmt == "markdown" else title
    if not rows:
        return f"{heading}\n\nNone: every one of the {len(library.resources)} listings was verified recently.", 0
    summary = (f"{len(rows)} of {len(library.resources)} listings. Call each service, check every field, then set "
               f"last_verified to the date and verified_by to your name.")
    table = _table(["file", "listing", "last verified", "days ago", "verified by"], rows, fmt)
    return "\n".join([heading, summary, "", table]), len(rows)
