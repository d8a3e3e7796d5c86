"""The monthly minutes report: each patient's minutes in a calendar month toward each care-management
program, and the codes they reach (portal.care.programs)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.care import programs, teams
from portal.care.education import current_versions
from portal.care.errors import invalid
from portal.db.models import EducationRecord, Patient, PatientTeam, User

CSV_COLUMNS = ["patient_id", "reference", "program", "clinical_staff_minutes", "practitioner_minutes", "records",
               "codes", "codes_also_need"]


# Months from 1900-01 to 2999-12, in ASCII digits (the month after the last still exists).
MONTH_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"


def parse_month(text: str | None) -> tuple[dt.date, dt.date]:
    """'2026-11' as its first day and the first day of the next month."""
    if not text or not re.fullmatch(MONTH_PATTERN, text):
        raise invalid("month", f"'{(text or '')[:20]}' is not a month; write it as YYYY-MM from 1900-01 to "
                      "2999-12, like 2026-11")
    first = dt.date(int(text[:4]), int(text[5:]), 1)
    return first, (first + dt.timedelta(days=32)).replace(day=1)


def csv_filename(report: dict) -> str:
    """The CSV's file name, built from the parsed month only (ASCII, safe in a header)."""
    first, _after = parse_month(report["month"])
    return f"ccm-minutes-{first:%Y-%m}.csv"


def care_minutes(session: Session, month: str, user: User, team: str | None = None) -> dict:
    """Every patient of the user's teams (admins: every patient; `team`: that team's only) with
    education recorded in `month`: one line per patient and program with its staff and practitioner
    minutes and the codes they reach. Programs never add up: a record counts toward its own only.

    A record counts in the month of its `taught_on` date, as last amended (an amendment that
    moves the date or the program moves the minutes).
    """
    first, after = parse_month(month)
    scope = select(Patient.id).where(teams.visible_patients(user))
    if team:
        chosen = teams.chosen(session, user, team, required=False)
        scope = scope.where(Patient.id.in_(select(PatientTeam.patient_id).where(PatientTeam.team_id == chosen.id)))
    in_month = select(EducationRecord.patient_id).where(EducationRecord.taught_on >= first,
                                                         EducationRecord.taught_on < after,
                                                         EducationRecord.patient_id.in_(scope))
    # All versions of those patients' records: a later amendment may have moved a date out.
    rows = list(session.scalars(select(EducationRecord).where(EducationRecord.patient_id.in_(in_month))))
    totals: dict[tuple[int, str], dict] = {}
    for row in current_versions(rows):
        if not first <= row.taught_on < after:
            continue
        entry = totals.setdefault((row.patient_id, row.program),
                                  {"clinical_staff": 0, "billing_practitioner": 0, "records": 0})
        entry[row.minutes_by] += row.minutes
        entry["records"] += 1
    ids = {patient_id for patient_id, _program in totals}
    patients = {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(list(ids))))}
    order = {key: index for index, key in enumerate(programs.KEYS)}
    lines = []
    for (patient_id, program), entry in sorted(totals.items(),
                                               key=lambda item: (patients[item[0][0]].public_id, order[item[0][1]])):
        patient = patients[patient_id]
        codes = programs.codes(program, entry["clinical_staff"], entry["billing_practitioner"])
        lines.append({"patient_id": patient.public_id, "reference": None if patient.hashed else patient.reference,
                      "program": program, "clinical_staff_minutes": entry["clinical_staff"],
                      "practitioner_minutes": entry["billing_practitioner"], "records": entry["records"],
                      "codes": codes, "codes_also_need": programs.PROGRAMS[program].needs if codes else None,
                      "_id": patient_id})
    return {"month": month, "team": team or None, "patients": lines}


def as_csv(report: dict) -> str:
    """The report as CSV, one line per patient and program, codes as 99490x1 99439x2."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in report["patients"]:
        codes = " ".join(f"{c['code']}x{c['units']}" for c in line["codes"])
        writer.writerow([line["patient_id"], safe_cell(line["reference"] or ""), line["program"],
                         line["clinical_staff_minutes"], line["practitioner_minutes"], line["records"], codes,
                         line["codes_also_need"] or ""])
    return out.getvalue()


def safe_cell(cell: str) -> str:
    """Keep a spreadsheet from running a reference as a formula (CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
