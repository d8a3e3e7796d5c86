"""Pooled database connections: one the server has closed while it sat in the pool is never handed to a request."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from api_helpers import new_patient
from databases import POSTGRES


def test_a_connection_the_server_closed_is_replaced_before_a_request_uses_it(api, users, api_app, database_url):
    """PostgreSQL ends every backend of the database (as a restart would; waiting until each has gone, which
    needs PostgreSQL 14 or later); the next requests are answered, none fails on a dead connection."""
    patient = new_patient(api, users.nurse)
    assert api.get(f"/api/v1/patients/{patient}", headers=users.nurse).status_code == 200
    if database_url.startswith("postgresql"):
        name = database_url.rsplit("/", 1)[1]
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            ended = connection.execute(text("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                                            "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
            assert ended.scalar() >= 1
        admin.dispose()
    for _ in range(3):
        response = api.get(f"/api/v1/patients/{patient}", headers=users.nurse)
        assert response.status_code == 200, response.json
