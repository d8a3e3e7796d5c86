"""Clinical review: the fields and their errors, the review report, the page note and footer, the build gate."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup

from portal import create_app
from portal.build import BuildError, build
from portal.cli import main
from portal.config import load_settings

GUIDE = "conditions/heart-failure/en.md"
TODAY = dt.date.today()


def report(runner, content_dir, *options):
    return runner.invoke(main, ["report", "review", str(content_dir), *options])


def hash_to_review(runner, content_dir, page: str) -> str:
    """The hash `portal report review` prints for a page: what a reviewer copies."""
    row = next(line for line in report(runner, content_dir).output.splitlines() if line.startswith(f"content/{page}"))
    return re.search(r"\b[0-9a-f]{12}\b", row).group(0)


def add_review(content_dir, page: str, source_hash: str, date: dt.date = TODAY, extra: str = "") -> None:
    path = content_dir / page
    block = (f"clinical_review:\n  reviewer: Jane Doe\n  credentials: RN, CDCES\n  date: {date.isoformat()}\n"
             f"  source_hash: {source_hash}\n{extra}")
    path.write_text(path.read_text().replace("sources:\n", block + "sources:\n", 1))


def test_report_lists_unreviewed_outdated_and_overdue_pages(runner, content_dir):
    first = report(runner, content_dir)
    assert first.exit_code == 0
    assert "5 of 5 pages need a clinician's review" not in first.output  # four English pages, one a translation
    assert "4 of 4 pages need a clinician's review" in first.output
    add_review(content_dir, GUIDE, hash_to_review(runner, content_dir, GUIDE))
    reviewed = report(runner, content_dir).output
    assert "3 of 4 pages" in reviewed and "heart-failure" not in reviewed
    guide = content_dir / GUIDE
    guide.write_text(guide.read_text().replace("Eat less salt.", "Eat less salt. Read food labels."))
    changed = [line for line in report(runner, content_dir).output.splitlines() if "heart-failure" in line]
    assert len(changed) == 1 and "reviewed an older text" in changed[0] and "Jane Doe, RN, CDCES" in changed[0]
    lisinopril = "medications/lisinopril/en.md"
    add_review(content_dir, lisinopril, hash_to_review(runner, content_dir, lisinopril),
               date=TODAY - dt.timedelta(days=400))
    overdue = [line for line in report(runner, content_dir).output.splitlines() if "lisinopril" in line]
    assert "past its review-by date" in overdue[0]
    markdown = report(runner, content_dir, "--format", "markdown").output
    assert markdown.startswith("## Clinical review") and "| content/medications/lisinopril/en.md |" in markdown
    assert report(runner, content_dir, "--fail").exit_code == 1


def test_report_says_none_to_review_and_fail_passes(runner, content_dir):
    for page in ("conditions/heart-failure/en.md", "conditions/high-blood-pressure/en.md",
                 "medications/lisinopril/en.md", "topics/preventing-falls/en.md"):
        add_review(content_dir, page, hash_to_review(runner, content_dir, page))
    done = report(runner, content_dir, "--fail")
    assert done.exit_code == 0, done.output
    assert "None to review: every one of the 4 pages is reviewed and in date." in done.output


def test_adding_a_review_does_not_outdate_the_translations(runner, content_dir):
    page = "conditions/high-blood-pressure/en.md"
    before = runner.invoke(main, ["report", "translations", str(content_dir)]).output
    add_review(content_dir, page, hash_to_review(runner, content_dir, page), extra="review_by: 2099-01-01\n")
    assert runner.invoke(main, ["report", "translations", str(content_dir)]).output == before
    assert "high-blood-pressure" not in report(runner, content_dir).output


@pytest.mark.parametrize("change, expected", [
    (dict(date=TODAY + dt.timedelta(days=3)),
     ":8: clinical_review.date: {future} is in the future (write the date it actually happened, YYYY-MM-DD)"),
    (dict(source_hash="not-a-hash"),
     ":9: clinical_review.source_hash: 'not-a-hash' is not a page hash (copy the 12 letters and digits that "
     "'portal report review' prints for this page)"),
    (dict(extra="review_by: 2020-01-01\n"),
     ":10: review_by: 2020-01-01 is not after the review ({today}) (give a later date, or leave review_by out: "
     "the default is 12 months after)"),
])
def test_review_field_errors_name_file_line_and_fix(runner, content_dir, monkeypatch, change, expected):
    add_review(content_dir, GUIDE, change.get("source_hash", "0123456789ab"), change.get("date", TODAY),
               change.get("extra", ""))
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content"])
    assert result.exit_code == 1
    line = "content/" + GUIDE + expected.format(future=(TODAY + dt.timedelta(days=3)).isoformat(),
                                                today=TODAY.isoformat())
    assert line in result.output.splitlines(), result.output


def test_review_on_a_translation_or_review_by_alone_is_an_error(runner, content_dir, monkeypatch):
    add_review(content_dir, "conditions/high-blood-pressure/es.md", "0123456789ab")
    guide = content_dir / GUIDE
    guide.write_text(guide.read_text().replace("sources:\n", "review_by: 2027-01-01\nsources:\n", 1))
    monkeypatch.chdir(content_dir.parent)
    lines = runner.invoke(main, ["check", "content"]).output.splitlines()
    assert any(line.startswith("content/conditions/high-blood-pressure/es.md:6: clinical_review: a clinician "
                               "reviews the English page") for line in lines), lines
    assert ("content/conditions/heart-failure/en.md:5: review_by: review_by is given but the page has no "
            "clinical_review (remove review_by, or add the clinical_review it belongs to)") in lines


def test_old_reviewed_by_still_works_and_is_reported(runner, content_dir, monkeypatch):
    guide = content_dir / GUIDE
    guide.write_text(guide.read_text().replace("sources:\n", "reviewed_by: Dana Lee, RN\nsources:\n", 1))
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content"])
    assert result.exit_code == 0, result.output
    assert "content/conditions/heart-failure/en.md:5: reviewed_by: reviewed_by is a note" in result.output


def test_unreviewed_page_has_the_note_and_a_reviewed_one_names_its_reviewer(runner, content_dir):
    add_review(content_dir, GUIDE, hash_to_review(runner, content_dir, GUIDE), date=dt.date(2026, 1, 15))
    client = create_app({"PORTAL_CONTENT_DIR": str(content_dir)}).test_client()
    unreviewed = BeautifulSoup(client.get("/en/conditions/high-blood-pressure/").data, "html.parser")
    assert unreviewed.find(class_="not-reviewed").get_text().startswith("Not yet reviewed by our clinicians.")
    assert unreviewed.find(class_="clinical-review") is None
    reviewed = BeautifulSoup(client.get("/en/conditions/heart-failure/").data, "html.parser")
    assert reviewed.find(class_="not-reviewed") is None
    assert reviewed.find(class_="clinical-review").get_text() == "Reviewed by Jane Doe, RN, CDCES on January 15, 2026"
    spanish = BeautifulSoup(client.get("/es/conditions/high-blood-pressure/").data, "html.parser")
    assert spanish.find(class_="not-reviewed") is not None  # a translation of an unreviewed page has it too


def test_required_review_fails_the_build_and_keeps_the_last_site(runner, content_dir, tmp_path):
    output = tmp_path / "site"
    base = {"PORTAL_CONTENT_DIR": str(content_dir), "PORTAL_CACHE_DIR": ""}
    build(load_settings(base, environ={}), output)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    with pytest.raises(BuildError) as failure:
        build(load_settings({**base, "PORTAL_REQUIRE_REVIEW": "1"}, environ={}), output)
    assert "4 page(s) have no clinician's review" in failure.value.title
    assert failure.value.problems[0].startswith("content/conditions/heart-failure/en.md: never reviewed")
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    cli = runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(output)],
                        env={"PORTAL_REQUIRE_REVIEW": "1", "PORTAL_CACHE_DIR": ""})
    assert cli.exit_code == 1 and "content/topics/preventing-falls/en.md: never reviewed" in cli.output
    assert f"Build failed: the site in {output} was not changed." in cli.output
    for page in ("conditions/heart-failure/en.md", "conditions/high-blood-pressure/en.md",
                 "medications/lisinopril/en.md", "topics/preventing-falls/en.md"):
        add_review(content_dir, page, hash_to_review(runner, content_dir, page))
    build(load_settings({**base, "PORTAL_REQUIRE_REVIEW": "1"}, environ={}), output)
    assert b"not-reviewed" not in (output / "en" / "conditions" / "heart-failure" / "index.html").read_bytes()


def test_require_review_setting_is_on_or_off():
    assert load_settings({}, environ={})["PORTAL_REQUIRE_REVIEW"] is False
    assert load_settings({}, environ={"PORTAL_REQUIRE_REVIEW": "on"})["PORTAL_REQUIRE_REVIEW"] is True
    with pytest.raises(Exception, match="PORTAL_REQUIRE_REVIEW: 'maybe' is not on or off"):
        load_settings({}, environ={"PORTAL_REQUIRE_REVIEW": "maybe"})
