"""portal db upgrade, users create/list/disable/enable/set-password/set-role, tokens create/revoke."""
from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from databases import PASSWORD
from portal import create_app
from portal.db.migrate import alembic_config
from portal.cli import main
from portal.db import get_session
from portal.db.migrate import alembic_config
from portal.db.models import AuditEvent

HEAD = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
LONG = "a long password for the chief"


def test_first_admin_and_token_from_the_command_line(runner, tmp_path, content_dir):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"}
    upgraded = runner.invoke(main, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0 and f"is at version {HEAD}" in upgraded.output
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0  # safe to run again
    short = runner.invoke(main, ["users", "create", "boss@clinic.example", "--password", "short"], env=env)
    assert short.exit_code == 1 and "at least 15 characters" in short.output
    made = runner.invoke(main, ["users", "create", "boss@clinic.example", "--role", "admin", "--name", "Boss"],
                         input=f"{LONG}\n{LONG}\n", env=env)
    assert made.exit_code == 0 and "Created admin boss@clinic.example" in made.output
    twice = runner.invoke(main, ["users", "create", "boss@clinic.example", "--password", LONG], env=env)
    assert twice.exit_code == 1 and "already has an account" in twice.output
    token = runner.invoke(main, ["tokens", "create", "boss@clinic.example", "--name", "laptop", "--days", "30"],
                          env=env)
    assert token.exit_code == 0
    secret = token.stdout.strip().splitlines()[-1]
    assert secret.startswith("cgp_")
    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), **env})
    client = app.test_client()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json == {"email": "boss@clinic.example", "name": "Boss", "role": "admin", "billing_practitioner": False}
    assert runner.invoke(main, ["tokens", "revoke", "1"], env=env).exit_code == 0
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert runner.invoke(main, ["tokens", "revoke", "1"], env=env).exit_code == 1
    unknown = runner.invoke(main, ["tokens", "create", "nobody@clinic.example"], env=env)
    assert unknown.exit_code == 1 and "portal users create" in unknown.output
    app.extensions["portal.db"].dispose()


@pytest.fixture
def clinic(runner, tmp_path, content_dir):
    """A migrated SQLite database with an admin and a nurse (and her token), and a console app on it."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"}
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    for email, role in (("boss@clinic.example", "admin"), ("nurse@clinic.example", "care_manager")):
        made = runner.invoke(main, ["users", "create", email, "--role", role, "--password", PASSWORD], env=env)
        assert made.exit_code == 0, made.output
    token = runner.invoke(main, ["tokens", "create", "nurse@clinic.example"], env=env).stdout.strip().splitlines()[-1]
    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_SECRET_KEY": "test", **env})
    yield env, app, {"Authorization": f"Bearer {token}"}
    app.extensions["portal.db"].dispose()


def signed_in(app):
    from test_console import sign_in

    client = app.test_client()
    sign_in(client)
    return client


def audit_whats(app) -> list[str]:
    with app.app_context():
        return [event.what for event in get_session().query(AuditEvent).order_by(AuditEvent.id)]


def test_users_list_shows_roles_and_standing(runner, clinic):
    env, _, _ = clinic
    listed = runner.invoke(main, ["users", "list"], env=env)
    assert listed.exit_code == 0
    assert [line.split("\t")[:3] for line in listed.output.splitlines()] == [
        ["boss@clinic.example", "admin", "active"], ["nurse@clinic.example", "care_manager", "active"]]


def test_disable_ends_sessions_and_tokens_enable_restores_sign_in(runner, clinic):
    env, app, nurse = clinic
    client = signed_in(app)
    api = app.test_client()
    assert api.get("/api/v1/me", headers=nurse).status_code == 200
    disabled = runner.invoke(main, ["users", "disable", "Nurse@clinic.example"], env=env)
    assert disabled.exit_code == 0 and "Disabled nurse@clinic.example" in disabled.output
    assert client.get("/console/").location.endswith("/console/login")
    assert api.get("/api/v1/me", headers=nurse).status_code == 401
    assert "active" not in runner.invoke(main, ["users", "list"], env=env).output.splitlines()[1].split("\t")[2]
    assert runner.invoke(main, ["users", "enable", "nurse@clinic.example"], env=env).exit_code == 0
    assert api.get("/api/v1/me", headers=nurse).status_code == 200
    signed_in(app)  # signs in again
    assert audit_whats(app)[-3:-1] == ["user_disabled:#2", "user_enabled:#2"]


def test_set_password_and_role_end_sessions(runner, clinic):
    env, app, _ = clinic
    client = signed_in(app)
    weak = runner.invoke(main, ["users", "set-password", "nurse@clinic.example", "--password", "passwordpassword"],
                         env=env)
    assert weak.exit_code == 1 and "common or breached" in weak.output
    assert client.get("/console/").status_code == 200  # a refused change ends nothing
    changed = runner.invoke(main, ["users", "set-password", "nurse@clinic.example", "--temporary"],
                            input="another long passphrase\nanother long passphrase\n", env=env)
    assert changed.exit_code == 0, changed.output
    assert client.get("/console/").location.endswith("/console/login")
    assert "must change password" in runner.invoke(main, ["users", "list"], env=env).output
    back = runner.invoke(main, ["users", "set-password", "nurse@clinic.example", "--password", PASSWORD], env=env)
    assert back.exit_code == 0 and "must change" not in runner.invoke(main, ["users", "list"], env=env).output
    client = signed_in(app)
    role = runner.invoke(main, ["users", "set-role", "nurse@clinic.example", "admin"], env=env)
    assert role.exit_code == 0 and "is now admin" in role.output
    assert client.get("/console/").location.endswith("/console/login")
    assert {"password_reset:#2", "user_role_changed:#2"} <= set(audit_whats(app))


@pytest.mark.parametrize("args", [["disable", "nobody@clinic.example"], ["enable", "nobody@clinic.example"],
                                  ["set-role", "nobody@clinic.example", "admin"],
                                  ["set-password", "nobody@clinic.example", "--password", "a perfectly fine password"]])
def test_unknown_email_is_one_clear_line(runner, clinic, args):
    env, _, _ = clinic
    result = runner.invoke(main, ["users", *args], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no user has the email nobody@clinic.example; see 'portal users list'"
