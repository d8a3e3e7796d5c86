"""The care manager console at /console: server-rendered pages over the same services as the API.

Signing in starts a session kept on the server (portal.care.sessions); the browser's cookie (the
Flask session, signed) carries only its random id, the CSRF token (Flask-WTF) and the chosen
language. The cookie is HttpOnly and SameSite=Lax; over HTTPS, or with PORTAL_SECURE_COOKIES on,
it is Secure and named __Host-console (path /, no domain), and responses carry HSTS.
"""
from __future__ import annotations

import datetime as dt
import secrets
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from portal.care import sessions
from portal.db import get_session

console = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
                    static_folder="static", static_url_path="/static")
HSTS = "max-age=31536000; includeSubDomains"
CONSOLE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                                              "form-action 'self'; base-uri 'none'",
                   "Cache-Control": "no-store",
                   # Flask-WTF checks the Referer of form posts over HTTPS: send it, to this origin only.
                   "Referrer-Policy": "same-origin"}


def console_language() -> str:
    lang = session.get("lang")
    languages = current_app.config["PORTAL_LANGUAGES"]
    return lang if lang in languages else (request.accept_languages.best_match(languages) or "en")


def session_limits() -> tuple[dt.timedelta, dt.timedelta]:
    """The idle and absolute limits of a console session, from the settings."""
    config = current_app.config
    return (dt.timedelta(minutes=config["PORTAL_SESSION_IDLE_MINUTES"]),
            dt.timedelta(hours=config["PORTAL_SESSION_MAX_HOURS"]))


def login_required(role: str | None = None, touch: bool = True):
    """Decorator: the page needs a live signed-in session (else the sign-in page), and `role` when given
    (else 403). A user who must change their password is sent to do that first. `touch`: counts as use."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            row = sessions.current(get_session(), session.get("sid"), *session_limits(), touch=touch)
            if row is None:
                session.pop("sid", None)
                return redirect(url_for("console.login"))
            if row.user.must_change_password and request.endpoint != "console.change_password":
                return redirect(url_for("console.change_password"))
            if role and row.user.role != role:
                abort(403)
            g.user, g.console_session = row.user, row
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


def secure_cookies() -> bool:
    """Whether the console cookie is Secure: PORTAL_SECURE_COOKIES, or the request came over HTTPS."""
    return current_app.config["PORTAL_SECURE_COOKIES"] or (has_request_context() and request.is_secure)


class _ConsoleSessions(SecureCookieSessionInterface):
    """Sessions only on console pages; the key is found or made on the first one (never by the build)."""

    def get_cookie_name(self, app) -> str:
        return "__Host-console" if self.get_cookie_secure(app) else "console"

    def get_cookie_secure(self, app) -> bool:
        return secure_cookies()

    def open_session(self, app, request):
        if not request.path.startswith("/console"):
            return None
        if not app.secret_key:
            app.secret_key = instance_secret(app)
        return super().open_session(app, request)


@console.before_request
def _csrf():
    """The console's forms carry a CSRF token (Flask-WTF); other blueprints decide for themselves."""
    if current_app.config["WTF_CSRF_ENABLED"]:
        current_app.extensions["csrf"].protect()


@console.after_request
def _headers(response):
    for name, value in CONSOLE_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_console(app: Flask) -> None:
    """Register the console with its CSRF protection, session cookie settings and rate limit."""
    from portal.care.throttle import PasswordChecks
    from portal.limits import api_limit
    from portal.console import admin, pages, patients, plans, reports, team_pages  # noqa: F401  (routes)

    app.session_interface = _ConsoleSessions()
    # CSRF is checked on the console's own forms only (the API takes bearer tokens, not cookies).
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_PATH="/",
                      SESSION_COOKIE_DOMAIN=None, WTF_CSRF_TIME_LIMIT=None, WTF_CSRF_CHECK_DEFAULT=False)
    app.extensions["portal.password_checks"] = PasswordChecks(app.config["PORTAL_LOGIN_CONCURRENCY"])
    app.after_request(_hsts)
    app.register_blueprint(console)
    CSRFProtect(app)
    app.extensions["portal.limiter"].limit(api_limit)(console)


def _hsts(response):
    """Strict-Transport-Security on every response to an HTTPS request (behind ProxyFix: X-Forwarded-Proto)."""
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


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
