"""The admins' page of care teams, /console/admin/teams: make teams, manage members, add, move
and remove patients (named by their opaque id). Every change goes to the audit log."""
from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.care import team_admin
from portal.care.errors import CareError
from portal.console import console, login_required
from portal.db import get_session
from portal.db.models import User

ACTIONS = {"create": ("slug", "name"), "add_member": ("team", "email"), "remove_member": ("team", "email"),
           "add_patient": ("team", "patient"), "remove_patient": ("team", "patient")}


def _page(error: CareError | None = None, status: int = 200):
    session = get_session()
    emails = list(session.scalars(select(User.email).where(User.active.is_(True)).order_by(User.email)))
    failed = (request.form.get("action"), request.form.get("team", "")) if error else None
    return render_template("console/teams.html", teams=team_admin.overview(session), emails=emails, error=error,
                           failed=failed, saved=request.args.get("saved")), status


@console.route("/admin/teams", methods=["GET", "POST"])
@login_required("admin")
def teams_admin():
    if request.method == "GET":
        return _page()
    action = request.form.get("action", "")
    if action not in ACTIONS:
        return _page(CareError(422, "Invalid request", _("Choose one of the forms on this page.")), 422)
    values = [request.form.get(name, "") for name in ACTIONS[action]]
    session = get_session()
    options = {"move": request.form.get("move") == "yes"} if action == "add_patient" else {}
    try:
        getattr(team_admin, action)(session, *values, g.user, "console", **options)
        session.commit()
    except CareError as error:
        session.rollback()
        return _page(error, error.status)
    return redirect(url_for("console.teams_admin", saved=action))
