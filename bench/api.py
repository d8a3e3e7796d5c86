"""API benchmark: python bench/api.py [--databases sqlite postgresql] [--clients 1 16 64] [--seconds 10] [--rounds 5].

Serves the portal as the README deploys it (gunicorn, 4 sync workers) on each database, and
bench/bare.py (a bare Flask app: one endpoint returns a constant, one makes a durable SQLite
insert) under the same gunicorn, all at once, then drives them with wrk (Debian's package) at each
number of concurrent connections. A round measures every figure once, one after another (the bare
ones first), so each ratio compares figures taken minutes apart; the table shows medians over the
rounds. Figures: requests per second and latency (median, p95, p99) for recording education (POST,
each request with its own Idempotency-Key), resolving a code (the public POST, which also writes a
read receipt) and searching (GET /api/v1/search with a token), with each one's ratio to the two
bare endpoints. Writes bench/results/<date>-api.json. Tests never check times; this only reports them.
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
        user = create_user(session, "bench@clinic.example", "Bench", "care_manager", "plum kettle orbits a quiet lantern")
        _, token = create_token(session, user.email, "bench")
        patient, _ = patients.find_or_create(session, "MRN-BENCH", "en", "", app.config["PORTAL_LANGUAGES"], user)
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


ENDPOINTS = ("record education", "resolve code", "search")
BARE = ("bare Flask constant", "bare Flask SQLite insert")


def figures(args, work: Path, base: dict, servers: dict, ids: dict) -> list[tuple[str, str, str, str, dict]]:
    """Every figure of one round: (database, endpoint, url, wrk script, environment), the bare ones first."""
    body = work / "education.json"
    body.write_text(json.dumps(education(minutes=5)))
    code_body = work / "code.json"
    out = [("-", BARE[0], servers["bare"] + "/", "get.lua", base),
           ("-", BARE[1], servers["bare"] + "/insert", "post_json.lua", {**base, "BENCH_BODY": str(body),
                                                                          "BENCH_TOKEN": "none"})]
    for kind in args.databases:
        address, token = servers[kind], ids[kind]["token"]
        for endpoint in args.endpoints:
            if endpoint == "record education":  # each request its own Idempotency-Key, as a careful client sends
                out.append((kind, endpoint, f"{address}/api/v1/patients/{ids[kind]['patient']}/education-records",
                            "post_json.lua", {**base, "BENCH_BODY": str(body), "BENCH_TOKEN": token,
                                              "BENCH_KEYS": "keyed"}))
            elif endpoint == "resolve code":  # public: the token header is ignored
                code_body.write_text(json.dumps({"code": ids[kind]["code"]}))
                out.append((kind, endpoint, f"{address}/api/v1/public/codes", "post_json.lua",
                            {**base, "BENCH_BODY": str(code_body), "BENCH_TOKEN": token}))
            else:
                out.append((kind, endpoint, f"{address}/api/v1/search?q=water%20pill&lang=en", "get_token.lua",
                            {**base, "BENCH_TOKEN": token}))
    return out


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def summarize(runs: list[dict]) -> dict:
    """The median of each figure over the rounds, and the rounds themselves."""
    out = {name: median([run[name] for run in runs]) for name in ("rps", "p50_ms", "p95_ms", "p99_ms")}
    out["errors"] = sum(run["errors"] for run in runs)
    for bare in BARE:
        key = "vs " + bare.removeprefix("bare Flask ")
        if all(key in run for run in runs):
            out[key] = median([run[key] for run in runs])
    out["rounds"] = runs
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--endpoints", nargs="+", default=list(ENDPOINTS), choices=ENDPOINTS)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5,
                        help="times each figure is measured, the figures of a round one after another (medians shown)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (or run 'make bench-api')")
    work = Path(tempfile.mkdtemp(prefix="care-guide-api-bench-"))
    base = {**os.environ, **SETTINGS, "PORTAL_CONTENT_DIR": str(ROOT / "content"),
            "PORTAL_CACHE_DIR": str(work / "cache"), "PYTHONPATH": str(ROOT), "BENCH_BARE_SQLITE": str(work / "bare.db")}
    processes, drops, servers, ids = [], [], {}, {}
    try:
        process, servers["bare"] = serve("bench.bare:app", base)
        processes.append(process)
        for kind in args.databases:
            url, drop = database(kind, work)
            drops.append(drop)
            env = {**base, "DATABASE_URL": url}
            ids[kind] = prepare(url, env)
            process, servers[kind] = serve("portal.wsgi:app", env)
            processes.append(process)
            warm = Request(f"{servers[kind]}/api/v1/search?q=warm", headers={"Authorization": f"Bearer {ids[kind]['token']}"})
            for _ in range(WORKERS * 2):  # every worker opens the index before the clock starts
                urlopen(warm, timeout=60).read()
        plan = figures(args, work, base, servers, ids)
        runs: dict = {}
        for round_number in range(args.rounds):
            for clients in args.clients:
                bare: dict = {}
                for kind, endpoint, url, script, env in plan:
                    run_env = {**env, "BENCH_KEYS": f"r{round_number}-c{clients}-{secrets.token_hex(4)}"} \
                        if env.get("BENCH_KEYS") else env
                    figure = wrk(url, clients, args.seconds, script, run_env)
                    if kind == "-":
                        bare[endpoint] = figure["rps"]
                    for name, rps in bare.items():
                        figure["vs " + name.removeprefix("bare Flask ")] = figure["rps"] / rps
                    runs.setdefault(kind, {}).setdefault(endpoint, {}).setdefault(clients, []).append(figure)
                    print(f"round {round_number + 1}/{args.rounds}: {kind} {endpoint} {clients} clients: "
                          f"{figure['rps']:.0f}/s, p99 {figure['p99_ms']:.1f} ms", file=sys.stderr)
    finally:
        for process in processes:
            stop(process)
        for drop in drops:
            drop()
    results = {kind: {endpoint: {clients: summarize(rounds) for clients, rounds in by_clients.items()}
                      for endpoint, by_clients in endpoints.items()} for kind, endpoints in runs.items()}
    machine = {"cores": os.cpu_count(), "python": platform.python_version(),
               "date": dt.datetime.now().isoformat(timespec="seconds"), "gunicorn workers": WORKERS,
               "seconds per figure": args.seconds, "rounds": args.rounds,
               "load average at the end": os.getloadavg()[0], "load tool": "wrk " + subprocess.run(
                   ["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]}
    report = {"machine": machine, "results": results}
    out = ROOT / "bench" / "results" / f"{dt.date.today().isoformat()}-api.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"\nwritten to {out.relative_to(ROOT)}")
    shutil.rmtree(work, ignore_errors=True)


def render(report: dict) -> str:
    """The results as the Markdown table bench/README.md shows (medians over the rounds; each ratio is
    the median of the ratios measured within one round)."""
    m = report["machine"]
    lines = [f"Machine: {m['cores']} cores, Python {m['python']}, {m['date']}; gunicorn {m['gunicorn workers']} "
             f"sync workers; {m['load tool']}, {m['seconds per figure']} s per figure, "
             f"medians of {m.get('rounds', 1)} interleaved rounds", "",
             "| database | endpoint | clients | requests/s | vs constant | vs SQLite insert | median ms | p95 ms | "
             "p99 ms | errors |", "|---|---|---|---|---|---|---|---|---|---|"]
    for kind, endpoints in report["results"].items():
        for endpoint, figures_ in endpoints.items():
            for clients, figure in figures_.items():
                ratios = [f"{figure[key]:.2f}" if key in figure else "-" for key in ("vs constant", "vs SQLite insert")]
                lines.append(f"| {kind} | {endpoint} | {clients} | {figure['rps']:.0f} | {ratios[0]} | {ratios[1]} | "
                             f"{figure['p50_ms']:.1f} | {figure['p95_ms']:.1f} | {figure['p99_ms']:.1f} | "
                             f"{figure['errors']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
