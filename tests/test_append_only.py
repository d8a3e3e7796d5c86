"""Records of care cannot be changed, even in the database: triggers refuse it on both databases.

Each attempt goes through the app's own engine, as a bug or a person with the app's credentials
would. Inserting (recording, amending, auditing) keeps working.
"""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from api_helpers import education, new_patient
from databases import add_users, make_api_app
from portal.db import get_session
from portal.db.models import AuditEvent, CarePlan, EducationRecord, GoalProgress, PlanGoal
from portal.db.roles import runtime_grants

APPEND_ONLY = ("education_records", "audit_events", "care_plans", "plan_goals", "goal_progress")


def _one_record(api, users) -> str:
    """An education record that saved the progress of a care plan's goal (a row in every append-only table)."""
    patient = new_patient(api, users.nurse)
    plan = api.post(f"/api/v1/patients/{patient}/care-plans", headers=users.nurse, json={"goals": [
        {"goal": "Walk more", "steps": ["Walk after lunch."]}]})
    assert plan.status_code == 201, plan.json
    response = api.post(f"/api/v1/patients/{patient}/education-records", headers=users.nurse, json=education(
        goal_progress=[{"goal": plan.json["goals"][0]["id"], "status": "met"}]))
    assert response.status_code == 201, response.json
    return response.json["id"]


def _statements(dialect: str, table: str) -> list[str]:
    statements = [f"UPDATE {table} SET id = id", f"DELETE FROM {table}"]
    return statements + ([f"TRUNCATE {table}", f"TRUNCATE {table} CASCADE"] if dialect == "postgresql" else [])


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_update_delete_and_truncate_are_refused_by_the_database(api, users, api_app, table):
    _one_record(api, users)
    engine = api_app.extensions["portal.db"].engine
    with engine.connect() as connection:
        before = connection.scalar(text(f"SELECT count(*) FROM {table}"))
    assert before >= 1
    for statement in _statements(engine.dialect.name, table):
        # PostgreSQL refuses a plain TRUNCATE of a table others point at before any trigger runs; CASCADE reaches them.
        refusal = "append-only|referenced in a foreign key" if statement == f"TRUNCATE {table}" else "append-only"
        with pytest.raises(DBAPIError, match=refusal):
            with engine.begin() as connection:
                connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.scalar(text(f"SELECT count(*) FROM {table}")) == before


def test_the_orm_cannot_edit_or_delete_a_record(api, users, api_app):
    record_id = _one_record(api, users)
    with api_app.app_context():
        session = get_session()
        row = session.scalar(select(EducationRecord).where(EducationRecord.public_id == record_id))
        row.minutes = 200
        with pytest.raises(DBAPIError, match="append-only"):
            session.commit()
        session.rollback()
        session.delete(session.scalar(select(AuditEvent).limit(1)))
        with pytest.raises(DBAPIError, match="append-only"):
            session.commit()
        session.rollback()
        assert session.scalar(select(EducationRecord.minutes).where(EducationRecord.public_id == record_id)) == 15
        for model, change in ((PlanGoal, {"steps": ["Run a marathon."]}), (GoalProgress, {"status": "stopped"}),
                              (CarePlan, {"amendment_reason": "edited"})):
            row = session.scalar(select(model).limit(1))
            for name, value in change.items():
                setattr(row, name, value)
            with pytest.raises(DBAPIError, match="append-only"):
                session.commit()
            session.rollback()
            session.delete(session.scalar(select(model).limit(1)))
            with pytest.raises(DBAPIError, match="append-only"):
                session.commit()
            session.rollback()
        assert session.scalar(select(PlanGoal.steps)) == ["Walk after lunch."]


def test_amendments_and_audit_events_are_still_added(api, users, api_app):
    record_id = _one_record(api, users)
    amended = api.post(f"/api/v1/education-records/{record_id}/amendments",
                       json={**education(minutes=25), "reason": "It was 25 minutes."}, headers=users.nurse)
    assert amended.status_code == 201 and amended.json["amends"] == record_id
    with api_app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(EducationRecord.id))) == 2
        assert session.scalar(select(func.count(AuditEvent.id))) >= 3


def test_replayed_post_and_reading_the_audit_log_are_audited(api, users, api_app):
    patient = new_patient(api, users.nurse)
    headers = {**users.nurse, "Idempotency-Key": "retry-1"}
    first = api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=headers)
    again = api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=headers)
    assert again.status_code == first.status_code == 201 and again.json["id"] == first.json["id"]
    assert api.get("/api/v1/audit", headers=users.admin).status_code == 200
    log = api.get("/api/v1/audit?per_page=100", headers=users.admin).json["items"]
    whats = [(event["what"], event["user"], event["patient_id"]) for event in log]
    assert ("education_record_replayed", "nurse@clinic.example", patient) in whats
    assert ("audit_log", "admin@clinic.example", None) in whats


def test_a_runtime_role_cannot_change_records_of_care_even_without_triggers(content_dir, postgres_copy):
    """PostgreSQL only (roles): the documented owner/runtime split holds on its own."""
    app = make_api_app(content_dir, postgres_copy)
    _one_record(app.test_client(), add_users(app))
    app.extensions["portal.db"].dispose()
    role = f"portal_runtime_{secrets.token_hex(3)}"
    owner = create_engine(postgres_copy, isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as connection:
            connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            for statement in runtime_grants(role):
                connection.execute(text(statement))
            for table in APPEND_ONLY:
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            connection.execute(text(f"SET ROLE {role}"))
            assert connection.scalar(text("SELECT count(*) FROM education_records")) == 1
            assert connection.scalar(text("SELECT count(*) FROM goal_progress")) == 1
            connection.execute(text("INSERT INTO audit_events (at, action, what, channel) "
                                    "VALUES (now(), 'read', 'role_test', 'api')"))
            for statement in ("UPDATE education_records SET minutes = 1", "DELETE FROM education_records",
                              "UPDATE care_plans SET language = 'en'", "DELETE FROM plan_goals",
                              "UPDATE goal_progress SET status = 'met'", "DELETE FROM goal_progress"):
                with pytest.raises(DBAPIError, match="permission denied"):
                    connection.execute(text(statement))
            connection.execute(text("UPDATE patients SET language = language"))  # what the portal does change
            connection.execute(text("RESET ROLE"))
    finally:
        with owner.connect() as connection:
            for table in APPEND_ONLY:
                connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(text(f"DROP ROLE {role}"))
        owner.dispose()


def test_migration_0006_keeps_old_records_and_the_triggers(blank_database):
    """Records written before programs existed count toward CCM; nobody is a billing practitioner yet; and
    the append-only triggers still refuse changes after the columns are added (and after a downgrade)."""
    from alembic import command

    from portal.db import make_engine
    from portal.db.migrate import alembic_config, upgrade

    engine = make_engine(blank_database)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO users (email, name, role, password_hash, active, created_at, "
                                "must_change_password) VALUES ('a@clinic.example', 'A', 'admin', 'x', true, "
                                "'2026-11-01', false)"))
        connection.execute(text("INSERT INTO patients (public_id, reference, hashed, language, created_at) "
                                "VALUES ('pt_old', 'R-OLD', false, 'en', '2026-11-01')"))
        connection.execute(text("INSERT INTO education_records (public_id, patient_id, taught_on, topics, learner, "
                                "readiness, barriers, methods, evaluations, interpreter_used, minutes, minutes_by, "
                                "note, created_at, created_by) VALUES ('ed_old', 1, '2026-11-02', '[]', 'patient', "
                                "'eager', '[]', '[]', '[]', false, 20, 'clinical_staff', '', '2026-11-02', 1)"))
    try:
        for _round in range(2):  # up, then down and up again
            upgrade(engine, "0006")  # this test is about 0006; later tables add foreign keys
            with engine.connect() as connection:
                assert connection.execute(text("SELECT program FROM education_records")).scalars().all() == ["ccm"]
                assert connection.execute(text("SELECT billing_practitioner FROM users")).scalars().all() in (
                    [False], [0])
            for statement in _statements(engine.dialect.name, "education_records") + [
                    "UPDATE education_records SET program = 'pcm'"]:
                with pytest.raises(DBAPIError, match="append-only"):
                    with engine.begin() as connection:
                        connection.execute(text(statement))
            command.downgrade(alembic_config(engine), "0005")
            with pytest.raises(DBAPIError, match="append-only"):
                with engine.begin() as connection:
                    connection.execute(text("DELETE FROM education_records"))
    finally:
        engine.dispose()
