"""Issue 18, "Done when", in Chromium: a care manager starts a plan from the guides' goal templates,
delivers it (the patient opens "My care plan" by its code), records the goals' progress at a later
call, and sees it in the timeline and in the FHIR Bundle. axe-core finds nothing on the pages.

The portal (API, console and the patient's plan page) runs on SQLite with the starter library.
The minutes report of the programs (issue 18's other part) is checked at the end of
`test_plan_from_templates_delivered_and_followed_up`, where the marked step goes.
"""
from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from werkzeug.serving import make_server

from conftest import STARTER
from databases import add_users, make_api_app
from test_browser import browser, page  # noqa: F401  (Chromium fixtures)
from test_console_browser import axe_clean, sign_in_page

TOMORROW = dt.date.today() + dt.timedelta(days=1)  # a later call: the record form takes dates up to tomorrow


@pytest.fixture(scope="module")
def portal(tmp_path_factory, sqlite_template):
    """The portal app on its own origin (the plan page is served by it, never by the static site)."""
    import shutil

    work = tmp_path_factory.mktemp("plans")
    shutil.copy(sqlite_template, work / "portal.db")
    app = make_api_app(STARTER, f"sqlite:///{work / 'portal.db'}")
    add_users(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    app.extensions["portal.db"].dispose()


def test_plan_from_templates_delivered_and_followed_up(page, portal):
    sign_in_page(page, portal, "nurse@clinic.example")
    page.get_by_label("Patient reference").fill("MRN-1818")
    page.get_by_label("Language the patient reads").select_option("es")
    page.get_by_role("button", name="Open patient").click()
    page.wait_for_url(re.compile(r".*/console/patients/pt_[\w-]+$"))
    patient_url = page.url
    page.locator("#q").fill("heart failure")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*q=heart"), timeout=120_000)  # the first search builds the console's index
    page.locator('input[name="items"][value="condition:heart-failure"]').check()
    page.get_by_role("button", name="Assign reading").click()
    page.get_by_role("link", name="Back to the patient").click()

    # Start the plan from the templates of the patient's guide.
    page.get_by_role("link", name="Start a care plan").click()
    axe_clean(page)
    page.locator('input[value="heart-failure/steady-weight"]').check()
    page.locator('input[value="heart-failure/check-swelling"]').check()
    page.get_by_role("button", name="Next: adjust the goals").click()
    assert page.locator("#goal-0-goal").input_value() == "Mantener mi peso estable"  # the patient's language
    axe_clean(page)
    page.locator("#goal-0-steps").fill("Pesarme cada mañana, después de orinar.\nApuntar mi peso en el calendario.")
    target = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    page.locator("#goal-0-target_date").fill(target)
    page.get_by_role("button", name="Save the care plan").click()
    page.wait_for_url(re.compile(r".*/console/care-plans/cp_[\w-]+\?saved=1$"))
    plan_url = page.url.split("?")[0]
    assert page.locator("h2#goal-1").inner_text() == "Mantener mi peso estable"
    axe_clean(page)

    # Deliver it: a code read aloud; the patient opens "My care plan" with it.
    page.get_by_role("button", name="Make a code for the patient").click()
    code = page.locator("#plan-code").inner_text()
    address = page.locator("#plan-page").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code) and address == portal + "/es/my-plan/"
    axe_clean(page)
    patient = page.context.browser.new_context().new_page()
    patient.goto(address)
    axe_clean(patient)
    patient.locator("#plan-code").fill(code.lower().replace("-", " "))
    patient.locator("form.code-form button").click()
    patient.locator("article.my-plan").wait_for()
    assert patient.locator("h1").inner_text() == "Mi plan de cuidado"
    goals = patient.locator("section.plan-goal h2").all_inner_texts()
    assert goals == ["Meta 1: Mantener mi peso estable", "Meta 2: Notar la hinchazón a tiempo"]
    assert "Apuntar mi peso en el calendario." in patient.locator("section.plan-goal").first.inner_text()
    assert "MRN-1818" not in patient.content() and "pt_" not in patient.content() and "cp_" not in patient.content()
    axe_clean(patient)
    patient.context.close()

    # A later call: the teaching form asks each goal's progress, saved with the record and its minutes.
    page.goto(plan_url)
    page.get_by_role("button", name="Record a call on this plan").click()
    progress = page.locator("fieldset.goal-progress")
    assert progress.count() == 2
    axe_clean(page)
    page.locator("#taught_on").fill(TOMORROW.isoformat())
    page.locator("fieldset.topic select").first.select_option("verbalizes_understanding")
    page.get_by_label("Readiness to learn").select_option("accepting")
    page.get_by_label("None", exact=True).check()
    page.get_by_label("Minutes spent", exact=True).fill("25")
    page.get_by_label("Minutes count toward").select_option("ccm")
    weight = progress.first
    weight.locator("select").select_option("partly_met")
    weight.get_by_label("Cost").check()
    weight.locator("textarea").fill("La báscula se rompió.")
    progress.nth(1).locator("select").select_option("met")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*saved=education$"))
    newest = page.locator(".timeline > li").first.inner_text()
    assert TOMORROW.isoformat() in newest and "25 minutes" in newest
    assert "Mantener mi peso estable: Partly met · Barriers: Cost · La báscula se rompió." in newest
    assert "Notar la hinchazón a tiempo: Met" in newest
    assert "Care plan started" in page.locator(".timeline").inner_text()

    # The FHIR Bundle: the CarePlan, its Goals with the progress, the Procedure based on the plan.
    href = page.get_by_role("link", name="FHIR Bundle (JSON)").get_attribute("href")
    data = page.request.get(portal + href).json()
    Bundle.model_validate(data)
    for entry in data["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    resources = [entry["resource"] for entry in data["entry"]]
    [care_plan] = [r for r in resources if r["resourceType"] == "CarePlan"]
    goals = {r["description"]["text"]: r for r in resources if r["resourceType"] == "Goal"}
    assert goals["Mantener mi peso estable"]["achievementStatus"]["coding"][0]["code"] == "improving"
    assert goals["Mantener mi peso estable"]["statusDate"] == TOMORROW.isoformat()
    assert goals["Mantener mi peso estable"]["target"][0]["dueDate"] == target
    assert goals["Notar la hinchazón a tiempo"]["achievementStatus"]["coding"][0]["code"] == "achieved"
    plan_full_url = next(e["fullUrl"] for e in data["entry"] if e["resource"] is care_plan)
    [procedure] = [r for r in resources if r["resourceType"] == "Procedure"]  # the call (reading was only assigned)
    assert procedure["basedOn"] == [{"reference": plan_full_url}]
    assert "Minutes: 25 (clinical staff, toward CCM)" in [n["text"] for n in procedure["note"]]

    # The minutes report: the 25 minutes of this call count toward CCM in TOMORROW's month and reach 99490.
    page.goto(f"{portal}/console/reports/ccm?month={TOMORROW:%Y-%m}")
    [row] = [r for r in page.locator("table.report tbody tr").all() if "CCM" in r.inner_text()]
    cells = [c.inner_text().strip() for c in row.locator("th, td").all()]
    assert cells[1:] == ["CCM (chronic care management)", "25", "0", "99490"]
