"""Rate limits (Flask-Limiter) of the API and the console: memory by default, Redis when PORTAL_RATELIMIT_STORAGE names it.

Each app gets its own limiter, so apps in one process (tests, the build) never share counters.
Signed-in use is counted per token or console session (a clinic's staff share one address); anything
else, and the public code endpoint always, per client address.
"""
from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from portal.care.users import token_hash
from portal.web import bearer_token, bearer_user


def client_key() -> str:
    """Whom a limit counts: a valid bearer token (by its hash), the console's signed-in session, else the address.

    Only a token that belongs to a user counts apart: made-up tokens share their address's count.
    """
    if bearer_user() is not None:  # only the portal's own tokens (a CDS Hooks JWT is not one)
        return "token:" + token_hash(bearer_token())
    sid = session.get("sid") if request.path.startswith("/console") else None
    if sid:  # the cookie is signed, so a session id cannot be made up: one count per signed-in session
        return "console-session:" + token_hash(str(sid))
    return get_remote_address()


def api_limit() -> str:
    return current_app.config["PORTAL_API_RATE_LIMIT"]


def public_limit() -> str:
    return current_app.config["PORTAL_PUBLIC_RATE_LIMIT"]


def _retry_after_only_on_429(response):
    """Flask-Limiter adds Retry-After to every limited response; it belongs on a 429 alone (and on the
    503 of a sign-in that found every password check busy, which sets its own: RFC 9110 allows both)."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_limits(app: Flask) -> Limiter:
    """The app's limiter; blueprints and views are limited with limiter.limit(...)(thing)."""
    # Registered first, so it runs after the limiter's own after_request (Flask runs them in reverse).
    app.after_request(_retry_after_only_on_429)
    limiter = Limiter(client_key, app=app, storage_uri=app.config["PORTAL_RATELIMIT_STORAGE"],
                      headers_enabled=True, swallow_errors=False,
                      key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "care-guide-portal"))
    app.extensions["portal.limiter"] = limiter
    return limiter
