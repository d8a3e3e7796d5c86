"""The console's session warning in Chromium: it warns before the idle limit, "Stay signed in" keeps the
session on the server, and when the session ends the unsaved entries come back after signing in again.

The page's timers run on Playwright's clock (fast-forwarded); the server's idea of the time is moved
by ageing the session row, so both sides agree on what "15 minutes unused" means.
"""
from __future__ import annotations

import datetime as dt
import shutil
import threading

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from conftest import FIXTURES
from databases import PASSWORD, add_users, make_api_app
from test_browser import browser  # noqa: F401  (Chromium fixture)

IDLE_SECONDS = 15 * 60  # the default PORTAL_SESSION_IDLE_MINUTES
WARN_SECONDS = 120


@pytest.fixture
def console(tmp_path, sqlite_template):
    shutil.copy(sqlite_template, tmp_path / "portal.db")
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    app = make_api_app(FIXTURES / "content", url, PORTAL_SECURE_COOKIES="0")
    add_users(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    engine = create_engine(url)
    yield f"http://127.0.0.1:{server.server_port}", engine
    server.shutdown()
    server.server_close()
    engine.dispose()
    app.extensions["portal.db"].dispose()


def _unused_for(engine, seconds: int) -> None:
    """Make every console session look unused for `seconds` (as the server measures it)."""
    when = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=seconds)
    with engine.begin() as connection:
        connection.execute(text("UPDATE console_sessions SET last_seen_at = :when"), {"when": when})


def _sign_in(page, origin: str) -> None:
    page.get_by_label("Email").fill("nurse@clinic.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_warning_stay_signed_in_and_the_unsaved_form_kept(browser, console):  # noqa: F811
    origin, engine = console
    context = browser.new_context()
    page = context.new_page()
    page.clock.install()
    page.goto(origin + "/console/login")
    _sign_in(page, origin)
    page.wait_for_url(origin + "/console/")
    page.locator("#reference").fill("MRN-4242")  # typed, not yet sent

    dialog = page.locator("#session-warning")
    assert not dialog.is_visible()
    _unused_for(engine, IDLE_SECONDS - 60)  # one minute left on the server
    page.clock.fast_forward((IDLE_SECONDS - WARN_SECONDS + 1) * 1000)
    dialog.wait_for(state="visible")
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    with engine.connect() as connection:  # the click counted as use on the server
        seen = connection.scalar(text("SELECT max(last_seen_at) FROM console_sessions WHERE ended_at IS NULL"))
    seen = seen if isinstance(seen, dt.datetime) else dt.datetime.fromisoformat(seen)  # SQLite gives text
    assert dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - seen < dt.timedelta(seconds=30)

    _unused_for(engine, IDLE_SECONDS + 60)  # now past the limit: the server has ended it
    page.clock.fast_forward((IDLE_SECONDS - WARN_SECONDS + 1) * 1000)
    page.wait_for_url(lambda url: "/console/login" in url)
    assert "next=" in page.url
    assert page.evaluate("document.cookie") == ""  # HttpOnly: the script never sees the session
    _sign_in(page, origin)
    page.wait_for_url(origin + "/console/")
    assert page.locator("#reference").input_value() == "MRN-4242"
    context.close()
