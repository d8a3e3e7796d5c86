"""Idempotency-Key: a retried POST gets the first response again and creates nothing twice.

The key, a hash of the request and the response are stored in the same transaction as what the
request created, so either both are saved or neither is. Two requests racing with one key
meet the unique constraint: the loser rolls back and replays the winner's response.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.care.errors import CareError
from portal.db import begin_write, write_connection
from portal.db.models import IdempotencyKey, User

_KEYS = IdempotencyKey.__table__
# Built once: finding a key and storing one are on the path of every keyed POST.
_FIND = select(_KEYS.c.request_hash, _KEYS.c.status, _KEYS.c.body).where(
    _KEYS.c.user_id == bindparam("user_id"), _KEYS.c.key == bindparam("key"))
_INSERT = insert(_KEYS)


def request_hash(method: str, path: str, body) -> str:
    return hashlib.sha256(json.dumps([method, path, body], sort_keys=True, default=str).encode()).hexdigest()


def _replay(row: Row, digest: str) -> tuple[int, dict]:
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
    params = {"user_id": user.id, "key": key}
    existing = session.connection().execute(_FIND, params).first()
    if existing:
        return _replayed(session, existing, digest, on_replay)
    status, body = create()
    try:
        write_connection(session).execute(_INSERT, {**params, "request_hash": digest, "status": status, "body": body})
        session.commit()
    except IntegrityError:  # PostgreSQL: another request stored this key first (and has committed it now)
        session.rollback()
        return _replayed(session, session.connection().execute(_FIND, params).first(), digest, on_replay)
    return status, body


def _replayed(session: Session, row: Row, digest: str, on_replay) -> tuple[int, dict]:
    result = _replay(row, digest)
    if on_replay:
        begin_write(session)
        on_replay()
        session.commit()
    return result
