"""Console pages for reports: the monthly minutes per care-management program (and its CSV) and, for admins,
the audit log."""
from __future__ import annotations

import datetime as dt

from flask import Response, g, render_template, request

from portal.api import whole_number
from portal.care import audit, programs, reports, teams
from portal.care.errors import CareError
from portal.console import console, forms, login_required
from portal.db import get_session


@console.route("/reports/ccm")
@login_required()
def ccm_report():
    month = request.args.get("month") or dt.date.today().strftime("%Y-%m")
    team = request.args.get("team") or None
    session = get_session()
    choices = teams.choosable(session, g.user)
    try:
        report = reports.care_minutes(session, month, g.user, team)
    except CareError as error:
        return render_template("console/report.html", month=month, report=None, error=error, team=team,
                               teams=choices, forms=forms, programs=programs.offered()), 422
    audit.record(session, g.user, "read", "ccm_report", [line.pop("_id") for line in report["patients"]], "console")
    session.commit()
    if request.args.get("format") == "csv":
        return Response(reports.as_csv(report), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{reports.csv_filename(report)}"'})
    return render_template("console/report.html", month=month, report=report, error=None, team=team, teams=choices,
                           forms=forms, programs=programs.offered())


@console.route("/audit")
@login_required("admin")
def audit_log():
    page = whole_number(request.args.get("page", "1"), 10**6) or 1
    session = get_session()
    items, total = audit.events(session, page, 100)
    audit.record(session, g.user, "read", "audit_log", [], "console")
    session.commit()
    return render_template("console/audit.html", items=items, total=total, page=page)
