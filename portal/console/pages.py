"""Console pages: sign in and out, the session's keep-alive, password change, language, home."""
from __future__ import annotations

from flask import current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.care import audit, languages, passwords, sessions, throttle
from portal.care.errors import CareError
from portal.care.teams import choosable
from portal.care.users import check_password, set_password
from portal.console import console, console_language, forms, login_required, session_limits
from portal.console.content_search import search_content
from portal.db import get_session
from portal.web import library


@console.app_context_processor
def _console_globals() -> dict:
    from portal.web import site_root

    def session_seconds_left() -> int:
        return sessions.seconds_left(g.console_session, *session_limits())

    return {"console_lang": console_language, "site_root": site_root, "session_seconds_left": session_seconds_left,
            "session_warn_seconds": WARN_SECONDS, "kinds": forms.KINDS,
            "interpreter_name": lambda tag: languages.name_of(tag, console_language())}


WARN_SECONDS = 120  # the page offers "stay signed in" this long before the idle limit


def _next_page() -> str:
    """Where to go after signing in: the console page the user was on (never another site), else home."""
    target = request.values.get("next", "")
    return target if target.startswith("/console/") and "//" not in target and "\\" not in target \
        else url_for("console.home")


def _begin(user) -> None:
    """Start a server-side session for `user` and put only its id in the cookie (language kept)."""
    db = get_session()
    sessions.end(db, session.get("sid"), "replaced")
    sid = sessions.start(db, user)
    lang = session.get("lang")
    session.clear()  # a new cookie (and CSRF token) at every sign-in
    session["sid"] = sid
    if lang:
        session["lang"] = lang


def password_checks():
    """This process's cap on argon2 checks running at once (PORTAL_LOGIN_CONCURRENCY)."""
    return current_app.extensions["portal.password_checks"].slot()


@console.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        db = get_session()
        email, password = request.form.get("email", ""), request.form.get("password", "")
        address = request.remote_addr or "unknown"
        user, matched = None, False
        # A locked email or address is refused without looking at the password at all.
        if not throttle.is_locked(db, email, address):
            try:
                with password_checks():
                    user, matched = check_password(db, email, password)
            except CareError as busy:
                return render_template("console/login.html", error=_(
                    "Many people are signing in right now. Wait a few seconds and try again.")), 503, busy.headers
            if matched:
                throttle.clear(db, email)
                if passwords.problems(password, user.email):
                    user.must_change_password = True  # only now is the plain password known
                _begin(user)
                audit.record(db, user, "auth", "login", [], "console")
                db.commit()
                return redirect(_next_page())
            throttle.record_failure(db, email, address, user)
        error = _("That email and password do not match an active account, or too many tries were made. "
                  "Check them, or wait 15 minutes and try again.")
    return render_template("console/login.html", error=error), 401 if error else 200


@console.post("/logout")
def logout():
    db = get_session()
    row = sessions.current(db, session.get("sid"), *session_limits(), touch=False)
    if row is not None:
        sessions.end(db, session["sid"], "logout")
        audit.record(db, row.user, "auth", "logout", [], "console")
        db.commit()
    session.pop("sid", None)
    return redirect(url_for("console.login"))


@console.get("/session")
@login_required(touch=False)
def session_status():
    """How long the session has left if unused (the page's warning timer asks this; it is not use)."""
    return jsonify(seconds_left=sessions.seconds_left(g.console_session, *session_limits()),
                   warn_seconds=WARN_SECONDS)


@console.post("/session")
@login_required()
def keep_alive():
    """The 'stay signed in' button: count now as use of the session."""
    sessions.keep_alive(get_session(), g.console_session)
    return jsonify(seconds_left=sessions.seconds_left(g.console_session, *session_limits()),
                   warn_seconds=WARN_SECONDS)


def password_messages(codes: list[str]) -> list[str]:
    """The password rules' refusals in the user's language."""
    words = {"too_short": _("Use at least %(num)d characters. A few unrelated words with spaces work well.",
                            num=passwords.MIN_LENGTH),
             "too_long": _("Use at most %(num)d characters.", num=passwords.MAX_LENGTH),
             "common": _("This password is on a list of common or breached passwords. Choose another."),
             "repeats": _("This password repeats the same characters. Choose another."),
             "email": _("The password must not contain the email address or its name part.")}
    return [words[code] for code in codes]


@console.route("/password", methods=["GET", "POST"])
@login_required()
def change_password():
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        db = get_session()
        new = request.form.get("new_password", "")
        try:
            with password_checks():
                matched = check_password(db, g.user.email, request.form.get("current_password", ""))[1]
        except CareError as busy:
            return render_template("console/password.html", errors={"current_password": [busy.detail]}), 503, \
                busy.headers
        if not matched:
            errors["current_password"] = [_("That is not your current password.")]
        if new != request.form.get("confirm_password", ""):
            errors["confirm_password"] = [_("The two new passwords are not the same.")]
        errors["new_password"] = password_messages(passwords.problems(new, g.user.email))
        if new and new == request.form.get("current_password") and not errors["new_password"]:
            errors["new_password"] = [_("Choose a password other than your current one.")]
        errors = {field: found for field, found in errors.items() if found}
        if not errors:
            set_password(db, g.user.email, new, g.user, "console")  # ends every session of the user ...
            _begin(g.user)  # ... and this one goes on as a new session
            db.commit()
            flash(_("Your password is changed. You are signed out everywhere else."))
            return redirect(url_for("console.home"))
    return render_template("console/password.html", errors=errors), 422 if errors else 200


@console.post("/language")
def language():
    if request.form.get("lang") in current_app.config["PORTAL_LANGUAGES"]:
        session["lang"] = request.form["lang"]
    return redirect(request.form.get("next", "") if request.form.get("next", "").startswith("/console/")
                    else url_for("console.home"))


@console.route("/")
@login_required()
def home():
    query = request.args.get("q", "").strip()
    lang = request.args.get("lang", console_language())
    if lang not in current_app.config["PORTAL_LANGUAGES"]:
        lang = "en"
    hits = search_content(library(), query, lang) if query else []
    return render_template("console/home.html", query=query, hits=hits, search_lang=lang, user=g.user,
                           teams=choosable(get_session(), g.user))


def flash_saved(message: str) -> None:
    flash(message)
