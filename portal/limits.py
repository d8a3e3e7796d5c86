"""Rate limits (Flask-Limiter) of the API and the console: memory by default, Redis when PORTAL_RATELIMIT_STORAGE names it.

Each app gets its own limiter, so apps in one process (tests, the build) never share counters.
"""
from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def api_limit() -> str:
    return current_app.config["PORTAL_API_RATE_LIMIT"]


def public_limit() -> str:
    return current_app.config["PORTAL_PUBLIC_RATE_LIMIT"]


def init_limits(app: Flask) -> Limiter:
    """The app's limiter; blueprints and views are limited with limiter.limit(...)(thing)."""
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["PORTAL_RATELIMIT_STORAGE"],
                      headers_enabled=True, swallow_errors=False,
                      key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "care-guide-portal"))
    app.extensions["portal.limiter"] = limiter
    return limiter
