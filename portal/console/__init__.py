"""The care manager console at /console: server-rendered pages over the same services as the API.

Signed-in users are kept in the Flask session (a signed cookie); every form carries a CSRF
token (Flask-WTF). The console's language is the user's choice, kept in the session.
"""
from __future__ import annotations

import secrets
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from portal.db import get_session
from portal.db.models import User

console = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
                    static_folder="static", static_url_path="/static")
CONSOLE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                                              "form-action 'self'; base-uri 'none'",
                   "Cache-Control": "no-store"}


def console_language() -> str:
    lang = session.get("lang")
    languages = current_app.config["PORTAL_LANGUAGES"]
    return lang if lang in languages else (request.accept_languages.best_match(languages) or "en")


def login_required(role: str | None = None):
    """Decorator: the page needs a signed-in user (else the sign-in page), and `role` when given (else 403)."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = session.get("user_id") and get_session().get(User, session["user_id"])
            if not user or not user.active:
                session.pop("user_id", None)
                return redirect(url_for("console.login"))
            if role and user.role != role:
                abort(403)
            g.user = user
            return view(*args, **kwargs)
        wrapped.required_role = role or "any"
        return wrapped
    return decorate


def instance_secret(app: Flask) -> str:
    """PORTAL_SECRET_KEY, or a random key kept in the instance folder (made on first use)."""
    if app.config["PORTAL_SECRET_KEY"]:
        return app.config["PORTAL_SECRET_KEY"]
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


class _ConsoleSessions(SecureCookieSessionInterface):
    """Sessions only on console pages; the key is found or made on the first one (never by the build)."""

    def open_session(self, app, request):
        if not request.path.startswith("/console"):
            return None
        if not app.secret_key:
            app.secret_key = instance_secret(app)
        return super().open_session(app, request)


@console.after_request
def _headers(response):
    for name, value in CONSOLE_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_console(app: Flask) -> None:
    """Register the console with its CSRF protection, session cookie settings and rate limit."""
    from portal.api import api
    from portal.api.limits import api_limit
    from portal.console import pages, patients, reports, team_pages  # noqa: F401  (routes)

    app.session_interface = _ConsoleSessions()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", WTF_CSRF_TIME_LIMIT=None)
    app.register_blueprint(console)
    csrf = CSRFProtect(app)
    csrf.exempt(api)
    app.extensions["portal.limiter"].limit(api_limit)(console)


@console.errorhandler(403)
@console.errorhandler(404)
def _console_http_error(error):
    from flask import render_template

    return render_template("console/error.html", title=error.name, detail=None), error.code


def _care_error(error):
    from flask import render_template

    return render_template("console/error.html", title=error.title, detail=error.detail), error.status


from portal.care.errors import CareError  # noqa: E402

console.register_error_handler(CareError, _care_error)
