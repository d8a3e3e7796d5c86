"""gunicorn settings for the portal: `gunicorn -c python:portal.gunicorn_conf 'portal.wsgi:app'`.

Rate-limit counters kept in memory are per process: with several workers each counts alone, so a
limit of 30 becomes 30 per worker. The master refuses to start in that case (`on_starting`), naming
the setting that fixes it. portal/wsgi.py makes the same check from the command line when this
file is not used.
"""
from __future__ import annotations

import os
import shlex
import sys

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))


def storage_problem(worker_count: int, environ=os.environ) -> str | None:
    """Why `worker_count` workers must not start with this rate-limit storage, or None."""
    storage = environ.get("PORTAL_RATELIMIT_STORAGE", "").strip() or "memory://"
    if worker_count > 1 and storage.startswith("memory://"):
        return (f"The portal cannot start: {worker_count} workers would each keep their own rate-limit counts in "
                "memory, multiplying every limit by the number of workers. Set PORTAL_RATELIMIT_STORAGE to a "
                "shared store (PORTAL_RATELIMIT_STORAGE=redis://127.0.0.1:6379), or run one worker.")
    return None


def command_line_workers(argv=None, environ=os.environ) -> int:
    """The worker count that a gunicorn command line (and GUNICORN_CMD_ARGS, WEB_CONCURRENCY) asks for."""
    from gunicorn.config import Config

    args = shlex.split(environ.get("GUNICORN_CMD_ARGS", "")) + list(sys.argv[1:] if argv is None else argv)
    parsed, _unknown = Config().parser().parse_known_args(args)
    if parsed.workers:
        return int(parsed.workers)
    return int(environ.get("WEB_CONCURRENCY", "1") or 1)


def on_starting(server) -> None:
    """gunicorn hook, in the master before any worker: refuse a worker count the limits cannot hold."""
    problem = storage_problem(server.cfg.workers)
    if problem:
        sys.exit(problem)
