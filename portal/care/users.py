"""Users and API tokens: argon2 password hashes, tokens stored only as their SHA-256.

Changing a user's password, role or standing (disable, enable) ends their console sessions at once
and writes an audit event naming the user changed (`what` = e.g. "user_disabled:#3"); marking a
user as a billing practitioner (or not) is audited the same way. A disabled
user's API tokens are refused by `user_for_token`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from portal.care import audit, passwords, sessions
from portal.care.errors import CareError
from portal.db import begin_write
from portal.care.teams import join_the_only_team
from portal.db.models import ApiToken, User, utcnow

ROLES = ("care_manager", "admin")
TOKEN_PREFIX = "cgp_"
_hasher = PasswordHasher()
# Checked against when the email is unknown, so a wrong email takes as long as a wrong password. Written out
# rather than hashed at import, which cost every process (the static build too) a third of a CPU-second;
# tests/test_passwords.py checks it has the hasher's parameters, so checking it takes as long.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$df+aMVyFg+eR/q6IAqmGqQ$m2lJzaH1cCL9qIM595JiPTuhYsnjhbN08Mma76DRR0U"


def create_user(session: Session, email: str, name: str, role: str, password: str) -> User:
    """Add a user; the password is kept only as an argon2 hash. In a clinic with one team, they join it."""
    email = email.strip().lower()
    if role not in ROLES:
        raise CareError(422, "Invalid role", f"role must be one of {', '.join(ROLES)}")
    if "@" not in email or "\x00" in email:
        raise CareError(422, "Invalid email", f"'{email.replace(chr(0), '')}' is not an email address")
    passwords.check(password, email)
    if session.scalar(select(User).where(User.email == email)):
        raise CareError(409, "User exists", f"{email} already has an account")
    user = User(email=email, name=name.strip() or email, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    join_the_only_team(session, user)
    return user


def check_password(session: Session, email: str, password: str) -> tuple[User | None, bool]:
    """The user with this email (or None) and whether the password is theirs and the account active.

    An unknown email is checked against a dummy hash, so it takes as long as a wrong password."""
    if "\x00" in email or "\x00" in password:
        return None, False
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return user, False
    return user, bool(user and user.active)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user, matched = check_password(session, email, password)
    return user if matched else None


def find_user(session: Session, email: str) -> User:
    """The user with this email, or a 404 CareError that names it (an email holding NUL, which PostgreSQL
    cannot compare, belongs to no one)."""
    user = None if "\x00" in email else session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise CareError(404, "No such user", f"no user has the email {email.strip().replace(chr(0), '')}; see "
                        "'portal users list'")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def _changed(session: Session, actor: User | None, what: str, user: User, channel: str, reason: str) -> None:
    """Audit a change to `user` and end their console sessions (the caller commits)."""
    sessions.end_all(session, user.id, reason)
    audit.record(session, actor, "write", f"{what}:#{user.id}", [], channel)


def add_user(session: Session, email: str, name: str, role: str, password: str, actor: User | None,
             channel: str) -> User:
    """create_user, audited (an admin's action from the console or the command line)."""
    begin_write(session)
    user = create_user(session, email, name, role, password)
    audit.record(session, actor, "write", f"user_created:#{user.id}", [], channel)
    return user


def set_active(session: Session, email: str, active: bool, actor: User | None, channel: str) -> User:
    """Disable (sessions end, tokens stop working) or enable a user."""
    user = find_user(session, email)
    if actor is not None and actor.id == user.id and not active:
        raise CareError(409, "Cannot disable yourself", "ask another admin to disable your account")
    begin_write(session)
    user.active = active
    _changed(session, actor, "user_enabled" if active else "user_disabled", user, channel, "disabled")
    return user


def set_role(session: Session, email: str, role: str, actor: User | None, channel: str) -> User:
    """Give a user another role; their sessions end so the new role applies from their next sign-in."""
    if role not in ROLES:
        raise CareError(422, "Invalid role", f"role must be one of {', '.join(ROLES)}")
    user = find_user(session, email)
    if actor is not None and actor.id == user.id:
        raise CareError(409, "Cannot change your own role", "ask another admin to change your role")
    begin_write(session)
    user.role = role
    _changed(session, actor, "user_role_changed", user, channel, "role_changed")
    return user


def set_billing_practitioner(session: Session, email: str, practitioner: bool, actor: User | None,
                             channel: str) -> User:
    """Mark a user as a billing practitioner (they may record minutes as the practitioner's own) or not.
    Their sessions go on: the flag is read afresh at each request, so it applies at once."""
    user = find_user(session, email)
    begin_write(session)
    user.billing_practitioner = practitioner
    audit.record(session, actor, "write", f"user_practitioner_{'on' if practitioner else 'off'}:#{user.id}", [],
                 channel)
    return user


def set_password(session: Session, email: str, password: str, actor: User | None, channel: str,
                 must_change: bool = False) -> User:
    """Set a user's password (checked against the rules); every session of theirs ends.

    `must_change`: a password set by someone else, which the user must replace at sign-in."""
    user = find_user(session, email)
    passwords.check(password, user.email)
    begin_write(session)
    user.password_hash = _hasher.hash(password)
    user.must_change_password = must_change
    _changed(session, actor, "password_reset" if actor is None or actor.id != user.id else "password_changed",
             user, channel, "password_changed")
    return user


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


# One indexed join, built once, run as a Core statement (no ORM object is made): every request reads the
# token and its user afresh (nothing is cached), so a revoked (deleted) or expired token and a disabled
# user are refused from the very next request. The password hash is left out: a token's user never needs it.
_USERS = User.__table__
_TOKEN_USER = (select(*(column for column in _USERS.c if column.name != "password_hash"), ApiToken.expires_at)
               .join_from(_USERS, ApiToken.__table__, ApiToken.user_id == _USERS.c.id)
               .where(ApiToken.token_hash == bindparam("token_hash")))


def user_for_token(session: Session, token: str) -> Row | None:
    """The active user a (non-expired) token belongs to, or None: a read-only row with the user's columns
    as attributes (id, email, name, role, active, billing_practitioner ...; not the password hash), which
    the API uses as it would a User."""
    row = session.connection().execute(_TOKEN_USER, {"token_hash": token_hash(token)}).first()
    if row is None or (row.expires_at and row.expires_at <= utcnow()) or not row.active:
        return None
    return row


def revoke_token(session: Session, token_id: int) -> bool:
    """Delete a token; False when there was none with that id."""
    row = session.get(ApiToken, token_id)
    if row is None:
        return False
    session.delete(row)
    return True
