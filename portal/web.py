"""Small helpers shared by the API and the console: the content library and the site's address."""
from __future__ import annotations

from flask import current_app, request

from portal.content import Library


def library() -> Library:
    return current_app.extensions["portal.library"]


def site_root() -> str:
    """The published site's address, ending in '/': PORTAL_BASE_URL, made absolute with this host if needed."""
    base = current_app.config["PORTAL_BASE_URL"]
    return base if base.startswith("http") else request.host_url.rstrip("/") + base
