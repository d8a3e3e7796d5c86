"""8 concurrent writers, each with its own connection: nothing lost, nothing duplicated."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from api_helpers import education, new_patient

WRITERS, EACH = 8, 12


def test_eight_writers_lose_and_duplicate_nothing(api_app, users):
    patient = new_patient(api_app.test_client(), users.nurse)
    start = Barrier(WRITERS)

    def writer(number: int) -> list[str]:
        client = api_app.test_client()
        start.wait()
        ids = []
        for index in range(EACH):
            key = f"writer-{number}-{index}"
            body = education(minutes=1 + (number * EACH + index) % 200, note=key)
            headers = {**users.nurse, "Idempotency-Key": key}
            first = client.post(f"/api/v1/patients/{patient}/education-records", json=body, headers=headers)
            retry = client.post(f"/api/v1/patients/{patient}/education-records", json=body, headers=headers)
            assert first.status_code == retry.status_code == 201, first.json
            assert retry.json["id"] == first.json["id"]
            ids.append(first.json["id"])
        return ids

    with ThreadPoolExecutor(WRITERS) as pool:
        written = [record for ids in pool.map(writer, range(WRITERS)) for record in ids]
    assert len(written) == len(set(written)) == WRITERS * EACH
    stored = api_app.test_client().get(f"/api/v1/patients/{patient}/education-records?per_page=100&page=1",
                                       headers=users.nurse).json
    assert stored["total"] == WRITERS * EACH
    notes = sorted(r["note"] for r in stored["items"])
    assert len(notes) == len(set(notes))


def test_eight_writers_racing_with_one_key_create_one_record(api_app, users):
    patient = new_patient(api_app.test_client(), users.nurse)
    start = Barrier(WRITERS)

    def writer(_number: int):
        client = api_app.test_client()
        start.wait()
        response = client.post(f"/api/v1/patients/{patient}/education-records", json=education(),
                               headers={**users.nurse, "Idempotency-Key": "same-call"})
        return response.status_code, response.json["id"]

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(writer, range(WRITERS)))
    assert {status for status, _ in results} == {201}
    assert len({record for _, record in results}) == 1
    stored = api_app.test_client().get(f"/api/v1/patients/{patient}/education-records", headers=users.nurse).json
    assert stored["total"] == 1


def test_acknowledged_records_survive_kill_9(tmp_path, content_dir, database_url):
    """gunicorn (2 workers) killed with SIGKILL while 6 clients record education: every record the API
    acknowledged (201) is in the database afterwards, with its audit event and its idempotency key."""
    import http.client
    import json
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time

    from sqlalchemy import create_engine, text

    from databases import add_users, make_api_app
    from test_rate_limits import REDIS, ROOT, free_port, wait_until_up

    app = make_api_app(content_dir, database_url)
    tokens = add_users(app)
    patient = new_patient(app.test_client(), tokens.nurse)
    app.extensions["portal.db"].dispose()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "GUNICORN", "WEB_CONCURRENCY"))}
    env.update({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_SECRET_KEY": "test", "DATABASE_URL": database_url,
                "PORTAL_CACHE_DIR": str(tmp_path / "cache"), "PORTAL_RATELIMIT_STORAGE": REDIS,
                "PORTAL_API_RATE_LIMIT": "100000 per minute"})
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "--no-control-socket", "portal.wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    def client(number: int) -> None:
        for index in range(10_000):
            key = f"kill-{number}-{index}"
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("POST", f"/api/v1/patients/{patient}/education-records",
                                   json.dumps(education(note=key)), {**tokens.nurse, "Idempotency-Key": key,
                                                                       "Content-Type": "application/json"})
                response = connection.getresponse()
                if response.status == 201:
                    with lock:
                        acknowledged.append((key, json.loads(response.read())["id"]))
            except (OSError, http.client.HTTPException):  # the server is gone (a reply cut short is no acknowledgment)
                return
            finally:
                connection.close()
            if stop.is_set():
                return

    try:
        wait_until_up(server, port)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(server.pid, signal.SIGKILL)  # the master and its workers, mid-request
        server.wait(timeout=30)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert len(acknowledged) >= 60
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = set(connection.execute(text("SELECT public_id FROM education_records")).scalars())
        keys = set(connection.execute(text("SELECT key FROM idempotency_keys")).scalars())
        written = connection.execute(text("SELECT count(*) FROM audit_events WHERE action = 'write' "
                                          "AND what = 'education_record'")).scalar()
    engine.dispose()
    assert {record for _, record in acknowledged} <= stored
    assert {key for key, _ in acknowledged} <= keys
    assert written == len(stored) >= len(acknowledged)
