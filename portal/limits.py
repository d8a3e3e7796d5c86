"""Rate limits (Flask-Limiter) of the API and the console: memory by default, Redis when PORTAL_RATELIMIT_STORAGE names it.

Each app gets its own limiter, so apps in one process (tests, the build) never share counters.
Signed-in use is counted per token or console session (a clinic's staff share one address); anything
else, and the public code endpoint always, per client address.

With Redis, counting a request is one round trip: the increment also returns the counter's time to
live, and the X-RateLimit headers of the same request are answered from it (the limits library's
Redis storage asks Redis twice more, GET and TTL, for every response's headers).
"""
from __future__ import annotations

import time

from flask import Flask, current_app, g, has_app_context, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import RedisStorage

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


class RedisCountsOnce(RedisStorage):
    """Redis rate-limit counts (fixed window) whose increment brings back the count and the window's end;
    until the request ends, reading that counter (for the headers) answers what this request's own
    increment found, without asking Redis again. Selected by init_limits for redis:// and rediss://."""

    STORAGE_SCHEME = ["portal+redis", "portal+rediss"]
    SCRIPT_INCR_TTL = """
        local current = redis.call("incrby", KEYS[1], ARGV[2])
        if tonumber(current) == tonumber(ARGV[2]) then redis.call("expire", KEYS[1], ARGV[1]) end
        return {current, redis.call("ttl", KEYS[1])}"""

    def __init__(self, uri: str, **options):
        super().__init__(uri.removeprefix("portal+"), **options)
        self.lua_incr_ttl = self.get_connection().register_script(self.SCRIPT_INCR_TTL)

    @staticmethod
    def _seen() -> dict | None:
        """This request's counters as its own increments left them: key -> (count, end of window)."""
        return g.setdefault("portal_rate_counts", {}) if has_app_context() else None

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        count, ttl = self.lua_incr_ttl([self.prefixed_key(key)], [expiry, amount])
        seen = self._seen()
        if seen is not None:
            seen[key] = (int(count), max(int(ttl), 0) + time.time())
        return int(count)

    def get(self, key: str) -> int:
        seen = self._seen()
        return seen[key][0] if seen and key in seen else super().get(key)

    def get_expiry(self, key: str) -> float:
        seen = self._seen()
        return seen[key][1] if seen and key in seen else super().get_expiry(key)


def storage_uri(configured: str) -> str:
    """The limits library's storage URI for PORTAL_RATELIMIT_STORAGE (Redis through RedisCountsOnce)."""
    return "portal+" + configured if configured.startswith(("redis://", "rediss://")) else configured


def init_limits(app: Flask) -> Limiter:
    """The app's limiter; blueprints and views are limited with limiter.limit(...)(thing)."""
    # Registered first, so it runs after the limiter's own after_request (Flask runs them in reverse).
    app.after_request(_retry_after_only_on_429)
    limiter = Limiter(client_key, app=app, storage_uri=storage_uri(app.config["PORTAL_RATELIMIT_STORAGE"]),
                      headers_enabled=True, swallow_errors=False,
                      key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "care-guide-portal"))
    app.extensions["portal.limiter"] = limiter
    return limiter
