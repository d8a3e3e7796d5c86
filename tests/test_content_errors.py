"""Each broken content file gives the exact message a contributor sees, with file, line and fix."""
from __future__ import annotations

import shutil

import pytest
import yaml

from portal.cli import main
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
