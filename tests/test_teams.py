"""Care teams: what each care manager's reports, timelines, FHIR exports and lookups hold, choosing
the team of a new patient, the one-team clinic, the admin page and command, and the migration."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, func, select, text

from api_helpers import education
from databases import PASSWORD
from portal.care import team_admin
from portal.care.users import create_token, create_user
from portal.cli import main
from portal.db import get_session, make_engine
from portal.db.migrate import upgrade
from portal.db.models import AuditEvent, EducationRecord, Patient, PatientTeam, Team, TeamMember, User
from team_helpers import MONTH, bearer, make_world
from test_console import csrf, sign_in


def _problem(response) -> tuple:
    body = response.get_json()
    return response.status_code, body["title"], body["detail"]


def test_reports_timelines_fhir_and_lookup_hold_only_the_callers_teams(api_app):
    world = make_world(api_app)
    api = api_app.test_client()

    def report(headers, **args):
        response = api.get("/api/v1/reports/ccm-minutes", query_string={"month": MONTH, **args}, headers=headers)
        assert response.status_code == 200, response.get_json()
        return [line["reference"] for line in response.get_json()["patients"]]

    assert report(world.a) == ["REF-ONE"] and report(world.b) == ["REF-TWO"]
    assert sorted(report(world.admin)) == ["REF-ONE", "REF-TWO"] and report(world.admin, team="two") == ["REF-TWO"]
    assert report(world.a, team="one") == ["REF-ONE"]
    refused = api.get("/api/v1/reports/ccm-minutes", query_string={"month": MONTH, "team": "two"}, headers=world.a)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "team"
    assert "choose one of one" in refused.get_json()["detail"]
    csv = api.get("/api/v1/reports/ccm-minutes", query_string={"month": MONTH, "format": "csv"}, headers=world.a)
    assert "REF-ONE" in csv.get_data(as_text=True) and "REF-TWO" not in csv.get_data(as_text=True)

    pid = world.patient["id"]
    timeline = api.get(f"/api/v1/patients/{pid}/timeline", headers=world.a).get_json()
    assert [item["kind"] for item in timeline["items"]] == ["care_plan", "education", "assignment"]
    entries = api.get(f"/api/v1/patients/{pid}/fhir", headers=world.a).get_json()["entry"]
    assert [e["resource"]["resourceType"] for e in entries].count("Procedure") == 1
    for url in (f"/api/v1/patients/{pid}/timeline", f"/api/v1/patients/{pid}/fhir", f"/api/v1/patients/{pid}"):
        hidden, unknown = api.get(url, headers=world.b), api.get(url.replace(pid, "pt_unknown"), headers=world.b)
        assert _problem(hidden) == _problem(unknown) and hidden.status_code == 404  # indistinguishable

    lookup = api.post("/api/v1/patients/lookup", json={"reference": "REF-ONE"}, headers=world.b)
    missing = api.post("/api/v1/patients/lookup", json={"reference": "REF-NONE"}, headers=world.b)
    assert _problem(lookup) == _problem(missing)
    assert "No patient with that reference in your teams" in lookup.get_json()["detail"]
    assert "REF-ONE" not in lookup.get_data(as_text=True)
    added = api.post("/api/v1/patients", json={"reference": "REF-ONE", "language": "vi"}, headers=world.b)
    assert _problem(added) == _problem(lookup)  # refused, not added a second time
    with api_app.app_context():
        assert get_session().scalar(select(func.count(Patient.id))) == 2


def test_an_amendment_of_another_teams_record_is_refused(api_app):
    world = make_world(api_app)
    api = api_app.test_client()
    record = world.record["id"]
    refused = api.post(f"/api/v1/education-records/{record}/amendments", headers=world.b,
                       json={**education(), "reason": "Wrong patient"})
    unknown = api.post("/api/v1/education-records/ed_unknown/amendments", headers=world.b,
                       json={**education(), "reason": "Wrong patient"})
    assert refused.status_code == 404 and _problem(refused) == _problem(unknown)
    with api_app.app_context():
        assert get_session().scalar(select(func.count(EducationRecord.id))) == 2


def test_a_care_manager_of_several_teams_chooses_the_team_of_a_new_patient(api_app):
    world = make_world(api_app)
    with api_app.app_context():
        session = get_session()
        create_user(session, "c@clinic.example", "Cy", "care_manager", PASSWORD)
        for slug in ("one", "two"):
            team_admin.add_member(session, slug, "c@clinic.example", None, "cli")
        headers = bearer(create_token(session, "c@clinic.example", "test")[1])
        session.commit()
    api = api_app.test_client()
    unchosen = api.post("/api/v1/patients", json={"reference": "REF-C", "language": "en"}, headers=headers)
    assert unchosen.status_code == 422 and unchosen.get_json()["errors"][0]["field"] == "team"
    assert unchosen.get_json()["detail"].endswith("say which one this patient joins: one, two")
    not_mine = api.post("/api/v1/patients", json={"reference": "REF-C", "language": "en", "team": "default"},
                        headers=headers)
    assert not_mine.status_code == 422 and "'default' is not one of your teams" in not_mine.get_json()["detail"]
    made = api.post("/api/v1/patients", json={"reference": "REF-C", "language": "en", "team": "two"}, headers=headers)
    assert made.status_code == 201
    assert api.get(f"/api/v1/patients/{made.get_json()['id']}", headers=world.b).status_code == 200
    assert api.get(f"/api/v1/patients/{made.get_json()['id']}", headers=world.a).status_code == 404
    # An existing patient is found without a team.
    assert api.post("/api/v1/patients", json={"reference": "REF-ONE", "language": "en"}, headers=headers).status_code == 200
    # A care manager of one team cannot put a patient in another team.
    other = api.post("/api/v1/patients", json={"reference": "REF-D", "language": "en", "team": "two"}, headers=world.a)
    assert other.status_code == 422 and other.get_json()["errors"][0]["field"] == "team"


def test_a_one_team_clinic_works_as_before(api_app, users):
    """Only the default team: every new user and patient joins it, and care managers share patients."""
    api = api_app.test_client()
    made = api.post("/api/v1/patients", json={"reference": "R-1", "language": "en"}, headers=users.nurse)
    assert made.status_code == 201
    with api_app.app_context():
        session = get_session()
        create_user(session, "second@clinic.example", "Second", "care_manager", PASSWORD)
        second = bearer(create_token(session, "second@clinic.example", "test")[1])
        session.commit()
        default = session.scalar(select(Team).where(Team.slug == "default"))
        assert default.name == "Default team"
        assert session.scalar(select(func.count()).select_from(TeamMember).where(TeamMember.team_id == default.id)) == 3
        assert session.scalars(select(PatientTeam.team_id)).all() == [default.id]
    assert api.get(f"/api/v1/patients/{made.get_json()['id']}", headers=second).status_code == 200


def test_console_keeps_each_team_to_its_patients(api_app):
    world = make_world(api_app)
    b = api_app.test_client()
    token = sign_in(b, "b@clinic.example")
    refused = b.post("/console/patients", data={"reference": "REF-ONE", "language": "en", "csrf_token": token})
    assert refused.status_code == 404
    message = BeautifulSoup(refused.data, "html.parser").find(id="patient-error").get_text()
    assert message.startswith("No patient with that reference in your teams")
    report = b.get(f"/console/reports/ccm?month={MONTH}").get_data(as_text=True)
    assert "REF-TWO" in report and "REF-ONE" not in report
    assert b.get(f"/console/patients/{world.patient['id']}").status_code == 404
    admin = api_app.test_client()
    sign_in(admin, "admin@clinic.example")
    page = BeautifulSoup(admin.get(f"/console/reports/ccm?month={MONTH}&team=one").data, "html.parser")
    assert [o["value"] for o in page.select("select#team option")] == ["", "default", "one", "two"]
    assert [th.get_text() for th in page.select("table.report tbody th")] == ["REF-ONE"]
    home = BeautifulSoup(admin.get("/console/").data, "html.parser")
    assert home.select_one("select#patient-team") is not None  # an admin of a clinic with three teams chooses
    unchosen = admin.post("/console/patients", data={"reference": "REF-NEW", "language": "en",
                                                     "csrf_token": csrf(admin.get("/console/"))})
    assert unchosen.status_code == 422 and "say which one" in unchosen.get_data(as_text=True)


def test_admins_manage_teams_in_the_console(api_app):
    world = make_world(api_app)
    admin = api_app.test_client()
    token = sign_in(admin, "admin@clinic.example")

    def post(**form):
        return admin.post("/console/admin/teams", data={"csrf_token": token, **form})

    assert admin.post("/console/admin/teams", data={"action": "create", "slug": "x", "name": "X"}).status_code == 400
    bad = post(action="create", slug="North Side", name="North")
    assert bad.status_code == 422
    assert "is not a team slug" in BeautifulSoup(bad.data, "html.parser").find(id="error-create-").get_text()
    assert post(action="create", slug="north", name="North side").status_code == 302
    assert post(action="add_member", team="north", email="b@clinic.example").status_code == 302
    last = post(action="remove_patient", team="one", patient=world.patient["id"])
    assert last.status_code == 409
    assert "the only team" in BeautifulSoup(last.data, "html.parser").find(id="error-remove_patient-one").get_text()
    assert post(action="add_patient", team="north", patient=world.patient["id"], move="yes").status_code == 302
    api = api_app.test_client()
    assert api.get(f"/api/v1/patients/{world.patient['id']}", headers=world.a).status_code == 404  # moved
    assert api.get(f"/api/v1/patients/{world.patient['id']}", headers=world.b).status_code == 200
    page = BeautifulSoup(admin.get("/console/admin/teams").data, "html.parser")
    north = [s for s in page.select("section.team") if "north" in s.h2.get_text()][0]
    assert [li.span.get_text() for li in north.select("ul.members li")] == ["b@clinic.example"]
    assert post(action="remove_member", team="north", email="b@clinic.example").status_code == 302
    assert post(action="nothing").status_code == 422
    with api_app.app_context():
        whats = get_session().scalars(select(AuditEvent.what).where(AuditEvent.channel == "console",
                                                                    AuditEvent.action != "auth")).all()
    assert whats == ["team_created", "team_member_added", "patient_team_moved", "team_member_removed"]


def test_teams_command(runner, tmp_path, content_dir):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"}
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    for email in ("boss@clinic.example", "nurse@clinic.example"):
        assert runner.invoke(main, ["users", "create", email, "--password", PASSWORD], env=env).exit_code == 0
    assert runner.invoke(main, ["teams", "create", "north", "--name", "North side"], env=env).exit_code == 0
    moved = runner.invoke(main, ["teams", "add-member", "north", "nurse@clinic.example"], env=env)
    assert moved.exit_code == 0 and moved.output == "nurse@clinic.example is now a member of north.\n"
    listed = runner.invoke(main, ["teams", "list"], env=env).output
    assert listed.splitlines() == ["default  Default team  (2 members, 0 patients)", "  boss@clinic.example",
                                   "  nurse@clinic.example", "north  North side  (1 members, 0 patients)",
                                   "  nurse@clinic.example"]
    for args, message in ((["create", "north", "--name", "Again"], "there is already a team 'north'"),
                          (["add-member", "south", "nurse@clinic.example"], "there is no team 'south'"),
                          (["add-patient", "north", "MRN-1"], "no patient has the id 'MRN-1'"),
                          (["remove-member", "north", "boss@clinic.example"], "is not a member of 'north'")):
        failed = runner.invoke(main, ["teams", *args], env=env)
        assert failed.exit_code == 1 and failed.output.count("\n") == 1 and message in failed.output, failed.output
    assert runner.invoke(main, ["teams", "remove-member", "north", "nurse@clinic.example"], env=env).exit_code == 0
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        events = connection.execute(text("SELECT what, channel FROM audit_events WHERE what NOT LIKE 'user_%' "
                                         "ORDER BY id")).all()
    engine.dispose()
    assert events == [("team_created", "cli"), ("team_member_added", "cli"), ("team_member_removed", "cli")]


def test_patient_commands_add_move_and_keep_one_team(runner, api_app):
    world = make_world(api_app)
    env = {"DATABASE_URL": api_app.config["DATABASE_URL"]}
    pid = world.patient["id"]
    assert runner.invoke(main, ["teams", "add-patient", "two", pid], env=env).exit_code == 0
    api = api_app.test_client()
    assert api.get(f"/api/v1/patients/{pid}", headers=world.b).status_code == 200  # in both teams now
    assert runner.invoke(main, ["teams", "remove-patient", "one", pid], env=env).exit_code == 0
    assert api.get(f"/api/v1/patients/{pid}", headers=world.a).status_code == 404
    last = runner.invoke(main, ["teams", "remove-patient", "two", pid], env=env)
    assert last.exit_code == 1 and "the only team" in last.output
    assert runner.invoke(main, ["teams", "add-patient", "one", pid, "--move"], env=env).output == f"{pid} is now only in one.\n"
    assert api.get(f"/api/v1/patients/{pid}", headers=world.b).status_code == 404


def test_the_migration_puts_existing_users_and_patients_in_the_default_team(blank_database):
    engine = make_engine(blank_database)
    upgrade(engine, "0002")  # the revision before teams
    with engine.begin() as connection:
        for email in ("one@clinic.example", "two@clinic.example"):
            connection.execute(User.__table__.insert().values(email=email, name=email, role="care_manager",
                                                              password_hash="x", active=True))
        for ref in ("R-1", "R-2", "R-3"):
            connection.execute(Patient.__table__.insert().values(public_id=f"pt_{ref}", reference=ref, hashed=False,
                                                                 language="en"))
    upgrade(engine)
    with engine.connect() as connection:
        teams = connection.execute(select(Team.id, Team.slug, Team.name)).all()
        members = connection.execute(select(TeamMember.team_id, func.count()).group_by(TeamMember.team_id)).all()
        patients = connection.execute(select(PatientTeam.team_id, func.count()).group_by(PatientTeam.team_id)).all()
    engine.dispose()
    assert [(slug, name) for _, slug, name in teams] == [("default", "Default team")]
    assert members == [(teams[0][0], 2)] and patients == [(teams[0][0], 3)]
