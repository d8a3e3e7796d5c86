"""Idempotency-Key: a retried POST gets the first response again and creates nothing twice.

The key, a hash of the request and the response are stored in the same transaction as what the
request created, so either both are saved or neither is. Two requests racing with one key
meet the unique constraint: the loser rolls back and replays the winner's response.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.care.errors import CareError
from portal.db import begin_write
from portal.db.models import IdempotencyKey, User


def request_hash(method: str, path: str, body) -> str:
    return hashlib.sha256(json.dumps([method, path, body], sort_keys=True, default=str).encode()).hexdigest()


def _replay(row: IdempotencyKey, digest: str) -> tuple[int, dict]:
    if row.request_hash != digest:
        raise CareError(422, "Idempotency key reused", "This Idempotency-Key was already used for a different "
                        "request; use a new key for each new request.",
                        [{"field": "Idempotency-Key", "detail": "already used for a different request"}])
    return row.status, row.body


def run(session: Session, user: User, key: str | None, digest: str, create: Callable[[], tuple[int, dict]],
        on_replay: Callable[[], None] | None = None):
    """Call `create` and commit, or replay the response stored under `key`. Returns (status, body).

    A replay hands out a stored record again, so `on_replay` (which writes its audit event) runs
    and is committed before the stored response is returned."""
    begin_write(session)
    if key is None:
        result = create()
        session.commit()
        return result
    if not key or len(key) > 200 or not key.isprintable():  # an empty key is a mistake, not "no key"
        raise CareError(422, "Invalid Idempotency-Key", "Idempotency-Key: use 1 to 200 printable characters",
                        [{"field": "Idempotency-Key", "detail": "use 1 to 200 printable characters"}])
    query = select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    existing = session.scalar(query)
    if existing:
        return _replayed(session, existing, digest, on_replay)
    status, body = create()
    session.add(IdempotencyKey(user_id=user.id, key=key, request_hash=digest, status=status, body=body))
    try:
        session.commit()
    except IntegrityError:  # PostgreSQL: another request committed this key first
        session.rollback()
        return _replayed(session, session.scalar(query), digest, on_replay)
    return status, body


def _replayed(session: Session, row: IdempotencyKey, digest: str, on_replay) -> tuple[int, dict]:
    result = _replay(row, digest)
    if on_replay:
        begin_write(session)
        on_replay()
        session.commit()
    return result
