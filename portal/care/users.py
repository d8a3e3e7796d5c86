"""Users and API tokens: argon2 password hashes, tokens stored only as their SHA-256."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.care.errors import CareError
from portal.care.teams import join_the_only_team
from portal.db.models import ApiToken, User, utcnow

ROLES = ("care_manager", "admin")
TOKEN_PREFIX = "cgp_"
_hasher = PasswordHasher()
# Checked against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password")


def create_user(session: Session, email: str, name: str, role: str, password: str) -> User:
    """Add a user; the password is kept only as an argon2 hash. In a clinic with one team, they join it."""
    email = email.strip().lower()
    if role not in ROLES:
        raise CareError(422, "Invalid role", f"role must be one of {', '.join(ROLES)}")
    if "@" not in email:
        raise CareError(422, "Invalid email", f"'{email}' is not an email address")
    if len(password) < 10:
        raise CareError(422, "Password too short", "use a password of at least 10 characters")
    if session.scalar(select(User).where(User.email == email)):
        raise CareError(409, "User exists", f"{email} already has an account")
    user = User(email=email, name=name.strip() or email, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    join_the_only_team(session, user)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    if "\x00" in email or "\x00" in password:
        return None
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user and user.active else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, email: str, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new API token for the user; returns the row and the token, which is never stored."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise CareError(404, "No such user", f"no user has the email {email}; create one with 'portal users create'")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(days=days) if days else None
    row = ApiToken(user_id=user.id, name=name, token_hash=token_hash(token), expires_at=expires)
    session.add(row)
    session.flush()
    return row, token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a (non-expired) token belongs to, or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or (row.expires_at and row.expires_at <= utcnow()) or not row.user.active:
        return None
    return row.user


def revoke_token(session: Session, token_id: int) -> bool:
    """Delete a token; False when there was none with that id."""
    row = session.get(ApiToken, token_id)
    if row is None:
        return False
    session.delete(row)
    return True
