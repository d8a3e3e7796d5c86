"""Sign-in throttling: failed sign-ins counted in the database, so every worker process sees them.

After ACCOUNT_LIMIT failures for one email (or ADDRESS_LIMIT from one network address) within
WINDOW, that email (or address) is locked for LOCK: its sign-ins are refused without checking the
password at all. Emails are kept only as their SHA-256. Each failure and each lock is written to
the audit log. `PasswordChecks` caps how many argon2 checks one process runs at once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from contextlib import contextmanager

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from portal.care import audit
from portal.care.errors import CareError
from portal.db import begin_write
from portal.db.models import LoginFailure, User, utcnow

ACCOUNT_LIMIT = 10
ADDRESS_LIMIT = 50
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)
WAIT_SECONDS = 3.0  # how long a sign-in waits for a free password check before it is told to come back


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def is_locked(db: Session, email: str, address: str) -> bool:
    """True while the email or the address is locked."""
    now = utcnow()
    return bool(db.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.locked_until > now,
        or_(LoginFailure.account == account_key(email), LoginFailure.address == address))))


def record_failure(db: Session, email: str, address: str, user: User | None, channel: str = "console") -> bool:
    """Count a failed sign-in (audited); lock the email or address when it reaches its limit. True if locked now.

    A lock is a row of its own, naming only what it locks (the email or the address)."""
    now, account, address = utcnow(), account_key(email), address[:64]
    begin_write(db)
    db.execute(delete(LoginFailure).where(LoginFailure.at < now - max(WINDOW, LOCK)))  # old rows are no use
    db.add(LoginFailure(at=now, account=account, address=address))
    db.flush()
    counted = select(func.count(LoginFailure.id)).where(LoginFailure.locked_until.is_(None), LoginFailure.at > now - WINDOW)
    audit.record(db, user, "auth", "login_failed", [], channel)
    locks = []
    if db.scalar(counted.where(LoginFailure.account == account)) >= ACCOUNT_LIMIT:
        locks.append(LoginFailure(at=now, account=account, address="", locked_until=now + LOCK))
    if db.scalar(counted.where(LoginFailure.address == address)) >= ADDRESS_LIMIT:
        locks.append(LoginFailure(at=now, account="", address=address, locked_until=now + LOCK))
    if locks:
        db.add_all(locks)
        audit.record(db, user, "auth", "login_locked", [], channel)
    db.commit()
    return bool(locks)


def clear(db: Session, email: str) -> None:
    """Forget an email's failures after it signs in successfully (the caller commits)."""
    begin_write(db)
    db.execute(delete(LoginFailure).where(LoginFailure.account == account_key(email),
                                          LoginFailure.locked_until.is_(None)))


class PasswordChecks:
    """At most `size` argon2 checks at once in this process; a CareError 503 when none frees up in time."""

    def __init__(self, size: int):
        self.slots = threading.BoundedSemaphore(size)

    @contextmanager
    def slot(self):
        if not self.slots.acquire(timeout=WAIT_SECONDS):
            raise CareError(503, "Busy", "Many people are signing in right now. Wait a few seconds and try again.",
                            headers={"Retry-After": "5"})
        try:
            yield
        finally:
            self.slots.release()
