"""A patient's education records as CSV for a spreadsheet: one line per record, amendments included
(each names the record it corrects), codes and titles side by side, every text cell guarded against
running as a formula."""
from __future__ import annotations

import csv
import io

from portal.care.items import resolve
from portal.care.reports import safe_cell
from portal.content import Library

COLUMNS = ["record_id", "amends", "amendment_reason", "taught_on", "topics", "topic_titles", "learner",
           "readiness", "barriers", "methods", "evaluations", "interpreter_used", "interpreter_language",
           "interpreter_id", "resources_given", "minutes", "minutes_by", "program", "note", "recorded_by", "created_at"]


def as_csv(library: Library, records: list[dict], lang: str) -> str:
    """Records as `portal.care.timeline.describe_records` gives them, titles in `lang`."""
    def title(ref: str) -> str:
        item = resolve(library, ref, lang)
        return item.title if item else ref

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in records:
        cells = [r["id"], r["amends"] or "", r["amendment_reason"] or "", r["taught_on"], " ".join(r["topics"]),
                 "; ".join(title(t) for t in r["topics"]), r["learner"], r["readiness"], " ".join(r["barriers"]),
                 " ".join(r["methods"]), " ".join(f"{e['topic']}={e['evaluation']}" for e in r["evaluations"]),
                 "yes" if r["interpreter_used"] else "no", r["interpreter_language"] or "", r["interpreter_id"] or "",
                 " ".join(r["resources_given"]), r["minutes"], r["minutes_by"], r["program"], r["note"],
                 r["recorded_by"] or "",
                 r["created_at"]]
        writer.writerow([safe_cell(c) if isinstance(c, str) else c for c in cells])
    return out.getvalue()
