"""Rate limits that hold: shared by real gunicorn workers through Redis, refused when they would not be,
and counted per token rather than per address for signed-in use.
"""
from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from databases import add_users, make_api_app

ROOT = Path(__file__).parent.parent
REDIS = "redis://127.0.0.1:6379"
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(tmp_path, *args, env=None):
    """Start real gunicorn from the checkout on a free port of 127.0.0.1; (process, port)."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "GUNICORN", "WEB_CONCURRENCY"))}
    environ.update({"PORTAL_CONTENT_DIR": str(ROOT / "tests/fixtures/content"), "PORTAL_SECRET_KEY": "test",
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}", "PORTAL_CACHE_DIR": str(tmp_path / "cache"),
                    **(env or {})})
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                                "--no-control-socket", *args], cwd=ROOT, env=environ,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, port


def stop(process) -> str:
    if process.poll() is None:
        process.terminate()
    _out, err = process.communicate(timeout=START_SECONDS)
    return err


def wait_until_up(process, port) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, stop(process)
        try:
            request("GET", port, "/api/v1/openapi.json")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer in time:\n" + stop(process))


def request(method, port, path, body=None) -> int:
    """One request on a fresh connection; its status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/json", "Connection": "close"} if body is not None else {}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def public_code_request() -> tuple[str, str, dict | None]:
    """How the public code endpoint is called (its method and path come from the app's routes)."""
    from portal import create_app

    app = create_app({"PORTAL_CONTENT_DIR": str(ROOT / "tests/fixtures/content")})
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "api.open_code")
    if "POST" in rule.methods:
        return "POST", rule.rule, {"code": "AAA-AAA"}
    return "GET", rule.rule.replace("<code>", "AAA-AAA"), None


@pytest.mark.parametrize("how", [["-c", "python:portal.gunicorn_conf", "--workers", "3"], ["--workers", "2"]],
                         ids=["config-file", "command-line"])
def test_several_workers_with_memory_counters_refuse_to_start(tmp_path, how):
    process, _port = gunicorn(tmp_path, *how, "portal.wsgi:app")
    try:
        err = process.communicate(timeout=START_SECONDS)[1]
    finally:
        stop(process)
    assert process.returncode not in (0, None)
    assert "PORTAL_RATELIMIT_STORAGE" in err and "redis://" in err


def test_one_worker_with_memory_counters_starts(tmp_path):
    process, port = gunicorn(tmp_path, "-c", "python:portal.gunicorn_conf", "--workers", "1", "portal.wsgi:app")
    try:
        wait_until_up(process, port)
    finally:
        stop(process)


def test_public_code_limit_holds_across_four_workers(tmp_path):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS} is needed for this test: {exc}")
    prefix = f"portal-test-{secrets.token_hex(6)}"
    (tmp_path / "limited_app.py").write_text(
        "from portal import create_app\n"
        f"app = create_app({{'RATELIMIT_KEY_PREFIX': {prefix!r}}})\n")
    limit, extra = 6, 6
    process, port = gunicorn(tmp_path, "-c", "python:portal.gunicorn_conf", "--workers", "4",
                             "--pythonpath", f"{ROOT},{tmp_path}", "limited_app:app",
                             env={"PORTAL_RATELIMIT_STORAGE": REDIS,
                                  "PORTAL_PUBLIC_RATE_LIMIT": f"{limit} per hour"})
    try:
        wait_until_up(process, port)
        method, path, body = public_code_request()
        statuses = [request(method, port, path, body) for _ in range(limit + extra)]
    finally:
        stop(process)
        keys = redis.Redis.from_url(REDIS).keys(f"{prefix}*")
        if keys:
            redis.Redis.from_url(REDIS).delete(*keys)
    assert statuses.count(429) == extra and len([s for s in statuses if s != 429]) == limit, statuses
    assert statuses[-extra:] == [429] * extra


def test_signed_in_limits_count_per_token_not_per_address(content_dir, database_url):
    app = make_api_app(content_dir, database_url, PORTAL_API_RATE_LIMIT="3 per minute")
    tokens = add_users(app)
    client = app.test_client()  # every request comes from the same address
    nurse = [client.get("/api/v1/me", headers=tokens.nurse).status_code for _ in range(4)]
    admin = [client.get("/api/v1/me", headers=tokens.admin).status_code for _ in range(4)]
    assert nurse == [200, 200, 200, 429] and admin == [200, 200, 200, 429]
    app.extensions["portal.db"].dispose()


def test_made_up_tokens_share_their_address_count(content_dir, database_url):
    app = make_api_app(content_dir, database_url, PORTAL_API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get("/api/v1/me", headers={"Authorization": f"Bearer made-up-{n}"}).status_code
                for n in range(4)]
    assert statuses == [401, 401, 401, 429]
    app.extensions["portal.db"].dispose()


def test_console_users_count_apart(api_app, users):
    from test_console import sign_in

    api_app.config["PORTAL_API_RATE_LIMIT"] = "4 per minute"
    nurse, admin = api_app.test_client(), api_app.test_client()
    sign_in(nurse)  # the sign-in page and form count for the address; then one page as the nurse
    sign_in(admin, "admin@clinic.example")
    assert [nurse.get("/console/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert admin.get("/console/").status_code == 200
