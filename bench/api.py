"""API benchmark: python bench/api.py [--databases sqlite postgresql] [--clients 1 16 64] [--seconds 10].

Serves the portal as the README deploys it (gunicorn, 4 sync workers) on each database, and a bare
Flask app returning a constant under the same gunicorn, then drives them with wrk (Debian's
package) at each number of concurrent connections. Prints requests per second and latency
(median, p95, p99) for recording education (POST) and resolving a code (the public GET, which
also writes a read receipt) and searching (GET /api/v1/search with a token), with each figure's ratio to the bare endpoint, and writes
bench/results/<date>-api.json. Tests never check times; this only reports them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from api_helpers import education  # noqa: E402
from portal import create_app  # noqa: E402
from portal.care import assignments, patients  # noqa: E402
from portal.care.users import create_token, create_user  # noqa: E402
from portal.db import get_session  # noqa: E402
from portal.db.migrate import upgrade  # noqa: E402
from portal.search.app_index import search_index  # noqa: E402

WORKERS = 4
POSTGRES = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WRK = ROOT / "bench" / "wrk"
# As deployed: several workers share their rate-limit counts through Redis (memory counts refuse to start).
SETTINGS = {"PORTAL_API_RATE_LIMIT": "100000000 per minute", "PORTAL_PUBLIC_RATE_LIMIT": "100000000 per minute",
            "PORTAL_RATELIMIT_STORAGE": os.environ.get("PORTAL_RATELIMIT_STORAGE", "redis://127.0.0.1:6379")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database(kind: str, work: Path) -> tuple[str, callable]:
    """A fresh database URL of `kind` and a function that removes it."""
    if kind == "sqlite":
        return f"sqlite:///{work / 'bench.db'}", lambda: None
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"portal_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    return POSTGRES.rsplit("/", 1)[0] + "/" + name, drop


def prepare(url: str, env: dict) -> dict:
    """Migrate, add a care manager with a token, a patient and an assignment; return what wrk needs."""
    app = create_app({**{k: v for k, v in env.items() if k.startswith("PORTAL_")}, "DATABASE_URL": url})
    upgrade(app.extensions["portal.db"].engine)
    with app.test_request_context():
        session = get_session()
        user = create_user(session, "bench@clinic.example", "Bench", "care_manager", "benchmark password")
        _, token = create_token(session, user.email, "bench")
        patient, _ = patients.find_or_create(session, "MRN-BENCH", "en", "", app.config["PORTAL_LANGUAGES"])
        made = assignments.create(session, app.extensions["portal.library"], patient, user,
                                  ["condition:heart-failure", "medication:lisinopril"], "en",
                                  app.config["PORTAL_LANGUAGES"], 30)
        session.commit()
        result = {"token": token, "patient": patient.public_id, "code": made.code}
        search_index(app)  # build the search index into PORTAL_CACHE_DIR once; the workers open it from there
    app.extensions["portal.db"].dispose()
    return result


def serve(target: str, env: dict) -> tuple[subprocess.Popen, str]:
    """gunicorn with the README's worker count; returns the process and its address once it answers."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
                                f"127.0.0.1:{port}", "--log-level", "warning", target], cwd=ROOT, env=env)
    address = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urlopen(address + ("/api/v1/openapi.json" if "portal" in target else "/"), timeout=1).read()
            return process, address
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{target} did not start")


def wrk(url: str, clients: int, seconds: int, script: str, env: dict) -> dict:
    threads = min(clients, 2)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", str(WRK / script), url], capture_output=True, text=True, check=True,
                         env={**env, "BENCH_REPORT": str(WRK / "report.lua")})
    return json.loads(out.stdout.strip().splitlines()[-1])


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (or run 'make bench-api')")
    work = Path(tempfile.mkdtemp(prefix="care-guide-api-bench-"))
    base = {**os.environ, **SETTINGS, "PORTAL_CONTENT_DIR": str(ROOT / "content"),
            "PORTAL_CACHE_DIR": str(work / "cache"), "PYTHONPATH": str(ROOT)}
    results: dict = {"bare": {}}
    bare, bare_address = serve("bench.bare:app", base)
    try:
        for clients in args.clients:
            results["bare"][clients] = wrk(bare_address + "/", clients, args.seconds, "get.lua", base)
    finally:
        stop(bare)
    body = work / "education.json"
    body.write_text(json.dumps(education(minutes=5)))
    for kind in args.databases:
        url, drop = database(kind, work)
        env = {**base, "DATABASE_URL": url}
        try:
            ids = prepare(url, env)
            server, address = serve("portal.wsgi:app", env)
            try:
                results[kind] = {"record education": {}, "resolve code": {}, "search": {}}
                warm = Request(f"{address}/api/v1/search?q=warm", headers={"Authorization": f"Bearer {ids['token']}"})
                for _ in range(WORKERS * 2):  # every worker opens the index before the clock starts
                    urlopen(warm, timeout=60).read()
                for clients in args.clients:
                    results[kind]["record education"][clients] = wrk(
                        f"{address}/api/v1/patients/{ids['patient']}/education-records", clients, args.seconds,
                        "post_json.lua", {**env, "BENCH_BODY": str(body), "BENCH_TOKEN": ids["token"]})
                    code_body = work / "code.json"
                    code_body.write_text(json.dumps({"code": ids["code"]}))
                    results[kind]["resolve code"][clients] = wrk(  # public: the token header is ignored
                        f"{address}/api/v1/public/codes", clients, args.seconds, "post_json.lua",
                        {**env, "BENCH_BODY": str(code_body), "BENCH_TOKEN": ids["token"]})
                    results[kind]["search"][clients] = wrk(
                        f"{address}/api/v1/search?q=water%20pill&lang=en", clients, args.seconds, "get_token.lua",
                        {**env, "BENCH_TOKEN": ids["token"]})
            finally:
                stop(server)
        finally:
            drop()
    machine = {"cores": os.cpu_count(), "python": platform.python_version(),
               "date": dt.datetime.now().isoformat(timespec="seconds"), "gunicorn workers": WORKERS,
               "seconds per figure": args.seconds, "load tool": "wrk " + subprocess.run(
                   ["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]}
    report = {"machine": machine, "results": results}
    out = ROOT / "bench" / "results" / f"{dt.date.today().isoformat()}-api.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"\nwritten to {out.relative_to(ROOT)}")
    shutil.rmtree(work, ignore_errors=True)


def render(report: dict) -> str:
    """The results as the Markdown table bench/README.md shows."""
    m = report["machine"]
    lines = [f"Machine: {m['cores']} cores, Python {m['python']}, {m['date']}; gunicorn {m['gunicorn workers']} "
             f"sync workers; {m['load tool']}, {m['seconds per figure']} s per figure", "",
             "| database | endpoint | clients | requests/s | vs bare | median ms | p95 ms | p99 ms | errors |",
             "|---|---|---|---|---|---|---|---|---|"]
    bare = report["results"]["bare"]
    for clients, figure in bare.items():
        lines.append(f"| - | bare Flask constant | {clients} | {figure['rps']:.0f} | 1.00 | {figure['p50_ms']:.1f} | "
                     f"{figure['p95_ms']:.1f} | {figure['p99_ms']:.1f} | {figure['errors']} |")
    for kind, endpoints in report["results"].items():
        if kind == "bare":
            continue
        for endpoint, figures in endpoints.items():
            for clients, figure in figures.items():
                ratio = figure["rps"] / bare[clients]["rps"] if bare.get(clients) else float("nan")
                lines.append(f"| {kind} | {endpoint} | {clients} | {figure['rps']:.0f} | {ratio:.2f} | "
                             f"{figure['p50_ms']:.1f} | {figure['p95_ms']:.1f} | {figure['p99_ms']:.1f} | "
                             f"{figure['errors']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
