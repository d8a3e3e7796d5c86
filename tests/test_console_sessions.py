"""Console sessions on SQLite and PostgreSQL: server-side sign-out, timeouts, cookies and HSTS,
sign-in throttling, the argon2 cap, password rules at sign-in and the admin's users page."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, update

from databases import PASSWORD, make_api_app
from portal.care import throttle
from portal.care.throttle import PasswordChecks
from portal.db import get_session
from portal.db.models import ApiToken, AuditEvent, ConsoleSession, LoginFailure, User, utcnow
from test_console import csrf, sign_in

REFUSED = "do not match an active account"


def copy_of(client, app):
    """A second browser holding a copy of the first one's console cookie."""
    thief = app.test_client()
    thief.set_cookie("console", client.get_cookie("console").value)
    return thief


def locked_out(client) -> bool:
    """True when the client's cookie no longer opens the console, for reading and for writing."""
    token = csrf(client.get("/console/login"))
    read = client.get("/console/")
    write = client.post("/console/patients", data={"reference": "STOLEN-1", "language": "en", "csrf_token": token})
    return (read.status_code == 302 and read.location.endswith("/console/login")
            and write.status_code == 302 and write.location.endswith("/console/login"))


def set_session_times(app, **values):
    with app.app_context():
        db = get_session()
        db.execute(update(ConsoleSession).values(**values))
        db.commit()


def sessions_of(app, email="nurse@clinic.example") -> list[ConsoleSession]:
    with app.app_context():
        db = get_session()
        return list(db.scalars(select(ConsoleSession).join(User).where(User.email == email)
                               .order_by(ConsoleSession.id)))


def audit_whats(app) -> list[str]:
    with app.app_context():
        return list(get_session().scalars(select(AuditEvent.what).order_by(AuditEvent.id)))


@pytest.fixture
def console_app(api_app):
    api_app.config["PORTAL_SECURE_COOKIES"] = False  # plain http in these tests; cookies are tested below
    return api_app


def test_a_copied_cookie_stops_working_at_sign_out(console_app, users):
    client = console_app.test_client()
    token = sign_in(client)
    thief = copy_of(client, console_app)
    assert thief.get("/console/").status_code == 200  # the copy works while the session lives ...
    assert client.post("/console/logout", data={"csrf_token": token}).location.endswith("/console/login")
    assert locked_out(thief) and locked_out(client)  # ... and not after sign-out
    with console_app.app_context():
        assert get_session().scalar(select(User.id).where(User.email == "nurse@clinic.example"))
    assert [(row.end_reason, row.ended_at is not None) for row in sessions_of(console_app)] == [("logout", True)]
    assert "STOLEN-1" not in str(audit_whats(console_app))
    assert audit_whats(console_app)[-2:] == ["login", "logout"]


def test_the_cookie_holds_only_a_random_session_id(console_app, users):
    client = console_app.test_client()
    sign_in(client)
    first = client.get_cookie("console").value
    with console_app.app_context():
        stored = get_session().scalar(select(ConsoleSession.id_hash))
    assert len(stored) == 64 and stored not in first  # only the SHA-256 is stored
    sign_in(client)  # signing in again gives a new session and ends the old one
    assert client.get_cookie("console").value != first
    assert [row.end_reason for row in sessions_of(console_app)] == ["replaced", None]


def test_disabling_a_user_ends_their_sessions_and_tokens(console_app, users):
    nurse = console_app.test_client()
    sign_in(nurse)
    thief = copy_of(nurse, console_app)
    api = console_app.test_client()
    assert api.get("/api/v1/me", headers=users.nurse).status_code == 200
    admin = console_app.test_client()
    token = sign_in(admin, "admin@clinic.example")
    done = admin.post("/console/admin/users/active", data={"email": "nurse@clinic.example", "active": "0",
                                                         "csrf_token": token})
    assert done.status_code == 302
    assert locked_out(nurse) and locked_out(thief)
    assert api.get("/api/v1/me", headers=users.nurse).status_code == 401
    with console_app.app_context():  # the token row is kept (enable brings it back) but refused
        assert get_session().scalar(select(ApiToken.id).join(User).where(User.email == "nurse@clinic.example"))
    token_page = BeautifulSoup(admin.get("/console/admin/users").data, "html.parser")
    assert "Disabled nurse@clinic.example" in token_page.select_one("p.ok").get_text()
    assert admin.post("/console/admin/users/active", data={"email": "nurse@clinic.example", "active": "1",
                                                         "csrf_token": token}).status_code == 302
    assert api.get("/api/v1/me", headers=users.nurse).status_code == 200
    assert audit_whats(console_app)[-2:] == ["user_disabled:#2", "user_enabled:#2"]


def test_changing_your_password_ends_your_other_sessions(console_app, users):
    client = console_app.test_client()
    token = sign_in(client)
    thief = copy_of(client, console_app)
    other = console_app.test_client()
    sign_in(other)
    form = {"current_password": PASSWORD, "new_password": "violet harbour seven ladders",
            "confirm_password": "violet harbour seven ladders", "csrf_token": token}
    wrong = client.post("/console/password", data={**form, "current_password": "not my password at all"})
    assert wrong.status_code == 422
    assert BeautifulSoup(wrong.data, "html.parser").find(id="current_password-error") is not None
    assert client.post("/console/password", data=form).location.endswith("/console/")
    assert client.get("/console/").status_code == 200  # this browser goes on, in a new session
    assert locked_out(thief) and locked_out(other)
    assert "password_changed:#2" in audit_whats(console_app)
    fresh = console_app.test_client()
    token = csrf(fresh.get("/console/login"))
    assert fresh.post("/console/login", data={"email": "nurse@clinic.example", "password": PASSWORD,
                                              "csrf_token": token}).status_code == 401


@pytest.mark.parametrize("new, message", [
    ("short one", "at least 15"), ("PasswordPassword", "common or breached"), ("abcabcabcabcabcabc", "repeats"),
    ("nurse likes long walks", "email address"), ("x" * 129, "at most 128")])
def test_change_password_refuses_what_the_rules_refuse(console_app, users, new, message):
    client = console_app.test_client()
    token = sign_in(client)
    response = client.post("/console/password", data={"current_password": PASSWORD, "new_password": new,
                                                       "confirm_password": new, "csrf_token": token})
    assert response.status_code == 422
    assert message in BeautifulSoup(response.data, "html.parser").find(id="new_password-error").get_text()


def test_idle_and_absolute_limits_end_the_session(console_app, users):
    client = console_app.test_client()
    sign_in(client)
    set_session_times(console_app, last_seen_at=utcnow() - dt.timedelta(minutes=14))
    assert client.get("/console/").status_code == 200  # 14 minutes idle: still signed in
    set_session_times(console_app, last_seen_at=utcnow() - dt.timedelta(minutes=15, seconds=1))
    assert locked_out(client)
    assert sessions_of(console_app)[0].end_reason == "idle"
    sign_in(client)
    set_session_times(console_app, created_at=utcnow() - dt.timedelta(hours=12, seconds=1))
    assert locked_out(client)  # used a moment ago, but signed in more than 12 hours ago
    assert sessions_of(console_app)[1].end_reason == "expired"


def test_limits_come_from_the_settings(content_dir, database_url, users):
    app = make_api_app(content_dir, database_url, PORTAL_SESSION_IDLE_MINUTES="5", PORTAL_SESSION_MAX_HOURS="1",
                       PORTAL_SECURE_COOKIES="0")
    client = app.test_client()
    sign_in(client)
    assert client.get("/console/session").json["seconds_left"] <= 300
    set_session_times(app, last_seen_at=utcnow() - dt.timedelta(minutes=5, seconds=1))
    assert locked_out(client)
    app.extensions["portal.db"].dispose()


def test_last_seen_is_written_at_most_once_a_minute(console_app, users):
    client = console_app.test_client()
    sign_in(client)
    recent = utcnow() - dt.timedelta(seconds=30)
    set_session_times(console_app, last_seen_at=recent)
    client.get("/console/")
    assert sessions_of(console_app)[0].last_seen_at == recent  # no write for this page
    set_session_times(console_app, last_seen_at=utcnow() - dt.timedelta(minutes=2))
    client.get("/console/")
    assert sessions_of(console_app)[0].last_seen_at > recent


def test_status_does_not_count_as_use_and_keep_alive_does(console_app, users):
    client = console_app.test_client()
    token = sign_in(client)
    earlier = utcnow() - dt.timedelta(minutes=10)
    set_session_times(console_app, last_seen_at=earlier)
    status = client.get("/console/session")
    assert status.json["warn_seconds"] == 120 and 200 <= status.json["seconds_left"] <= 300
    assert sessions_of(console_app)[0].last_seen_at == earlier
    assert client.post("/console/session").status_code == 400  # the keep-alive needs the CSRF token
    alive = client.post("/console/session", headers={"X-CSRFToken": token})
    assert alive.status_code == 200 and alive.json["seconds_left"] > 800
    assert sessions_of(console_app)[0].last_seen_at > earlier
    page = BeautifulSoup(client.get("/console/").data, "html.parser")
    assert page.body["data-session"] == "/console/session" and int(page.body["data-left"]) > 800
    assert page.find("dialog", id="session-warning").find("button", id="stay-signed-in")


def test_sign_in_returns_to_the_console_page_given_only(console_app, users):
    client = console_app.test_client()
    token = csrf(client.get("/console/login?next=/console/reports/ccm"))
    data = {"email": "nurse@clinic.example", "password": PASSWORD, "csrf_token": token}
    assert client.post("/console/login", data={**data, "next": "/console/reports/ccm"}).location.endswith(
        "/console/reports/ccm")
    for elsewhere in ("https://example.org/", "//example.org/console/", "/console/..//example.org"):
        token = csrf(client.get("/console/login"))
        response = client.post("/console/login", data={**data, "csrf_token": token, "next": elsewhere})
        assert response.location == "/console/", elsewhere


@pytest.mark.parametrize("https", [False, True])
def test_cookie_flags_and_hsts(content_dir, database_url, users, https):
    base = "https://localhost" if https else "http://localhost"
    for secure_setting in ("1", "0"):
        app = make_api_app(content_dir, database_url, PORTAL_SECURE_COOKIES=secure_setting)
        client = app.test_client()
        response = client.get("/console/login", base_url=base)
        cookie = response.headers["Set-Cookie"]
        secure = https or secure_setting == "1"
        assert cookie.startswith("__Host-console=" if secure else "console=")
        assert ("; Secure" in cookie) == secure and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
        assert "; Path=/" in cookie and "Domain=" not in cookie
        assert response.headers.get("Strict-Transport-Security") == (
            "max-age=31536000; includeSubDomains" if https else None)
        if https:  # the whole portal, not only the console
            assert client.get("/", base_url=base).headers["Strict-Transport-Security"].startswith("max-age=31536000")
        token = csrf(response)
        assert response.headers["Referrer-Policy"] == "same-origin"  # so that browsers send the Referer
        signed = client.post("/console/login", base_url=base, headers={"Referer": base + "/console/login"}, data={
            "email": "nurse@clinic.example", "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 302 and client.get("/console/", base_url=base).status_code == 200
        app.extensions["portal.db"].dispose()


def test_hsts_behind_a_proxy_that_says_https(content_dir, database_url):
    app = make_api_app(content_dir, database_url, PORTAL_PROXY_COUNT="1")
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/console/login").headers
    behind = client.get("/console/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.9"})
    assert behind.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    app.extensions["portal.db"].dispose()


def try_login(client, email, password):
    token = csrf(client.get("/console/login"))
    return client.post("/console/login", data={"email": email, "password": password, "csrf_token": token})


def test_ten_failures_lock_the_account_without_checking_its_password(console_app, users, monkeypatch):
    import portal.console.pages as pages

    checked = []
    real = pages.check_password
    monkeypatch.setattr(pages, "check_password", lambda *args: checked.append(args[1]) or real(*args))
    client = console_app.test_client()
    for attempt in range(10):
        response = try_login(client, "nurse@clinic.example", f"wrong guess number {attempt}")
        assert response.status_code == 401
    assert len(checked) == 10
    locked = try_login(client, "Nurse@Clinic.example", PASSWORD)  # the right password, but locked
    unknown = try_login(client, "nobody@clinic.example", "wrong guess number x")
    wrong = try_login(client, "admin@clinic.example", "wrong guess number y")
    texts = {BeautifulSoup(r.data, "html.parser").find(id="login-error").get_text() for r in (locked, unknown, wrong)}
    assert {r.status_code for r in (locked, unknown, wrong)} == {401} and len(texts) == 1 and REFUSED in texts.pop()
    assert len(checked) == 12  # the locked account's password was never checked
    whats = audit_whats(console_app)
    assert whats.count("login_failed") == 12 and whats.count("login_locked") == 1
    assert try_login(client, "admin@clinic.example", PASSWORD).status_code == 302  # other accounts still work
    with console_app.app_context():  # the email typed is never stored, only its SHA-256
        db = get_session()
        assert "nurse@clinic.example" not in str(db.scalars(select(LoginFailure.account)).all())
        db.execute(update(LoginFailure).where(LoginFailure.locked_until.is_not(None))
                   .values(locked_until=utcnow() - dt.timedelta(seconds=1)))
        db.commit()
    assert try_login(console_app.test_client(), "nurse@clinic.example", PASSWORD).status_code == 302


def test_failures_from_one_address_lock_the_address(console_app, users, monkeypatch):
    monkeypatch.setattr(throttle, "ADDRESS_LIMIT", 4)
    client = console_app.test_client()
    for number in range(4):
        assert try_login(client, f"guess{number}@clinic.example", "some wrong password").status_code == 401
    assert try_login(client, "nurse@clinic.example", PASSWORD).status_code == 401
    other = console_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert try_login(other, "nurse@clinic.example", PASSWORD).status_code == 302


def test_password_checks_are_capped_per_process(console_app, users, monkeypatch):
    monkeypatch.setattr(throttle, "WAIT_SECONDS", 0.01)
    checks = console_app.extensions["portal.password_checks"] = PasswordChecks(1)
    client = console_app.test_client()
    token = csrf(client.get("/console/login"))
    data = {"email": "nurse@clinic.example", "password": PASSWORD, "csrf_token": token}
    with checks.slot():  # another sign-in is hashing
        busy = client.post("/console/login", data=data)
    assert busy.status_code == 503 and busy.headers["Retry-After"].isdigit()
    assert "Wait a few seconds" in BeautifulSoup(busy.data, "html.parser").find(id="login-error").get_text()
    assert client.post("/console/login", data=data).status_code == 302


def test_a_short_old_password_must_be_changed_at_sign_in(console_app, users):
    from portal.care.users import _hasher

    with console_app.app_context():
        db = get_session()
        db.execute(update(User).where(User.email == "nurse@clinic.example")
                   .values(password_hash=_hasher.hash("ten chars!")))  # set before the rules
        db.commit()
    client = console_app.test_client()
    assert try_login(client, "nurse@clinic.example", "ten chars!").location.endswith("/console/")
    assert client.get("/console/").location.endswith("/console/password")
    assert client.get("/console/reports/ccm").location.endswith("/console/password")
    page = client.get("/console/password")
    assert page.status_code == 200 and BeautifulSoup(page.data, "html.parser").find("p", role="alert")
    token = csrf(page)
    assert client.post("/console/password", data={
        "current_password": "ten chars!", "new_password": PASSWORD, "confirm_password": PASSWORD,
        "csrf_token": token}).location.endswith("/console/")
    assert client.get("/console/").status_code == 200


ADMIN_POSTS = ["/console/admin/users", "/console/admin/users/active", "/console/admin/users/role",
               "/console/admin/users/password"]


def test_admin_pages_refuse_care_managers_even_with_a_csrf_token(console_app, users):
    client = console_app.test_client()
    token = sign_in(client)
    assert client.get("/console/admin/users").status_code == 403
    for url in ADMIN_POSTS:
        assert client.post(url, data={"csrf_token": token, "email": "admin@clinic.example", "role": "care_manager",
                                      "active": "0", "password": "a perfectly fine password"}).status_code == 403
    assert audit_whats(console_app) == ["login"]
    nav = BeautifulSoup(client.get("/console/").data, "html.parser").select("nav a")
    assert "/console/admin/users" not in [a["href"] for a in nav]


def test_admin_adds_changes_and_resets_users(console_app, users):
    admin = console_app.test_client()
    token = sign_in(admin, "admin@clinic.example")
    page = BeautifulSoup(admin.get("/console/admin/users").data, "html.parser")
    assert "/console/admin/users" in [a["href"] for a in page.select("nav a")]
    assert [th.get_text() for th in page.select("#users tbody th")] == ["admin@clinic.example", "nurse@clinic.example"]
    weak = admin.post("/console/admin/users", data={"email": "new@clinic.example", "name": "New", "role": "care_manager",
                                                    "password": "short", "csrf_token": token})
    assert weak.status_code == 422
    soup = BeautifulSoup(weak.data, "html.parser")
    assert "at least 15" in soup.find(id="admin-error").get_text() and soup.find(id="new-email")["value"] == "new@clinic.example"
    added = admin.post("/console/admin/users", data={"email": "new@clinic.example", "name": "New", "role": "care_manager",
                                                     "password": "temporary words for them", "csrf_token": token})
    assert added.status_code == 302
    newcomer = console_app.test_client()
    assert try_login(newcomer, "new@clinic.example", "temporary words for them").status_code == 302
    assert newcomer.get("/console/").location.endswith("/console/password")  # a temporary password
    assert admin.post("/console/admin/users/role", data={"email": "new@clinic.example", "role": "admin",
                                                         "csrf_token": token}).status_code == 302
    assert newcomer.get("/console/").location.endswith("/console/login")  # role change: signed out
    assert admin.post("/console/admin/users/role", data={"email": "new@clinic.example", "role": "chief",
                                                         "csrf_token": token}).status_code == 422
    reset = admin.post("/console/admin/users/password", data={"email": "nurse@clinic.example",
                                                              "password": "fresh words for nora", "csrf_token": token})
    assert reset.status_code == 302
    nurse = console_app.test_client()
    assert try_login(nurse, "nurse@clinic.example", "fresh words for nora").status_code == 302
    assert nurse.get("/console/").location.endswith("/console/password")
    unknown = admin.post("/console/admin/users/active", data={"email": "ghost@clinic.example", "active": "0",
                                                              "csrf_token": token})
    assert unknown.status_code == 404 and "ghost@clinic.example" in unknown.data.decode()
    myself = admin.post("/console/admin/users/active", data={"email": "admin@clinic.example", "active": "0",
                                                             "csrf_token": token})
    assert myself.status_code == 409 and admin.get("/console/").status_code == 200
    whats = audit_whats(console_app)
    assert {"user_created:#3", "user_role_changed:#3", "password_reset:#2"} <= set(whats)
