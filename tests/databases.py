"""Database fixtures: every API test runs on SQLite and on PostgreSQL.

PostgreSQL: a database portal_test_<random> on PORTAL_TEST_POSTGRES (default the local server) is
migrated once per session and used as a template: each test gets a fresh copy (CREATE DATABASE
... TEMPLATE), dropped after it, so parallel runs never meet. Tests never empty tables: records
of care are append-only in the database (triggers refuse UPDATE, DELETE and TRUNCATE), so a clean
slate is a new database. When the server is unreachable those tests are skipped with the reason;
with PORTAL_REQUIRE_POSTGRES=1 (CI) they fail instead.
"""
from __future__ import annotations

import os
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.care.users import create_token, create_user
from portal.db import get_session, make_engine
from portal.db.migrate import upgrade

POSTGRES = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "plum kettle orbits a quiet lantern"


def _postgres_url(name: str) -> str:
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres_database():
    """The name of a new, migrated PostgreSQL database for this test session (a template)."""
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"portal_test_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL at {POSTGRES} is unreachable ({str(exc).splitlines()[0]})"
        if os.environ.get("PORTAL_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason}; PORTAL_REQUIRE_POSTGRES=1 makes this a failure")
        pytest.skip(f"SKIPPED POSTGRESQL LEG: {reason}; set PORTAL_REQUIRE_POSTGRES=1 to fail instead")
    engine = make_engine(_postgres_url(name))
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@contextmanager
def _scratch_database(name: str, template: str | None = None):
    """The URL of a new PostgreSQL database (empty, or a copy of `template`), dropped afterwards."""
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")))
    try:
        yield _postgres_url(name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def postgres_copy(postgres_database):
    """The URL of a fresh copy of the migrated template database, dropped after the test."""
    with _scratch_database(f"{postgres_database}_{secrets.token_hex(3)}", postgres_database) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_database(request, tmp_path):
    """An empty database (no tables) of each kind, for tests of the migrations themselves."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    request.getfixturevalue("postgres_database")  # skips (or fails in CI) when PostgreSQL is unreachable
    with _scratch_database(f"portal_blank_{secrets.token_hex(4)}") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (migrating once is faster than per test)."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty, migrated database of each kind (holding only the default team the migration makes)."""
    if request.param == "sqlite":
        target = tmp_path / "portal.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    return request.getfixturevalue("postgres_copy")


API_SETTINGS = {"PORTAL_SECRET_KEY": "test-secret", "PORTAL_API_RATE_LIMIT": "100000 per minute",
                "PORTAL_PUBLIC_RATE_LIMIT": "100000 per minute", "PORTAL_CLINIC_NAME": "Riverside Clinic"}


def make_api_app(content_dir, database_url, **settings):
    return create_app({"PORTAL_CONTENT_DIR": str(content_dir), "DATABASE_URL": database_url,
                       **API_SETTINGS, **settings})


@pytest.fixture
def api_app(content_dir, database_url):
    app = make_api_app(content_dir, database_url)
    app.config["TESTING"] = True
    yield app
    app.extensions["portal.db"].dispose()


def add_users(app) -> SimpleNamespace:
    """An admin and a care manager, each with a token, and their Authorization headers."""
    with app.app_context():
        session = get_session()
        create_user(session, "admin@clinic.example", "Ada Admin", "admin", PASSWORD)
        create_user(session, "nurse@clinic.example", "Nora Nurse", "care_manager", PASSWORD)
        _, admin = create_token(session, "admin@clinic.example", "test")
        _, nurse = create_token(session, "nurse@clinic.example", "test")
        session.commit()
    return SimpleNamespace(admin={"Authorization": f"Bearer {admin}"}, nurse={"Authorization": f"Bearer {nurse}"},
                           admin_token=admin, nurse_token=nurse)


def set_practitioner(app, email: str, practitioner: bool = True) -> None:
    """Mark a user as a billing practitioner (or not), as an admin would."""
    from portal.care.users import set_billing_practitioner

    with app.app_context():
        session = get_session()
        set_billing_practitioner(session, email, practitioner, None, "cli")
        session.commit()


@pytest.fixture
def users(api_app):
    return add_users(api_app)


@pytest.fixture
def api(api_app):
    return api_app.test_client()


def authorized_client(settings: dict):
    """A test client of an app on a fresh SQLite database, sending a care manager's token with every request.

    For tests of token-protected read-only routes (search, lookup) that are not about the database.
    """
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="portal-search-")) / "portal.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    app = create_app({**settings, "DATABASE_URL": f"sqlite:///{path}", **API_SETTINGS})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = add_users(app).nurse["Authorization"]
    return client
