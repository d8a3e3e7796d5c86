"""Bearer-token authentication for API routes: `@require_token()` or `@require_token("admin")`.

Other blueprints (search) use the same decorator. The signed-in user is `g.user`.
"""
from __future__ import annotations

from functools import wraps

from flask import g

from portal.care.errors import CareError
from portal.web import bearer_token, bearer_user

UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="care-guide-portal"'}


class Unauthorized(CareError):
    def __init__(self, detail: str):
        super().__init__(401, "Unauthorized", detail, headers=UNAUTHORIZED)


def current_token_user():
    """The user of the request's bearer token, or raise Unauthorized."""
    if not bearer_token():
        raise Unauthorized("Send 'Authorization: Bearer <token>'; make a token with 'portal tokens create'.")
    user = bearer_user()
    if user is None:
        raise Unauthorized("This token is not valid: it is wrong, revoked or expired, or its user is disabled.")
    return user


def require_token(role: str | None = None):
    """Decorator: the route needs a valid bearer token, and `role` (admin) when given."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.user = current_token_user()
            if role and g.user.role != role:
                raise CareError(403, "Forbidden", f"Only users with the {role} role may do this; ask an admin.")
            return view(*args, **kwargs)
        wrapped.required_role = role or "any"
        return wrapped
    return decorate
