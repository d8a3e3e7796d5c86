"""Database fixtures: every API test runs on SQLite and on PostgreSQL.

PostgreSQL: a fresh database portal_test_<random> on PORTAL_TEST_POSTGRES (default the local
server), migrated once per session, emptied before each test, dropped at the end, so parallel
runs never meet. When the server is unreachable those tests are skipped with the reason; with
PORTAL_REQUIRE_POSTGRES=1 (CI) they fail instead.
"""
from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.care.users import create_token, create_user
from portal.db import get_session, make_engine
from portal.db.migrate import upgrade
from portal.care.teams import DEFAULT_NAME, DEFAULT_SLUG
from portal.db.models import Base, Team

POSTGRES = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def postgres_database():
    """The URL of a new, migrated PostgreSQL database for this test session."""
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
    url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


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
    url = request.getfixturevalue("postgres_database")
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(Team.__table__.insert().values(slug=DEFAULT_SLUG, name=DEFAULT_NAME))  # as migrated
    engine.dispose()
    return url


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
