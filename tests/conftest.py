"""Shared fixtures: a copy of the small valid library, the app, a client and a CLI runner."""
from __future__ import annotations

import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.request import urlopen
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal import create_app
from portal.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
STARTER = ROOT / "content"
LANGUAGES = ("en", "es", "zh", "vi", "ar")


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A writable copy of the small valid content library."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.fixture
def app(content_dir):
    return create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CLINIC_PHONE": "(951) 555-0100",
                       "PORTAL_CLINIC_NAME": "Riverside Clinic"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()


def fetch(url: str) -> str:
    with urlopen(url) as response:
        return response.read().decode()


@pytest.fixture(scope="session")
def starter_site(tmp_path_factory) -> Path:
    """The starter library built under the sub-path /sub/, as a clinic would host it."""
    output = tmp_path_factory.mktemp("site") / "sub"
    result = CliRunner().invoke(main, ["build", "--content", str(STARTER), "--output", str(output),
                                       "--base-url", "/sub/"])
    assert result.exit_code == 0, result.output
    return output



@pytest.fixture(scope="session")
def site_server(starter_site):
    """An HTTP server for the folder above the built site, so the site lives at /sub/."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(starter_site.parent))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


from databases import (api, api_app, blank_database, database_url, postgres_copy, postgres_database,  # noqa: E402,F401
                       sqlite_template, users)


def pytest_terminal_summary(terminalreporter):
    """Say plainly whether the PostgreSQL leg of the database tests ran."""
    outcomes = {}
    for name in ("passed", "failed", "error", "skipped"):
        outcomes[name] = sum(1 for report in terminalreporter.stats.get(name, [])
                             if "[postgresql" in getattr(report, "nodeid", ""))
    if any(outcomes.values()):
        terminalreporter.write_line(
            "PostgreSQL leg: " + ", ".join(f"{count} {name}" for name, count in outcomes.items() if count)
            + (" (NOT RUN: see the skip reasons above)" if outcomes["skipped"] and not outcomes["passed"] else ""))
