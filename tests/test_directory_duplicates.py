"""Likely duplicate listings: found by name, phone and web page, blamed on the file that changed."""
from __future__ import annotations

import os
import subprocess

import pytest

from conftest import LANGUAGES
from portal.cli import main
from portal.content import ContentErrors, load_library
from portal.content.duplicates import name_key, website_key

NAMI = """\
name: NAMI HelpLine
description: A free help line for people living with a mental health condition and their families.
categories: [mental-health]
cost: free
phones:
  - number: "1-800-950-6264"
website: https://www.nami.org
service_area:
  national: true
last_verified: 2026-11-22
verified_by: Care Guide Portal team
"""


def listing(name="Riverside Warm Line", phone='"(951) 555-0199"', website="https://www.example.org/warm-line",
            extra="") -> str:
    return (f"name: {name}\ndescription: Someone to talk to.\ncategories: [mental-health]\ncost: free\n"
            f"phones:\n  - number: {phone}\nwebsite: {website}\nlast_verified: 2026-11-20\n"
            f"verified_by: Dana Lee, community health worker\n{extra}")


def errors_of(content_dir) -> list:
    with pytest.raises(ContentErrors) as raised:
        load_library(content_dir, LANGUAGES)
    return raised.value.errors


@pytest.fixture
def with_nami(content_dir):
    (content_dir / "resources" / "nami-helpline.yaml").write_text(NAMI)
    old = 1_700_000_000
    os.utime(content_dir / "resources" / "nami-helpline.yaml", (old, old))
    return content_dir


@pytest.mark.parametrize("name", ["N.A.M.I. Help Line", "NAMI Help Line", "NAMI Help-Line", "The nami helpline"])
def test_the_same_name_spelled_differently_is_a_duplicate(with_nami, name):
    (with_nami / "resources" / "nami-2.yaml").write_text(listing(name=f'"{name}"'))
    [error] = errors_of(with_nami)
    assert (error.path, error.line, error.field) == ("content/resources/nami-2.yaml", 1, "name")
    assert error.problem == ("likely the same service as content/resources/nami-helpline.yaml ('NAMI HelpLine'): "
                             "same name")
    assert error.fix == ("update content/resources/nami-helpline.yaml instead; if they are different services, "
                         "add 'not_duplicate_of: [nami-helpline]'")


def test_the_reported_listing_gets_every_reason_on_the_line_of_the_first(with_nami):
    (with_nami / "resources" / "nami-2.yaml").write_text(
        listing(name='"NAMI Help-Line"', phone='"(800) 950 6264"', website="https://nami.org/"))
    [error] = errors_of(with_nami)
    assert error.problem.endswith("same name and same phone 1-800-950-6264 and same website nami.org")


def test_the_same_phone_under_another_name_is_a_duplicate(with_nami):
    (with_nami / "resources" / "mental-health-line.yaml").write_text(listing(phone='"800.950.6264"'))
    [error] = errors_of(with_nami)
    assert (error.path, error.line, error.field) == ("content/resources/mental-health-line.yaml", 6,
                                                     "phones[1].number")
    assert error.problem.endswith("same phone 1-800-950-6264")


def test_the_same_web_page_is_a_duplicate_but_another_page_of_the_site_is_not(with_nami):
    resources = with_nami / "resources"
    (resources / "nami-site.yaml").write_text(listing(website="https://NAMI.org/"))
    [error] = errors_of(with_nami)
    assert (error.field, error.line) == ("website", 7) and error.problem.endswith("same website nami.org")
    (resources / "nami-site.yaml").write_text(listing(website="https://www.nami.org/support-groups"))
    assert "nami-site" in load_library(with_nami, LANGUAGES).resources


def test_shared_short_codes_and_other_extensions_are_not_duplicates(with_nami):
    # The fixture's crisis line is reached at 988; a veterans line is reached at 988 too (press 1).
    (with_nami / "resources" / "veterans.yaml").write_text(listing(name="Veterans Crisis Line", phone='"988"'))
    (with_nami / "resources" / "nami-ext.yaml").write_text(
        listing(name="Family line", phone='"1-800-950-6264"\n    extension: "2"', website="https://fam.example.org"))
    assert {"veterans", "nami-ext"} <= set(load_library(with_nami, LANGUAGES).resources)


def test_not_duplicate_of_lets_a_close_listing_pass_and_must_name_a_listing(with_nami):
    path = with_nami / "resources" / "nami-spanish.yaml"
    path.write_text(listing(name="NAMI HelpLine", extra="not_duplicate_of: [nami-helpline]\n"))
    assert "nami-spanish" in load_library(with_nami, LANGUAGES).resources
    path.write_text(listing(name="NAMI HelpLine", extra="not_duplicate_of: [nami-helpine, nami-spanish]\n"))
    errors = errors_of(with_nami)
    assert [(e.line, e.field, e.problem, e.fix) for e in errors if e.field.startswith("not_")] == [
        (10, "not_duplicate_of[1]", "there is no resource 'nami-helpine'", "did you mean 'nami-helpline'?"),
        (10, "not_duplicate_of[2]", "'nami-spanish' is this listing itself",
         "name the file (without .yaml) of the other listing")]
    assert [e.field for e in errors] == ["name", "not_duplicate_of[1]", "not_duplicate_of[2]"]


def test_without_changed_from_the_later_modified_file_is_blamed_and_the_other_named(with_nami):
    resources = with_nami / "resources"
    (resources / "a-nami.yaml").write_text(listing(name="NAMI Help Line"))  # sorts first, modified last
    [error] = errors_of(with_nami)
    assert error.path == "content/resources/a-nami.yaml" and "content/resources/nami-helpline.yaml" in error.problem


def test_name_and_website_keys():
    assert name_key("N.A.M.I. Help-Line") == name_key("nami  helpline") == "namihelpline"
    assert name_key("Meals on Wheels America") == name_key("Meals-On-Wheels, America") == "mealswheelsamerica"
    assert name_key("Women's Shelter & Services") == name_key("Womens Shelter") == "womensshelter"
    assert website_key("https://www.Example.org/Help/?lang=es") == website_key("http://example.org/help") \
        == "example.org/help"


# --- blame on the changed file (a git repository made here) ------------------------------------------

def git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


@pytest.fixture
def repository(content_dir):
    """content/ in a git repository: the NAMI listing committed, then a duplicate added in a second commit."""
    folder = content_dir.parent
    resources = content_dir / "resources"
    git(folder, "init", "-q", "-b", "main")
    (resources / "nami-helpline.yaml").write_text(NAMI)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "listings")
    (resources / "a-nami-help-line.yaml").write_text(listing(name='"N.A.M.I. Help Line"'))
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "a duplicate")
    # The existing listing was touched last and sorts last: only --changed-from can tell which file is new.
    os.utime(resources / "a-nami-help-line.yaml", (1_700_000_000, 1_700_000_000))
    return folder


def test_changed_from_blames_the_file_the_change_added(repository, runner, monkeypatch):
    monkeypatch.chdir(repository)
    result = runner.invoke(main, ["check", "content", "--format", "github", "--changed-from", "HEAD~1"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "::error file=content/resources/a-nami-help-line.yaml,line=1,title=Content check::name: likely the same "
        "service as content/resources/nami-helpline.yaml ('NAMI HelpLine'): same name (update "
        "content/resources/nami-helpline.yaml instead; if they are different services, add "
        "'not_duplicate_of: [nami-helpline]')"]
    without = runner.invoke(main, ["check", "content"])
    assert without.output.startswith("content/resources/nami-helpline.yaml:1: name: likely the same service as "
                                     "content/resources/a-nami-help-line.yaml")


def test_changed_from_counts_files_not_committed_yet(repository, runner, monkeypatch):
    monkeypatch.chdir(repository)
    git(repository, "reset", "-q", "--soft", "HEAD~1")
    git(repository, "reset", "-q")  # the duplicate is now an untracked file
    result = runner.invoke(main, ["check", "content", "--changed-from", "HEAD"])
    assert result.output.startswith("content/resources/a-nami-help-line.yaml:1: name: likely")


def test_changed_from_an_unknown_ref_or_outside_git_is_one_clear_line(repository, runner, monkeypatch,
                                                                     tmp_path_factory):
    monkeypatch.chdir(repository)
    result = runner.invoke(main, ["check", "content", "--changed-from", "origin/nowhere"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "there is no commit 'origin/nowhere' in this repository" in result.output
    outside = tmp_path_factory.mktemp("not-git") / "content"
    (repository / "content").rename(outside)
    result = runner.invoke(main, ["check", str(outside), "--changed-from", "main"])
    assert result.exit_code == 2 and "is not in a git repository; leave out --changed-from" in result.output
