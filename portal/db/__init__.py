"""The database: engine, one session per request (closed at teardown), migrations. Knows no HTTP.

SQLite (the default, a file in the Flask instance folder) runs in WAL mode with a busy timeout.
Reads run in ordinary (deferred) transactions, side by side. A transaction that writes is
started with `begin_write`: on SQLite it takes an exclusive lock on a file beside the database
(every worker process and thread queues on it and is woken the moment it is free, rather than
polling as SQLite's busy handler does) and then BEGIN IMMEDIATE, so a writer never fails on a
stale snapshot. PostgreSQL is used when DATABASE_URL names it; there `begin_write` does nothing.
"""
from __future__ import annotations

import fcntl
import os
import select
import sqlite3
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_MS = 10000
# Every SQLite connection's settings. In WAL mode, synchronous=NORMAL makes a commit durable against a
# crash of the process (kill -9): only a power loss or an OS crash may take back the last commits.
SQLITE_PRAGMAS = ("journal_mode=WAL", f"busy_timeout={SQLITE_BUSY_MS}", "foreign_keys=ON", "synchronous=NORMAL")


def database_url(app: Flask) -> str:
    """DATABASE_URL, or the SQLite file portal.db in the app's instance folder."""
    if app.config.get("DATABASE_URL"):
        return app.config["DATABASE_URL"]
    return f"sqlite:///{Path(app.instance_path) / 'portal.db'}"


class _WriterConnection(sqlite3.Connection):
    """A SQLite connection that holds the write lock file from BEGIN IMMEDIATE until commit or rollback."""

    lock_fd: int | None = None
    locked = False
    writing = False  # in a transaction begun by begin_immediate

    def lock(self) -> None:
        if self.lock_fd is not None and not self.locked:
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX)
            self.locked = True

    def unlock(self) -> None:
        if self.locked:
            fcntl.flock(self.lock_fd, fcntl.LOCK_UN)
            self.locked = False

    def begin_immediate(self) -> None:
        """End the read transaction, if one is open, then queue on the lock file and BEGIN IMMEDIATE."""
        if self.in_transaction:
            sqlite3.Connection.commit(self)
        self.lock()
        try:
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.unlock()
            raise
        self.writing = True

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.writing = False
            self.unlock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.writing = False
            self.unlock()

    def close(self) -> None:
        self.unlock()
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None
        super().close()


def _refuse_closed(dbapi_connection, _record, _proxy) -> None:
    """A pooled PostgreSQL connection whose server has closed it (restarted, or ended the backend) is
    replaced as it is checked out, without a round trip: an idle connection's socket has nothing to read
    unless the server has sent its goodbye (the FATAL message, then end of file). This keeps what
    pool_pre_ping gave (no request fails on a connection that died while idle) without its `SELECT 1`,
    one more round trip on every request. A socket that is readable for another reason only costs a
    new connection."""
    try:
        fd = dbapi_connection.fileno()
    except Exception as exc:  # closed already
        raise DisconnectionError("the connection is closed") from exc
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection")


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout, foreign keys and a queue for writers."""
    if not url.startswith("sqlite"):
        sockets = make_url(url).get_dialect().driver in ("psycopg", "psycopg2")  # connections with fileno()
        engine = create_engine(url, pool_pre_ping=not sockets, pool_size=10, max_overflow=20, hide_parameters=True)
        if sockets:
            event.listen(engine, "checkout", _refuse_closed)
        return engine
    path = url.split("///", 1)[-1]
    lock_path = None
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        lock_path = path + ".write-lock"
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False,
                                              "factory": _WriterConnection}, pool_size=20, max_overflow=40,
                           hide_parameters=True)  # no patient data in error messages or logs

    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record):
        connection.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
        if lock_path:
            connection.lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        cursor = connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute("PRAGMA " + pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("portal_write"):
            connection.connection.dbapi_connection.begin_immediate()
        else:
            connection.connection.dbapi_connection.execute("BEGIN")

    return engine


class Database:
    """The engine and session factory of one app, made on first use (the static build never needs it)."""

    def __init__(self, url: str):
        self.url = url
        self._engine: Engine | None = None
        self._sessions: sessionmaker | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
            self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        return self._engine

    def session(self) -> Session:
        self.engine
        return self._sessions()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def init_app(app: Flask) -> None:
    """Attach the database to the app and close each request's session at teardown."""
    app.extensions["portal.db"] = Database(database_url(app))

    @app.teardown_appcontext
    def _close(_exc) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def begin_write(session: Session) -> None:
    """Make the session's transaction one that may write: on SQLite, end any read transaction and
    queue for the write lock. Call it before the first change; reads before it stay as they were.

    A session already reading keeps its connection: the read transaction is committed and the write
    transaction begun on the same connection (cheaper than handing it back to the pool and taking
    another), and the session's commit or rollback ends the write transaction and frees the lock."""
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        connection = session.connection().connection.dbapi_connection
        if not connection.writing:
            session.flush()  # changes made before now belong to the read transaction, as a commit would write them
            connection.begin_immediate()
        return
    session.connection(execution_options={"portal_write": True})


def write_connection(session: Session) -> Connection:
    """The connection of the session's transaction, for Core statements (INSERTs built once), after the
    session's pending ORM changes are written, so the rows those statements refer to exist."""
    session.flush()
    return session.connection()


def get_session() -> Session:
    """This request's session (one per app context)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["portal.db"].session()
    return g.db_session
