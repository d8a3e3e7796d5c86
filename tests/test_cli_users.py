"""portal db upgrade, users create, tokens create/revoke: a first admin from the README."""
from __future__ import annotations

from alembic.script import ScriptDirectory

from portal import create_app
from portal.db.migrate import alembic_config
from portal.cli import main


def test_first_admin_and_token_from_the_command_line(runner, tmp_path, content_dir):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"}
    upgraded = runner.invoke(main, ["db", "upgrade"], env=env)
    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
    assert upgraded.exit_code == 0 and f"is at version {head}" in upgraded.output
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0  # safe to run again
    short = runner.invoke(main, ["users", "create", "boss@clinic.example", "--password", "short"], env=env)
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    made = runner.invoke(main, ["users", "create", "boss@clinic.example", "--role", "admin", "--name", "Boss"],
                         input="a long password\na long password\n", env=env)
    assert made.exit_code == 0 and "Created admin boss@clinic.example" in made.output
    twice = runner.invoke(main, ["users", "create", "boss@clinic.example", "--password", "a long password"], env=env)
    assert twice.exit_code == 1 and "already has an account" in twice.output
    token = runner.invoke(main, ["tokens", "create", "boss@clinic.example", "--name", "laptop", "--days", "30"],
                          env=env)
    assert token.exit_code == 0
    secret = token.stdout.strip().splitlines()[-1]
    assert secret.startswith("cgp_")
    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir), **env})
    client = app.test_client()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json == {"email": "boss@clinic.example", "name": "Boss", "role": "admin"}
    assert runner.invoke(main, ["tokens", "revoke", "1"], env=env).exit_code == 0
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert runner.invoke(main, ["tokens", "revoke", "1"], env=env).exit_code == 1
    unknown = runner.invoke(main, ["tokens", "create", "nobody@clinic.example"], env=env)
    assert unknown.exit_code == 1 and "portal users create" in unknown.output
    app.extensions["portal.db"].dispose()
