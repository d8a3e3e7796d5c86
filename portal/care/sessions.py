"""Console sessions kept on the server, so signing out (or being disabled) ends them for good.

The browser's cookie holds only a random session id; the database holds its SHA-256, the user,
when it began, when it was last used and when and why it ended. A session ends when its user
signs out, after `idle` without use, `max_age` after sign-in, and at once for every session of a
user whose password, role or account changes. `last_seen_at` is written at most once a minute
(TOUCH_EVERY), so pages do not each cost a database write.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.db import begin_write
from portal.db.models import ConsoleSession, User, utcnow

TOUCH_EVERY = dt.timedelta(minutes=1)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(db: Session, user: User) -> str:
    """A new session for `user`; returns its id for the cookie (the id itself is never stored)."""
    session_id = secrets.token_urlsafe(32)
    begin_write(db)
    db.add(ConsoleSession(id_hash=_hash(session_id), user_id=user.id))
    db.flush()
    return session_id


def current(db: Session, session_id: str | None, idle: dt.timedelta, max_age: dt.timedelta,
            touch: bool = True) -> ConsoleSession | None:
    """The live session with this id (its user active), or None; a session found past its time is ended.

    `touch` counts this request as use of the session (a status check does not)."""
    if not session_id:
        return None
    row = db.scalar(select(ConsoleSession).where(ConsoleSession.id_hash == _hash(session_id)))
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    reason = ("disabled" if not row.user.active else "expired" if now - row.created_at >= max_age
              else "idle" if now - row.last_seen_at >= idle else None)
    if reason:
        _end(db, [ConsoleSession.id == row.id], reason)
        db.commit()
        return None
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        begin_write(db)
        row.last_seen_at = now
        db.commit()
    return row


def seconds_left(row: ConsoleSession, idle: dt.timedelta, max_age: dt.timedelta) -> int:
    """Seconds until the session ends if it is not used (the idle or the absolute limit, the sooner)."""
    ends = min(row.last_seen_at + idle, row.created_at + max_age)
    return max(0, int((ends - utcnow()).total_seconds()))


def keep_alive(db: Session, row: ConsoleSession) -> None:
    """Count now as use of the session, whatever TOUCH_EVERY says (the 'stay signed in' button)."""
    begin_write(db)
    row.last_seen_at = utcnow()
    db.commit()


def _end(db: Session, where: list, reason: str) -> int:
    begin_write(db)
    result = db.execute(update(ConsoleSession).where(ConsoleSession.ended_at.is_(None), *where)
                        .values(ended_at=utcnow(), end_reason=reason))
    return result.rowcount


def end(db: Session, session_id: str | None, reason: str = "logout") -> None:
    """End one session (signing out); the caller commits."""
    if session_id:
        _end(db, [ConsoleSession.id_hash == _hash(session_id)], reason)


def end_all(db: Session, user_id: int, reason: str) -> int:
    """End every session of a user (password, role or account changed); the caller commits. Returns how many."""
    return _end(db, [ConsoleSession.user_id == user_id], reason)
