"""The GitHub workflows, the listing template and CONTRIBUTING.md: linted, run, and in step with the schema."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel

from portal.cli import main
from portal.config import load_settings
from portal.content import ContentErrors, load_library
from portal.content.resource_models import Resource

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
TEMPLATE = ROOT / "content" / "resources" / "_template.yaml"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
LANGUAGES = ("en", "es", "zh", "vi", "ar")
# What GitHub puts in the expressions the steps use, for running the steps here.
GITHUB_VALUES = {
    "${{ github.server_url }}": "https://github.com",
    "${{ github.repository }}": "riverside-clinic/care-guide",
    "${{ steps.pages.outputs.base_url }}": "https://riverside-clinic.github.io/care-guide",
}


# --- the workflows -------------------------------------------------------------------------------

def _actionlint() -> str:
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    binary = shutil.which("actionlint", path=search)
    if binary is None:
        pytest.fail("actionlint is not installed; 'make install-test' installs it (pyproject test extra)")
    return binary


def _lint(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_actionlint(), "-no-color", "-oneline", *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def _workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def _step_running(job: dict, command: str) -> dict:
    steps = [step for step in _steps(job) if command in step.get("run", "")]
    assert steps, f"no step runs '{command}'"
    return steps[0]


def _step_using(job: dict, action: str) -> dict:
    steps = [step for step in _steps(job) if step.get("uses", "").startswith(action + "@")]
    assert steps, f"no step uses {action}"
    return steps[0]


def _site_folder(tmp_path: Path) -> Path:
    """A checkout-like folder: build.py and a copy of the small valid content library."""
    folder = tmp_path / "repo"
    shutil.copytree(FIXTURE_CONTENT, folder / "content")
    shutil.copy(ROOT / "build.py", folder / "build.py")
    return folder


def _run_step(step: dict, folder: Path, summary: Path, values: dict | None = None,
              runner_env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a workflow step's script with bash -e as the runner does, the portal's commands on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")} | (runner_env or {})
    for name, value in step.get("env", {}).items():
        for expression, actual in {**GITHUB_VALUES, "${{ github.base_ref }}": "", **(values or {})}.items():
            value = value.replace(expression, actual)
        assert "${{" not in value, f"no stand-in for the expression in {name}: {value}"
        env[name] = value
    env.update(PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
               GITHUB_STEP_SUMMARY=str(summary), PORTAL_CACHE_DIR="",
               PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]))  # this checkout's portal
    assert "${{" not in step["run"], "pass expressions to scripts through env, not inline"
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300)


def test_every_workflow_passes_actionlint():
    files = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
    assert {f.name for f in files} >= {"check.yml", "deploy.yml", "stale.yml", "hsds-sync.yml"}
    result = _lint(*files)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_finds_mistakes_in_a_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - uses: actions/checkout@v5\n        with:\n          fetch-deepth: 1\n"
                      "      - run: echo \"${{ github.event.pull_request.title }}\"\n")
    result = _lint(broken)
    assert result.returncode == 1
    assert 'input "fetch-deepth" is not defined' in result.stdout
    assert '"github.event.pull_request.title" is potentially untrusted' in result.stdout


def test_actions_are_pinned_to_major_versions():
    for file in sorted(WORKFLOWS.glob("*.yml")):
        for job in _workflow(file.name)["jobs"].values():
            for step in _steps(job):
                if "uses" in step:
                    assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), f"{file.name}: {step['uses']}"


def test_check_workflow_checks_content_builds_and_reports_on_pull_requests():
    workflow = _workflow("check.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    [job] = workflow["jobs"].values()
    assert "permissions" not in job
    python = _step_using(job, "actions/setup-python")["with"]
    assert (python["python-version"], python["cache"]) == ("3.11", "pip")
    commands = ("pip install -e .", "portal check --format github", "python build.py --output build",
                "portal report stale --format markdown")
    order = [_steps(job).index(_step_running(job, command)) for command in commands]
    assert order == sorted(order), f"the steps should run in this order: {commands}"
    report = _step_running(job, "portal report stale --format markdown")["run"]
    assert "portal report translations --format markdown" in report and '"$GITHUB_STEP_SUMMARY"' in report


def test_check_workflow_steps_pass_on_good_content_and_annotate_bad_lines(tmp_path):
    [job] = _workflow("check.yml")["jobs"].values()
    folder, summary = _site_folder(tmp_path), tmp_path / "summary.md"
    check = _step_running(job, "portal check --format github")
    problems = _step_running(job, "Each line: file:line")
    # The build step runs the same command as the deploy workflow's, which the deploy test runs.
    for step in (check, _step_running(job, "portal report stale")):
        result = _run_step(step, folder, summary)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "## Listings not verified in the last 180 days" in summary.read_text()
    assert "## Translations" in summary.read_text()

    pantry = folder / "content" / "resources" / "example-pantry.yaml"
    pantry.write_text(pantry.read_text().replace('zip: "92501"', "zip: 2501"))
    line = pantry.read_text().splitlines().index("      zip: 2501") + 1
    result = _run_step(check, folder, summary)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file=content/resources/example-pantry.yaml,line={line},title=Content check::"
        "locations[1].address.zip: '2501' is not a US ZIP code (write 5 digits in quotes, like \"92501\")"]
    assert _run_step(problems, folder, summary).returncode == 0
    assert (f"content/resources/example-pantry.yaml:{line}: locations[1].address.zip: '2501' is not a US ZIP code"
            in summary.read_text())


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def test_check_workflow_blames_a_duplicate_on_the_file_the_pull_request_changed(tmp_path):
    [job] = _workflow("check.yml")["jobs"].values()
    assert _step_using(job, "actions/checkout")["with"]["fetch-depth"] == 0  # the base branch's history
    folder, summary = _site_folder(tmp_path), tmp_path / "summary.md"
    _git(folder, "init", "-q", "-b", "main")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "the directory")
    _git(folder, "update-ref", "refs/remotes/origin/main", "HEAD")  # what actions/checkout fetches
    _git(folder, "switch", "-q", "-c", "new-listing")
    pantry = folder / "content" / "resources" / "example-pantry.yaml"
    (folder / "content" / "resources" / "a-pantry.yaml").write_text(
        pantry.read_text().replace("Example: Riverside Food Pantry", "Example - Riverside Food-Pantry"))
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "a listing that is already there")
    pantry.touch()  # the existing file is the later-modified one: only the pull request's base tells them apart
    check = _step_running(job, "portal check --format github")
    result = _run_step(check, folder, summary, {"${{ github.base_ref }}": "main"})
    assert result.returncode == 1
    [annotation] = result.stdout.splitlines()
    assert annotation.startswith("::error file=content/resources/a-pantry.yaml,line=1,title=Content check::name: "
                                 "likely the same service as content/resources/example-pantry.yaml")
    problems = _step_running(job, "Each line: file:line")
    assert _run_step(problems, folder, summary, {"${{ github.base_ref }}": "main"}).returncode == 0
    assert "content/resources/a-pantry.yaml:1: name: likely the same service" in summary.read_text()


def test_hsds_sync_workflow_fetches_the_feed_imports_it_and_proposes_a_pull_request(tmp_path):
    workflow = _workflow("hsds-sync.yml")
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert "gh pr create" in _step_running(job, "git push")["run"]
    # The fetch and import steps, run here on a feed exported from the fixture directory (curl reads file://).
    folder, summary = _site_folder(tmp_path), tmp_path / "summary.md"
    feed = tmp_path / "export"
    subprocess.run([str(Path(sys.executable).parent / "portal"), "export", "hsds", str(feed), "--content",
                    str(folder / "content")], check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    for name in ("crisis-line.yaml", "example-pantry.yaml"):
        (folder / "content" / "resources" / name).unlink()
    (tmp_path / "temp").mkdir()
    runner_env = {"RUNNER_TEMP": str(tmp_path / "temp"), "GITHUB_ENV": str(tmp_path / "github_env")}
    fetch = _run_step(_step_running(job, "curl"), folder, summary, {
        "${{ vars.HSDS_FEED_URL }}": (feed / "services.json").as_uri(), "${{ secrets.HSDS_FEED_TOKEN }}": ""},
        runner_env)
    assert fetch.returncode == 0, fetch.stderr
    [line] = (tmp_path / "github_env").read_text().splitlines()
    assert line == f"FEED={tmp_path / 'temp' / 'feed' / 'services.json'}"
    imported = _run_step(_step_running(job, "portal import hsds"), folder, summary, None,
                         {**runner_env, "FEED": line.removeprefix("FEED=")})
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "2 added, 0 changed, 0 unchanged, 0 gone" in (tmp_path / "temp" / "import.txt").read_text()
    assert sorted(p.name for p in (folder / "content" / "resources").iterdir()) == [
        "crisis-line.yaml", "example-pantry.yaml"]
    unset = _run_step(_step_running(job, "curl"), folder, summary, {
        "${{ vars.HSDS_FEED_URL }}": "", "${{ secrets.HSDS_FEED_TOKEN }}": ""}, runner_env)
    assert unset.returncode == 1 and "Set the repository variable HSDS_FEED_URL" in unset.stdout


def test_deploy_workflow_publishes_to_pages_with_its_address_and_problem_reports():
    workflow = _workflow("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    _step_using(deploy, "actions/deploy-pages")
    assert _step_using(build, "actions/configure-pages")["id"] == "pages"
    assert _step_using(build, "actions/upload-pages-artifact")["with"]["path"] == "build"
    step = _step_running(build, "python build.py --output build --base-url")
    assert step["env"]["PORTAL_REPORT_PROBLEM_TO"] == "${{ github.server_url }}/${{ github.repository }}"
    assert "${{ steps.pages.outputs.base_url }}" in " ".join(step["env"].values())


def test_deploy_build_step_makes_a_site_for_the_pages_address(tmp_path):
    build = _workflow("deploy.yml")["jobs"]["build"]
    folder = _site_folder(tmp_path)
    result = _run_step(_step_running(build, "python build.py"), folder, tmp_path / "summary.md")
    assert result.returncode == 0, result.stdout + result.stderr
    sitemap = (folder / "build" / "sitemap.xml").read_text()
    assert "<loc>https://riverside-clinic.github.io/care-guide/en/</loc>" in sitemap
    page = (folder / "build" / "en" / "resources" / "crisis-line" / "index.html").read_text()
    assert 'href="https://github.com/riverside-clinic/care-guide/issues/new?' in page
    assert 'href="/care-guide/static/' in page or 'href="https://riverside-clinic.github.io/care-guide/static/' in page


def test_stale_workflow_lists_listings_to_verify_and_fails_while_any_are_due(tmp_path):
    workflow = _workflow("stale.yml")
    assert workflow["on"]["schedule"] and workflow["permissions"] == {"contents": "read"}
    [job] = workflow["jobs"].values()
    step = _step_running(job, "portal report stale --format markdown")
    folder, summary = _site_folder(tmp_path), tmp_path / "summary.md"
    today = dt.date.today().isoformat()
    for file in (folder / "content" / "resources").glob("*.yaml"):
        file.write_text(re.sub(r"last_verified: .*", f"last_verified: {today}", file.read_text()))
    assert _run_step(step, folder, summary).returncode == 0
    assert "None: every one of the 2 listings was verified recently." in summary.read_text()
    pantry = folder / "content" / "resources" / "example-pantry.yaml"
    pantry.write_text(pantry.read_text().replace(f"last_verified: {today}", "last_verified: 2020-01-02"))
    assert _run_step(step, folder, summary).returncode == 1
    assert "| content/resources/example-pantry.yaml |" in summary.read_text()


def test_the_deploy_settings_are_ones_the_portal_accepts():
    settings = load_settings({"PORTAL_REPORT_PROBLEM_TO": "https://github.com/riverside-clinic/care-guide",
                              "PORTAL_BASE_URL": GITHUB_VALUES["${{ steps.pages.outputs.base_url }}"] + "/"},
                             environ={})
    assert settings["PORTAL_REPORT_PROBLEM_TO"] == "https://github.com/riverside-clinic/care-guide"
    assert settings["PORTAL_BASE_URL"] == "https://riverside-clinic.github.io/care-guide/"


# --- the listing template ------------------------------------------------------------------------

# What a contributor writes on each empty line of the template, by the line's place in it.
FILLED = {
    "name": "Riverside Food Bank",
    "organization.name": "Riverside Community Services",
    "organization.description": "A neighborhood group that runs the food bank and a clothing closet.",
    "organization.website": "https://www.example.org",
    "organization.email": "info@example.org",
    "description": ">-\n  Free bags of groceries once a week. Fresh fruit and vegetables when\n"
                   "  they have them. Staff can help you apply for SNAP (CalFresh).",
    "categories": "[food]",
    "eligibility": "Anyone who lives in Riverside County. Bring a photo ID.",
    "fees": '"$2 for a second bag"',
    "cost": "low-cost",
    "application_process": "Come during open hours. No appointment needed.",
    "interpretation_services": "Spanish-speaking staff on Saturdays.",
    "phones.number": '"(951) 555-0142"',
    "phones.extension": '"204"',
    "phones.description": "Front desk.",
    "phones.languages": "[en, es]",
    "website": "https://www.example.org/food-bank",
    "email": "food@example.org",
    "service_area.description": "Riverside, CA area",
    "service_area.states": "[CA]",
    "service_area.counties": '["Riverside County, CA"]',
    "service_area.zip_codes": '["92501", "92503"]',
    "locations.name": "Main pantry",
    "locations.address.street": "123 Main St",
    "locations.address.street2": "Suite 3",
    "locations.address.city": "Riverside",
    "locations.address.state": "CA",
    "locations.address.zip": '"92501"',
    "locations.latitude": "33.9806",
    "locations.longitude": "-117.3755",
    "locations.accessibility": "Ramp at the side door.",
    "locations.transportation": "Bus 1 stops in front.",
    "schedule.timezone": "America/Los_Angeles",
    "schedule.regular.days": "[tuesday, thursday]",
    "schedule.regular.opens": '"09:00"',
    "schedule.regular.closes": '"13:00"',
    "schedule.notes": "Closed on federal holidays.",
    "languages": "[en, es]",
    "last_verified": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
    "verified_by": "Dana Lee, community health worker",
    "not_duplicate_of": "[example-pantry]",
    "hsds_id": '"riverside-211-00042"',  # the same phone as the sample pantry of the test content
    "translations.es.status": "reviewed",
    "translations.es.reviewed_by": "Ana Ruiz, medical interpreter",
    "translations.es.name": "Banco de Comida de Riverside",
    "translations.es.description": "Bolsas de comida gratis una vez por semana.",
    "translations.es.eligibility": "Cualquier persona que viva en el condado de Riverside.",
    "translations.es.fees": '"$2 por una segunda bolsa"',
    "translations.es.application_process": "Venga en el horario de atención. No necesita cita.",
    "translations.es.interpretation_services": "Personal que habla español los sábados.",
    "translations.es.schedule_notes": "Cerrado los días feriados federales.",
}
KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- )?(?P<key>[a-z0-9_]+):(?P<value>.*)$")


def _fill(template: str, values: dict[str, str]) -> str:
    """The template with each empty value replaced, as a contributor edits it in the browser."""
    lines, stack = [], []
    for line in template.splitlines():
        match = KEY_LINE.match(line)
        if not match:
            lines.append(line)
            continue
        indent = len(match["indent"]) + len(match["dash"] or "")
        stack = [(i, key) for i, key in stack if i < indent] + [(indent, match["key"])]
        path = ".".join(key for _, key in stack)
        if match["value"].strip() in ("", "[]") and path in values:
            line = f"{match['indent']}{match['dash'] or ''}{match['key']}: {values[path]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _empty_values(data, path: str = "") -> list[str]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _empty_values(value, f"{path}.{key}".strip("."))]
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return [p for item in data for p in _empty_values(item, path)]
    return [path] if data is None or data == [] else []


def _without_optional_blocks(text: str) -> str:
    """Delete every optional top-level field with the indented lines under it."""
    required = {name for name, field in Resource.model_fields.items() if field.is_required()}
    lines, skipping = [], False
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            skipping = line.split(":")[0] not in required
        elif not line.strip():
            skipping = False
        if not skipping:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _model_in(annotation) -> type[BaseModel] | None:
    """The pydantic model inside a field's type (X, X | None, list[X], dict[str, X]), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for arg in typing.get_args(annotation) if (m := _model_in(arg))), None)


def _fields_missing(model: type[BaseModel], data, path: str = "") -> list[str]:
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, dict):
        return [f"{path} (a block of {', '.join(model.model_fields)})"]
    missing = []
    for name, field in model.model_fields.items():
        where = f"{path}.{name}".strip(".")
        if name not in data:
            missing.append(where)
        elif inner := _model_in(field.annotation):
            value = data[name]
            if typing.get_origin(field.annotation) is dict and isinstance(value, dict):
                value = next(iter(value.values()), None)
            missing += _fields_missing(inner, value, where)
    return missing


@pytest.fixture
def resources(content_dir) -> Path:
    return content_dir / "resources"


def test_template_is_skipped_by_the_loader(content_dir, resources):
    shutil.copy(TEMPLATE, resources / "_template.yaml")
    library = load_library(content_dir, LANGUAGES)
    assert sorted(library.resources) == ["crisis-line", "example-pantry"]


def test_template_shows_every_field_of_the_schema():
    missing = _fields_missing(Resource, yaml.safe_load(TEMPLATE.read_text(encoding="utf-8")))
    assert missing == [], f"add these fields, with a plain-language comment, to {TEMPLATE.name}"


def test_template_copied_without_filling_in_stops_on_each_required_field(content_dir, resources):
    shutil.copy(TEMPLATE, resources / "riverside-food-bank.yaml")
    with pytest.raises(ContentErrors) as raised:
        load_library(content_dir, LANGUAGES)
    assert {e.path for e in raised.value.errors} == {"content/resources/riverside-food-bank.yaml"}
    fields = {e.field for e in raised.value.errors}
    assert {"name", "description", "categories", "cost", "last_verified", "verified_by"} <= fields


def test_filled_in_template_is_a_valid_listing(content_dir, resources):
    text = _fill(TEMPLATE.read_text(encoding="utf-8"), FILLED)
    assert _empty_values(yaml.safe_load(text)) == [], "give these template lines a value in FILLED"
    (resources / "riverside-food-bank.yaml").write_text(text)
    food_bank = load_library(content_dir, LANGUAGES).resources["riverside-food-bank"].data
    assert (food_bank.name, food_bank.cost, food_bank.organization.name) == (
        "Riverside Food Bank", "low-cost", "Riverside Community Services")
    assert food_bank.phones[0].number == "(951) 555-0142" and food_bank.phones[0].type == "voice"
    assert food_bank.locations[0].address.one_line() == "123 Main St, Suite 3, Riverside, CA 92501"
    assert [(h.days, h.opens, h.closes) for h in food_bank.schedule.regular] == [
        (["tuesday", "thursday"], "09:00", "13:00")]
    assert food_bank.text("name", "es") == "Banco de Comida de Riverside"
    assert food_bank.example is False and food_bank.service_area.zip_codes == ["92501", "92503"]


def test_template_with_the_optional_parts_deleted_is_a_valid_listing(content_dir, resources):
    required = {k: v for k, v in FILLED.items() if "." not in k}
    text = _without_optional_blocks(_fill(TEMPLATE.read_text(encoding="utf-8"), required))
    assert set(yaml.safe_load(text)) == {n for n, f in Resource.model_fields.items() if f.is_required()}
    (resources / "riverside-food-bank.yaml").write_text(text)
    food_bank = load_library(content_dir, LANGUAGES).resources["riverside-food-bank"].data
    assert food_bank.categories == ["food"] and food_bank.verified_by == "Dana Lee, community health worker"
    assert (food_bank.phones, food_bank.locations, food_bank.schedule, food_bank.translations) == ([], [], None, {})


# --- CONTRIBUTING.md -----------------------------------------------------------------------------

def _section(markdown: str, heading: str) -> str:
    start = markdown.index(heading)
    end = markdown.find("\n## ", start + len(heading))
    return markdown[start:end if end != -1 else None]


def test_contributing_points_to_the_template_and_the_check():
    text = CONTRIBUTING.read_text(encoding="utf-8")
    for needed in ("content/resources/_template.yaml", "portal check --format github", "content/taxonomy.yaml",
                   "last_verified", "verified_by", "portal report stale", "make serve", "docs/content-format.md"):
        assert needed in text, f"CONTRIBUTING.md should mention {needed}"


def test_contributing_example_messages_are_what_the_check_prints(content_dir, resources):
    """The broken example in CONTRIBUTING.md gives exactly the messages it shows."""
    section = _section(CONTRIBUTING.read_text(encoding="utf-8"), "## Reading the check's messages")
    listing = re.search(r"```yaml\n(.*?)```", section, re.S)[1]
    shown = re.search(r"```text\n(.*?)```", section, re.S)[1].splitlines()
    assert len(shown) >= 3
    (resources / "riverside-food-bank.yaml").write_text(listing)
    result = CliRunner().invoke(main, ["check", str(content_dir)])
    assert result.exit_code == 1
    printed = [line.replace(str(content_dir.parent) + os.sep, "") for line in result.output.splitlines()
               if "riverside-food-bank.yaml:" in line]
    assert printed == shown
