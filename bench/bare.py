"""The yardsticks, served like the portal (same gunicorn, same workers):

- `GET /`: a bare Flask endpoint that returns a constant (what a request costs at all);
- `POST /insert`: a bare Flask endpoint that makes one durable SQLite insert of the request's body
  and answers its id: the floor a write can reach. The file is BENCH_BARE_SQLITE; the connection
  has the portal's own settings (`portal.db.SQLITE_PRAGMAS`: WAL, the same `synchronous`), one per
  worker, and each insert is its own committed transaction (BEGIN IMMEDIATE ... COMMIT).
"""
from __future__ import annotations

import os
import sqlite3

from flask import Flask, request

from portal.db import SQLITE_BUSY_MS, SQLITE_PRAGMAS

app = Flask(__name__)
_connection: sqlite3.Connection | None = None


def connection() -> sqlite3.Connection:
    """This worker's connection (opened after gunicorn forks it), the table made if missing."""
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(os.environ.get("BENCH_BARE_SQLITE", "bare.db"), isolation_level=None,
                                      timeout=SQLITE_BUSY_MS / 1000)
        for pragma in SQLITE_PRAGMAS:
            _connection.execute("PRAGMA " + pragma)
        _connection.execute("CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, body TEXT NOT NULL, "
                            "at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
    return _connection


@app.get("/")
def constant():
    return {"ok": True}


@app.post("/insert")
def insert():
    db = connection()
    db.execute("BEGIN IMMEDIATE")
    try:
        row_id = db.execute("INSERT INTO records (body) VALUES (?)", (request.get_data(as_text=True),)).lastrowid
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return {"id": row_id}, 201
