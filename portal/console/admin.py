"""Console pages for admins: the list of users; add, disable or enable, change role, reset password, mark
as a billing practitioner (or not).

Every change goes through portal.care.users, which ends the user's sessions where it should and
writes the audit event. A password set here is temporary: the user must change it at sign-in.
"""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.care import users
from portal.care.errors import CareError
from portal.console import console, login_required
from portal.console.pages import password_messages
from portal.db import get_session


def _page(error: str | None = None, status: int = 200, form: dict | None = None):
    return render_template("console/admin_users.html", people=users.list_users(get_session()), roles=users.ROLES,
                           error=error, form=form or {}), status


def _refusal(error: CareError) -> str:
    """A refused change in the admin's language where the words are known, else the service's own."""
    codes = [code for code, words in users.passwords.MESSAGES.items()
             if any(item.get("detail") == words for item in error.errors)]
    return " ".join(password_messages(codes)) if codes else error.detail


def _change(change, done: str):
    """Run one change for the user named in the form; back to the list with a message, or the refusal."""
    db = get_session()
    try:
        user = change(db, request.form.get("email", ""))
    except CareError as error:
        db.rollback()
        return _page(_refusal(error), error.status if error.status < 500 else 422)
    db.commit()
    flash(done % {"email": user.email})
    return redirect(url_for("console.admin_users"))


@console.get("/admin/users")
@login_required("admin")
def admin_users():
    return _page()


@console.post("/admin/users")
@login_required("admin")
def admin_add_user():
    form = request.form
    db = get_session()
    try:
        user = users.add_user(db, form.get("email", ""), form.get("name", ""), form.get("role", ""),
                              form.get("password", ""), g.user, "console")
        user.must_change_password = True
    except CareError as error:
        db.rollback()
        return _page(_refusal(error), error.status, {"email": form.get("email", ""), "name": form.get("name", "")})
    db.commit()
    flash(_("Added %(email)s. Give them the password by phone or in person; they choose their own at sign-in.",
            email=user.email))
    return redirect(url_for("console.admin_users"))


@console.post("/admin/users/active")
@login_required("admin")
def admin_set_active():
    active = request.form.get("active") == "1"
    return _change(lambda db, email: users.set_active(db, email, active, g.user, "console"),
                   _("Enabled %(email)s.") if active else _("Disabled %(email)s: signed out, API tokens refused."))


@console.post("/admin/users/role")
@login_required("admin")
def admin_set_role():
    return _change(lambda db, email: users.set_role(db, email, request.form.get("role", ""), g.user, "console"),
                   _("Changed the role of %(email)s."))


@console.post("/admin/users/practitioner")
@login_required("admin")
def admin_set_practitioner():
    practitioner = request.form.get("practitioner") == "1"
    return _change(lambda db, email: users.set_billing_practitioner(db, email, practitioner, g.user, "console"),
                   _("%(email)s is now a billing practitioner.") if practitioner
                   else _("%(email)s is no longer a billing practitioner."))


@console.post("/admin/users/password")
@login_required("admin")
def admin_reset_password():
    return _change(lambda db, email: users.set_password(db, email, request.form.get("password", ""), g.user,
                                                       "console", must_change=True),
                   _("New password set for %(email)s; they choose their own at sign-in."))
