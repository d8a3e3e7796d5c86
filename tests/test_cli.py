"""The portal command as a contributor meets it: reports, and clear stops on bad content."""
from __future__ import annotations

from portal.cli import main


def test_readability_report_as_markdown(content_dir, runner):
    result = runner.invoke(main, ["report", "readability", str(content_dir), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "## Readability (Flesch-Kincaid grade: at most 8, aim for 6)"
    assert lines[1].startswith("4 pages; median grade ")
    assert "| page | grade | words | PEMAT | long sentences | unexplained terms | exception |" in lines
    rows = [line for line in lines if line.startswith("| content/")]
    assert len(rows) == 4 and all("| 6/6 |" in row for row in rows)


def test_readability_report_lists_long_sentences_and_unexplained_terms(content_dir, runner):
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    guide.write_text(guide.read_text().replace(
        "You may feel tired or short of breath.",
        "You may feel tired or short of breath when you walk up the stairs or carry the shopping home from "
        "the store on a hot day. Edema can show up in your legs."))
    result = runner.invoke(main, ["report", "readability", str(content_dir)])
    assert result.exit_code == 0, result.output
    assert ("  long sentence: You may feel tired or short of breath when you walk up the stairs or carry the "
            "shopping home from the store on a hot day.") in result.output.splitlines()
    assert "  explain where first used: edema" in result.output.splitlines()


def test_serve_stops_with_the_error_list_on_bad_content(content_dir, runner):
    (content_dir / "resources" / "crisis-line.yaml").write_text("name: x\n")
    result = runner.invoke(main, ["serve", "--content", str(content_dir)])
    assert result.exit_code == 1
    assert "crisis-line.yaml:1: description: is required but missing" in result.output


def test_bad_setting_stops_every_command_with_the_fix(runner, monkeypatch):
    monkeypatch.setenv("PORTAL_LANGUAGES", "es")
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert "PORTAL_LANGUAGES: English ('en') must come first: it is the source language" in result.output


def test_serve_preview_reloads_saved_content_and_shows_errors(app, content_dir):
    from portal.watch import watch_content

    watch_content(app)
    client = app.test_client()
    guide = content_dir / "conditions" / "heart-failure" / "en.md"
    assert "Read food labels" not in client.get("/en/conditions/heart-failure/").data.decode()
    guide.write_text(guide.read_text().replace("Eat less salt.", "Eat less salt. Read food labels."))
    assert "Read food labels" in client.get("/en/conditions/heart-failure/").data.decode()
    original = guide.read_text()
    guide.write_text(original.replace("title: Heart failure\n", ""))
    response = client.get("/en/conditions/heart-failure/")
    assert response.status_code == 500
    assert "heart-failure/en.md:2: title: is required but missing" in response.data.decode()
    guide.write_text(original)
    assert client.get("/en/conditions/heart-failure/").status_code == 200


def test_serve_preview_serves_the_last_builds_search_index(app, tmp_path):
    from portal.cli import serve_search_index

    assert serve_search_index(app, str(tmp_path / "missing")) is False
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "pagefind.js").write_text("export const search = 1;")
    assert serve_search_index(app, str(tmp_path / "pagefind")) is True
    response = app.test_client().get("/pagefind/pagefind.js")
    assert response.status_code == 200 and b"export const search" in response.data
    response.close()
    # No delta index beside it: the search still learns there is none, without a 404 in the console.
    response = app.test_client().get("/pagefind-delta/state.json")
    assert response.status_code == 200 and response.get_json() == {"delta": False}
    response.close()
    (tmp_path / "pagefind-delta").mkdir()
    (tmp_path / "pagefind-delta" / "state.json").write_text('{"delta": true, "hide_base": [], "hide_delta": []}')
    response = app.test_client().get("/pagefind-delta/state.json")
    assert response.status_code == 200 and response.get_json()["delta"] is True
    response.close()
