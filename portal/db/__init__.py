"""The database: engine, one session per request (closed at teardown), migrations. Knows no HTTP.

SQLite (the default, a file in the Flask instance folder) runs in WAL mode with a busy timeout,
and every transaction starts with BEGIN IMMEDIATE so concurrent writers queue instead of
failing. PostgreSQL is used when DATABASE_URL names it.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_MS = 10000


def database_url(app: Flask) -> str:
    """DATABASE_URL, or the SQLite file portal.db in the app's instance folder."""
    if app.config.get("DATABASE_URL"):
        return app.config["DATABASE_URL"]
    return f"sqlite:///{Path(app.instance_path) / 'portal.db'}"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False},
                           pool_size=20, max_overflow=40)

    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record):
        connection.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

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


def get_session() -> Session:
    """This request's session (one per app context)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["portal.db"].session()
    return g.db_session
