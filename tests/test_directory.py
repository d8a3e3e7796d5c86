"""The community resource directory on the site: listings, category pages, resource pages, staleness."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from portal import create_app
from portal.cli import main
from portal.content.resource_models import Schedule
from portal.site.directory import hours_lines


def soup_of(client, url, status=200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.data, "html.parser")


def facts_of(soup) -> dict:
    return {div.dt.get_text(): div.dd for div in soup.find("dl", class_="facts").find_all("div")}


def test_resource_page_shows_how_to_get_help(client):
    soup = soup_of(client, "/en/resources/example-pantry/")
    assert soup.find("p", class_="example-label")
    call = soup.find("section", class_="contact").a
    assert call["href"] == "tel:+19515550142" and call.get_text() == "(951) 555-0142"
    facts = facts_of(soup)
    assert facts["Address"].address.get_text(" ", strip=True) == "100 Sample Street Riverside, CA 92501"
    assert facts["Address"].a["href"] == ("https://www.openstreetmap.org/search?query="
                                          "100%20Sample%20Street%2C%20Riverside%2C%20CA%2092501")
    assert [li.get_text() for li in facts["Hours"].find_all("li")] == ["Tuesday: 9:00\u202fAM–12:00\u202fPM"]
    assert "Pacific Time" in facts["Hours"].get_text()
    assert facts["Cost"].get_text() == "Free"
    assert facts["Last checked"].get_text() == "November 1, 2026 (Dana Lee, community health worker)"
    crisis = facts_of(soup_of(client, "/en/resources/crisis-line/"))
    assert crisis["Languages"].get_text(strip=True) == "English, Spanish"
    assert crisis["Hours"].get_text(strip=True) == "Open 24 hours, 7 days a week"
    assert crisis["Where they help"].get_text(strip=True) == "Anywhere in the United States"


def test_hours_are_written_in_the_readers_language():
    schedule = Schedule(timezone="America/New_York", regular=[
        {"days": ["monday", "tuesday", "wednesday", "friday"], "opens": "08:30", "closes": "17:00"},
        {"days": ["saturday"], "opens": "10:00", "closes": "12:00"}])
    assert hours_lines(schedule, "en") == [("Monday–Wednesday, Friday", "8:30\u202fAM–5:00\u202fPM"),
                                           ("Saturday", "10:00\u202fAM–12:00\u202fPM")]
    assert hours_lines(schedule, "es")[0] == ("lunes–miércoles, viernes", "8:30–17:00")


def test_open_now_uses_the_services_time_zone():
    schedule = Schedule(timezone="America/Los_Angeles",
                        regular=[{"days": ["tuesday"], "opens": "09:00", "closes": "12:00"}])
    tuesday_10_am_pacific = dt.datetime(2026, 11, 24, 18, 0, tzinfo=ZoneInfo("UTC"))
    assert schedule.is_open(tuesday_10_am_pacific) is True
    assert schedule.is_open(tuesday_10_am_pacific + dt.timedelta(hours=2)) is False  # noon: closed
    assert schedule.is_open(dt.datetime(2026, 7, 14, 16, 30, tzinfo=ZoneInfo("UTC"))) is True  # summer time
    assert Schedule(open_24_7=True).is_open(tuesday_10_am_pacific) is True
    assert Schedule(notes="Call first").is_open(tuesday_10_am_pacific) is None


def test_directory_index_lists_every_service_with_filter_data(client):
    soup = soup_of(client, "/en/resources/")
    cards = soup.select("#listings > li.resource-card")
    assert [c.h3.get_text() for c in cards] == ["988 Suicide & Crisis Lifeline", "Example: Riverside Food Pantry"]
    crisis, pantry = cards
    assert crisis["data-national"] == "1" and crisis["data-categories"] == "mental-health"
    assert not pantry.has_attr("data-zips") and pantry["data-cost"] == "free"  # no area given: none written
    assert pantry["data-schedule"] == "America/Los_Angeles;1 09:00-12:00"  # Tuesdays (0 = Monday), 9 to noon
    assert crisis["data-schedule"] == "24/7"
    form = soup.find("form", id="filters")
    assert form.has_attr("hidden")  # needs JavaScript; without it the list and category pages remain
    labels = {label["for"] for label in form.find_all("label")}
    assert labels == {"f-category", "f-language", "f-place", "f-cost", "f-open"}
    assert [a["href"] for a in soup.select("nav.toc a")] == ["/en/categories/food/", "/en/categories/mental-health/"]
    # The filters come first in the page, so a phone shows them before the list, with the count after them;
    # without JavaScript (filters hidden) the count is of every listing.
    page = str(soup)
    assert page.index('id="filters"') < page.index('id="result-count"') < page.index('id="listings"')
    count = soup.find(id="result-count")
    assert count.get_text() == "Showing 2 of 2 services." and count["aria-live"] == "polite"


def test_category_page_is_a_printable_list(client):
    soup = soup_of(client, "/es/categories/food/")
    assert soup.h1.get_text() == "Comida"
    [card] = soup.select("ul.printable > li")
    assert card.address.get_text() == "100 Sample Street, Riverside, CA 92501"
    assert card.find("p", class_="hours").get_text() == "martes: 9:00–12:00"
    soup_of(client, "/en/categories/nope/", status=404)


def test_a_category_with_no_listings_has_no_page(content_dir):
    path = content_dir / "resources" / "crisis-line.yaml"
    path.write_text(path.read_text().replace("categories: [mental-health]", "categories: [food]"))
    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    soup_of(client, "/en/categories/mental-health/", status=404)
    assert [a["href"] for a in soup_of(client, "/en/resources/").select("nav.toc a")] == ["/en/categories/food/"]


def test_resource_translation_and_fallback(content_dir):
    path = content_dir / "resources" / "example-pantry.yaml"
    path.write_text(path.read_text() + "translations:\n  es:\n    status: machine\n"
                    "    description: Comestibles gratis una vez por semana.\n")
    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    spanish = soup_of(client, "/es/resources/example-pantry/")
    assert spanish.find("p", class_="lead").get_text() == "Comestibles gratis una vez por semana."
    assert "traducida por una computadora" in spanish.find("p", class_="notice").get_text()
    chinese = soup_of(client, "/zh/resources/example-pantry/")
    assert chinese.find("p", class_="lead").get_text() == "Free groceries once a week."
    assert chinese.find("p", class_="notice").get_text() != ""


def _stale_content(content_dir):
    path = content_dir / "resources" / "example-pantry.yaml"
    path.write_text(path.read_text().replace("last_verified: 2026-11-01", "last_verified: 2025-01-15"))


def test_stale_listing_is_flagged_and_reported(content_dir, runner):
    _stale_content(content_dir)
    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    notice = soup_of(client, "/en/resources/example-pantry/").find("p", class_="stale")
    assert notice.strong.get_text() == "This listing may be out of date: call first."
    assert soup_of(client, "/en/resources/crisis-line/").find("p", class_="stale") is None
    report = runner.invoke(main, ["report", "stale", str(content_dir), "--fail"])
    assert report.exit_code == 1
    rows = [line for line in report.output.splitlines() if line.startswith("content/")]
    assert len(rows) == 1 and rows[0].startswith("content/resources/example-pantry.yaml")
    assert "2025-01-15" in rows[0]
    relaxed = create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_STALE_AFTER_DAYS": "5000"}).test_client()
    assert soup_of(relaxed, "/en/resources/example-pantry/").find("p", class_="stale") is None
    markdown = runner.invoke(main, ["report", "stale", str(content_dir), "--format", "markdown", "--days", "5000"])
    assert markdown.exit_code == 0 and "None: every one of the 2 listings" in markdown.output


def test_stale_flag_appears_in_an_incremental_build_without_a_content_change(content_dir, runner, tmp_path):
    output = tmp_path / "site"
    args = ["build", "--content", str(content_dir), "--output", str(output)]
    assert runner.invoke(main, args, env={"PORTAL_STALE_AFTER_DAYS": "5000"}).exit_code == 0
    assert "may be out of date" not in (output / "en/resources/example-pantry/index.html").read_text()
    assert runner.invoke(main, args, env={"PORTAL_STALE_AFTER_DAYS": "1"}).exit_code == 0
    assert "may be out of date" in (output / "en/resources/example-pantry/index.html").read_text()
    spanish = BeautifulSoup((output / "es/resources/example-pantry/index.html").read_text(), "html.parser")
    assert spanish.find("h2", id="s-contact").get_text() == "Cómo comunicarse con ellos"  # built in its language


@pytest.mark.parametrize("target, expect", [
    ("", "/en/about/#report-a-problem"),
    ("https://github.com/example/clinic-content", "https://github.com/example/clinic-content/issues/new"),
    ("listings@example.org", "mailto:listings@example.org"),
])
def test_report_a_problem_link(content_dir, target, expect):
    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_REPORT_PROBLEM_TO": target}).test_client()
    link = soup_of(client, "/en/resources/example-pantry/").find("a", string="Report a problem with this listing")
    href = link["href"]
    assert href.split("?")[0] == expect
    if target:
        query = parse_qs(urlsplit(href).query)
        title = (query.get("title") or query.get("subject"))[0]
        assert title == "Problem with the listing: Example: Riverside Food Pantry"
        assert "content/resources/example-pantry.yaml" in query["body"][0]
    else:
        about = soup_of(client, "/en/about/")
        assert about.find(id="report-a-problem")


def test_bad_report_target_is_a_startup_error(content_dir):
    from portal.config import StartupError

    with pytest.raises(StartupError, match="PORTAL_REPORT_PROBLEM_TO: 'github.com/x' is neither"):
        create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_REPORT_PROBLEM_TO": "github.com/x"})
    with pytest.raises(StartupError, match="PORTAL_STALE_AFTER_DAYS: 'soon' is not a number of days"):
        create_app({"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_STALE_AFTER_DAYS": "soon"})


def test_guides_link_to_the_resources_that_fit(client):
    soup = soup_of(client, "/es/conditions/high-blood-pressure/")
    related = soup.find("article").find_all("a", href=True)
    hrefs = [a["href"] for a in related]
    assert "/es/resources/crisis-line/" in hrefs and "tel:988" in hrefs
