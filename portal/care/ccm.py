"""Chronic care management (CCM) billing thresholds for one patient's minutes in a calendar month.

Non-complex CCM (CPT, as CMS pays it from 2022):
  99490  first 20 minutes of clinical staff time, directed by the billing practitioner
  99439  each further 20 minutes of clinical staff time; at most twice a month (60 minutes)
  99491  first 30 minutes of the billing practitioner's own time
  99437  each further 30 minutes of the billing practitioner's own time
Complex CCM (99487: first 60 minutes of clinical staff time with moderate or high complexity
medical decision making; 99489: each further 30 minutes) needs a clinical judgement the
minutes alone cannot show, so it is documented here and left to the biller, never suggested.
Staff time and practitioner time are counted apart and never added together.
"""
from __future__ import annotations

STAFF_FIRST, STAFF_EACH_MORE, STAFF_MORE_MAX = 20, 20, 2
PRACTITIONER_FIRST, PRACTITIONER_EACH_MORE = 30, 30


def thresholds(staff_minutes: int, practitioner_minutes: int) -> list[dict]:
    """The codes the month's minutes reach, each with its number of units: [{"code": "99490", "units": 1}]."""
    met = []
    if staff_minutes >= STAFF_FIRST:
        met.append({"code": "99490", "units": 1})
        more = min((staff_minutes - STAFF_FIRST) // STAFF_EACH_MORE, STAFF_MORE_MAX)
        if more:
            met.append({"code": "99439", "units": more})
    if practitioner_minutes >= PRACTITIONER_FIRST:
        met.append({"code": "99491", "units": 1})
        more = (practitioner_minutes - PRACTITIONER_FIRST) // PRACTITIONER_EACH_MORE
        if more:
            met.append({"code": "99437", "units": more})
    return met
