"""Small helpers shared by the API and the console: the content library, the site's address and the
request's bearer token."""
from __future__ import annotations

from flask import current_app, g, request

from portal.content import Library


def library() -> Library:
    return current_app.extensions["portal.library"]


def site_root() -> str:
    """The published site's address, ending in '/': PORTAL_BASE_URL, made absolute with this host if needed."""
    base = current_app.config["PORTAL_BASE_URL"]
    return base if base.startswith("http") else request.host_url.rstrip("/") + base


def bearer_token() -> str:
    """The request's `Authorization: Bearer` token, or '' when there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def bearer_user():
    """The active user of the request's portal token (cgp_...), or None; looked up once per request,
    so the rate limiter's key and the route's authentication share one query."""
    if "bearer_user" not in g:
        from portal.care.users import TOKEN_PREFIX, user_for_token
        from portal.db import get_session

        token = bearer_token()
        g.bearer_user = user_for_token(get_session(), token) if token.startswith(TOKEN_PREFIX) else None
    return g.bearer_user
