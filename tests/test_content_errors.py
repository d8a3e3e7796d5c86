"""Each broken content file gives the exact message a contributor sees, with file, line and fix."""
from __future__ import annotations

import shutil

import pytest
import yaml
from hypothesis import given, settings, strategies as st
from pydantic import BaseModel, Field, ValidationError

from portal.cli import main
from portal.content.frontmatter import YamlDocument
from portal.content.links import link_problem
from portal.content.models import Translation
from portal.content.resource_models import Category, OpenEligibilityTerm
from portal.content.schema_errors import schema_errors
from conftest import FIXTURES

CASES = yaml.safe_load((FIXTURES / "broken" / "cases.yaml").read_text())


def _broken_file(name: str) -> str:
    return next(p for p in (FIXTURES / "broken").iterdir() if p.stem == name).read_text()


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_content_gives_exact_message(name, content_dir, runner, monkeypatch):
    case = CASES[name]
    target = content_dir / case["target"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_broken_file(name))
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for expected in case["expect"]:
        assert expected in lines, f"missing:\n{expected}\ngot:\n{result.output}"
    assert f"{len(case['expect'])} error(s). Fix them and run 'portal check' again." in lines, result.output


def test_every_error_is_reported_at_once(content_dir, runner, monkeypatch):
    """Five broken files at once: all of their errors come out in one run."""
    names = ["missing-title", "bad-date", "too-few-teach-back", "resource-five-mistakes", "loose-file"]
    for index, name in enumerate(names):
        target = content_dir / CASES[name]["target"].replace("broken", f"broken-{index}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_broken_file(name))
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("content/")]
    assert len({line.split(":")[0] for line in errors}) == 5
    assert len(errors) >= 9
    assert f"{len(errors)} error(s)." in result.output


def test_github_format_annotates_the_line(content_dir, runner, monkeypatch):
    (content_dir / "resources" / "broken.yaml").write_text(_broken_file("resource-five-mistakes"))
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content", "--format", "github"])
    assert result.exit_code == 1
    assert ("::error file=content/resources/broken.yaml,line=7,title=Content check::phones[1].number: '555-12' is "
            "not a US phone number (write 10 digits with the area code, like \"1-800-662-4357\" or \"(951) 555-0142\")"
            ) in result.output.splitlines()


def test_valid_content_passes(content_dir, runner, monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content"])
    assert result.exit_code == 0, result.output
    assert "Content is valid: 5 pages, 2 resources." in result.output


def test_readability_exception_turns_the_error_into_a_reported_warning(content_dir, runner, monkeypatch):
    text = _broken_file("hard-to-read").replace(
        "teach_back:", "readability_exception:\n  reason: Reviewed wording for a test.\n"
        "  reviewed_by: Dana Lee, RN\n  reviewed_on: 2026-11-01\nteach_back:")
    (content_dir / "conditions" / "high-blood-pressure" / "en.md").write_text(text)
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(main, ["check", "content"])
    assert result.exit_code == 0, result.output
    assert "reading grade is" in result.output and "allowed by the page's readability_exception" in result.output
    report = runner.invoke(main, ["report", "readability", "content"])
    assert "yes: Reviewed wording for a test. (Dana Lee, RN)" in report.output


def test_missing_content_folder_is_a_clear_error(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", "nowhere"])
    assert result.exit_code == 1
    assert ("nowhere:1: content: the content folder does not exist (give the folder that holds conditions/, "
            "medications/, topics/ and resources/)") in result.output


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30),
                 st.builds("{}:{}".format, st.sampled_from(["https", "http", "javascript", "data", "ftp", "sms", "tel",
                                                            "JaVa\tscript", "mailto", " https"]),
                           st.text(max_size=20))))
def test_every_link_the_site_check_refuses_the_content_check_refuses_too(url):
    """One judgement, two places: the content check is never more lenient than the built-site check."""
    if link_problem(url, in_source=False) is not None:
        assert link_problem(url) is not None


def test_site_paths_are_allowed_only_in_built_pages():
    assert link_problem("/en/conditions/asthma/", in_source=False) is None
    assert link_problem("#when-to-get-help", in_source=False) is None
    assert link_problem("/en/conditions/asthma/") is not None and link_problem("#when-to-get-help") is not None
    assert link_problem("condition:asthma") is None and link_problem("https://medlineplus.gov/") is None


@pytest.mark.parametrize("model, data, expected", [
    (Translation, {"status": "machine", "source": "XYZ"},
     "source: 'xyz' is not a page hash (copy the 12 letters and digits that 'portal report translations' prints "
     "for the English page)"),
    (OpenEligibilityTerm, {"code": "11", "name": "Food"},
     "code: '11' is not an Open Eligibility code (write only its digits, in quotes, like \"1130\")"),
    (Category, {"id": "food", "name": "Food", "description": "Food", "open_eligibility": {"code": "1130", "name": "F"},
                "translations": {"Spanish": {"name": "Comida", "description": "Comida"}}},
     "translations.Spanish[key]: 'Spanish' is not a language code (write the language's two- or three-letter code "
     "in lower case, like en, es or zh)"),
])
def test_code_fields_say_what_to_write_never_a_regular_expression(model, data, expected):
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    messages = [str(error).partition(": ")[2] for error in
                schema_errors(raised.value, YamlDocument(data), "x.yaml", model)]
    assert messages == [expected]


def test_a_pattern_mismatch_never_shows_the_pattern():
    class Coded(BaseModel):
        code: str = Field(pattern=r"^[A-Z]{3}\d$")

    with pytest.raises(ValidationError) as raised:
        Coded.model_validate({"code": "abc"})
    [error] = schema_errors(raised.value, YamlDocument({"code": "abc"}), "x.yaml", Coded)
    assert r"[A-Z]" not in str(error) and "^" not in str(error)
    assert error.fix == "see docs/content-format.md for what this field holds"
