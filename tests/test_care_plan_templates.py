"""Care-plan goal templates in a guide's front matter: the model, `portal check`'s messages, and the library's guides."""
from __future__ import annotations

from pathlib import Path

import pytest

from portal import create_app
from portal.cli import main
from portal.content.body import parse_body
from portal.content.care_plan import heading_ids
from portal.content.library import load_library
from portal.content.pages import source_hash
from conftest import LANGUAGES, STARTER

HBP = "conditions/high-blood-pressure"

EN_PLAN = """care_plan:
  - id: lower-pressure
    goal: Lower my blood pressure
    steps:
      - text: Take my pills every day.
        section: what-you-can-do
      - text: Walk most days.
        section: move-more
    measure: Check my blood pressure at home and write it down.
    call_when: Call the clinic if I feel dizzy when I stand up. Call 911 if I have chest pain.
"""
ES_PLAN = """care_plan:
  - id: lower-pressure
    goal: Bajar mi presión arterial
    steps:
      - text: Tomar mis pastillas todos los días.
        section: what-you-can-do
      - text: Caminar casi todos los días.
        section: muévase-más
    measure: Medir mi presión en casa y apuntarla.
    call_when: Llamar a la clínica si me mareo al ponerme de pie. Llamar al 911 si tengo dolor en el pecho.
"""


def check(runner, content_dir, monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    return runner.invoke(main, ["check", "content"])


def write_plans(content_dir, en_plan: str = EN_PLAN, es_plan: str | None = ES_PLAN, current: bool = True) -> None:
    """Put the plans into the fixture's blood-pressure guide; the Spanish page translates the new English one."""
    en, es = content_dir / HBP / "en.md", content_dir / HBP / "es.md"
    en.write_text(en.read_text().replace("teach_back:", en_plan + "teach_back:", 1)
                  .replace("- Walk most days.\n", "- Walk most days.\n\n### Move more\n\n- Take the stairs.\n", 1))
    text = es.read_text().replace("- Camine casi todos los días.\n", "- Camine casi todos los días.\n\n"
                                  "### Muévase más\n\n- Use las escaleras.\n", 1)
    if es_plan is not None:
        text = text.replace("translation:", es_plan + "translation:", 1)
    if current:
        text = text.replace("source: 9ec2e4701611", f"source: {source_hash(en.read_bytes())}", 1)
    es.write_text(text)


def line_of(path: Path, needle: str, after: str = "") -> int:
    """The line number of the first line holding `needle` (after the first line holding `after`)."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def errors_of(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("content/")]


def test_a_valid_plan_passes_and_is_reachable_from_the_library(runner, content_dir, monkeypatch):
    write_plans(content_dir)
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    library = load_library(content_dir, ("en", "es"))
    spanish = library.conditions["high-blood-pressure"]["es"]
    assert spanish.care_plan == spanish.meta.care_plan
    goal = spanish.care_plan[0]
    assert (goal.id, goal.goal, [s.section for s in goal.steps]) == (
        "lower-pressure", "Bajar mi presión arterial", ["what-you-can-do", "muévase-más"])
    assert goal.call_when.endswith("Llamar al 911 si tengo dolor en el pecho.")
    assert library.page("condition", "heart-failure", "es").care_plan == []  # English fallback, no goals
    assert library.medications["lisinopril"]["en"].care_plan == []  # sheets have none


def test_heading_ids_are_the_pages_own_in_its_language():
    body = parse_body("## Qué puede hacer\n\n### Muévase más\n\n- Camine.\n\n## Cuándo pedir ayuda\n\n"
                      "### Llame al 911 si\n\n- Dolor.\n", 1, "es")
    page = type("P", (), {"sections": body.sections})
    assert heading_ids(page) == ["what-you-can-do", "muévase-más", "when-to-get-help", "emergency"]


def test_a_step_naming_a_heading_the_page_lacks_is_an_error_with_the_ids_to_use(runner, content_dir, monkeypatch):
    write_plans(content_dir, es_plan=ES_PLAN.replace("section: muévase-más", "section: muevase-mas"))
    result = check(runner, content_dir, monkeypatch)
    es = content_dir / HBP / "es.md"
    assert result.exit_code == 1
    assert errors_of(result) == [
        f"content/{HBP}/es.md:{line_of(es, 'section: muevase-mas')}: care_plan[1].steps[2].section: this page has no "
        "heading 'muevase-mas' (did you mean 'muévase-más'? write the id of a heading of this page: what-it-is, "
        "what-you-can-do, muévase-más, your-medicines, when-to-get-help, emergency, clinic, questions)"]


def test_a_goal_id_used_twice_is_an_error_on_the_second(runner, content_dir, monkeypatch):
    second = EN_PLAN.split("\n", 1)[1]
    write_plans(content_dir, en_plan=EN_PLAN + second, es_plan=ES_PLAN + ES_PLAN.split("\n", 1)[1])
    result = check(runner, content_dir, monkeypatch)
    en, es = content_dir / HBP / "en.md", content_dir / HBP / "es.md"
    assert result.exit_code == 1
    assert errors_of(result) == [
        f"content/{HBP}/en.md:{line_of(en, 'id: lower-pressure', after='call_when')}: care_plan[2].id: the goal id "
        "'lower-pressure' is already used by care_plan[1] (give each goal its own id, the same in every language "
        "of this guide)",
        f"content/{HBP}/es.md:{line_of(es, 'id: lower-pressure', after='call_when')}: care_plan[2].id: the goal id "
        "'lower-pressure' is already used by care_plan[1] (give each goal its own id, the same in every language "
        "of this guide)"]


def test_a_translation_missing_a_goal_or_with_an_extra_one_is_an_error(runner, content_dir, monkeypatch):
    write_plans(content_dir, es_plan=ES_PLAN.replace("id: lower-pressure", "id: lower-presure"))
    result = check(runner, content_dir, monkeypatch)
    es = content_dir / HBP / "es.md"
    assert result.exit_code == 1
    assert errors_of(result) == [
        f"content/{HBP}/es.md:{line_of(es, 'care_plan:')}: care_plan: the English page has the goal(s) "
        "'lower-pressure' that this translation lacks (translate each English goal under the same id)",
        f"content/{HBP}/es.md:{line_of(es, 'id: lower-presure')}: care_plan[1].id: the English page has no goal "
        "'lower-presure' (did you mean 'lower-pressure'?)"]


def test_a_translation_without_any_plan_is_an_error_on_its_first_line(runner, content_dir, monkeypatch):
    write_plans(content_dir, es_plan=None)
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 1
    assert errors_of(result) == [
        f"content/{HBP}/es.md:2: care_plan: the English page has the goal(s) 'lower-pressure' that this translation "
        "lacks (translate each English goal under the same id)"]


def test_an_outdated_translation_missing_goals_is_only_a_warning(runner, content_dir, monkeypatch):
    write_plans(content_dir, es_plan=None, current=False)
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (f"content/{HBP}/es.md:2: care_plan: the English page has the goal(s) 'lower-pressure' that this "
            "translation lacks (translate each English goal under the same id (a warning while the English page is "
            "newer than this translation))") in result.output.splitlines()


def test_a_translation_with_other_steps_or_numbers_is_an_error(runner, content_dir, monkeypatch):
    en_plan = EN_PLAN.replace("section: move-more\n", "section: move-more\n      - text: Eat less salt.\n"
                              "        section: what-you-can-do\n").replace("I feel dizzy when I stand up",
                                                                             "I feel dizzy for more than 1 day")
    en = content_dir / HBP / "en.md"
    en.write_text(en.read_text().replace("- You feel dizzy when you stand up.", "- You feel dizzy for more than 1 day."))
    es = content_dir / HBP / "es.md"
    es.write_text(es.read_text().replace("- Se siente mareado al ponerse de pie.", "- Se siente mareado más de 1 día."))
    write_plans(content_dir, en_plan=en_plan, es_plan=ES_PLAN.replace("me mareo al ponerme de pie",
                                                                      "me mareo más de un día"))
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 1
    assert errors_of(result) == [
        f"content/{HBP}/es.md:{line_of(es, 'steps:')}: care_plan[1].steps: has 2 step(s); the English goal "
        "'lower-pressure' has 3 (translate each English step, in the same order)",
        f"content/{HBP}/es.md:{line_of(es, 'call_when:')}: care_plan[1].call_when: the English goal writes 1 here, "
        "this translation does not (write the same number (1); numbers, phones and doses stay identical)"]


def test_a_goal_above_the_reading_level_is_an_error_in_english_and_in_spanish(runner, content_dir, monkeypatch):
    hard_en = ("Systematically administer antihypertensive pharmacotherapy consistently, recognizing "
               "cardiovascular complications necessitating professional evaluation.")
    hard_es = ("Administrar sistemáticamente farmacoterapia antihipertensiva, reconociendo complicaciones "
               "cardiovasculares que necesitan evaluación profesional inmediata.")
    write_plans(content_dir, en_plan=EN_PLAN.replace("Take my pills every day.", hard_en),
                es_plan=ES_PLAN.replace("Tomar mis pastillas todos los días.", hard_es))
    result = check(runner, content_dir, monkeypatch)
    en, es = content_dir / HBP / "en.md", content_dir / HBP / "es.md"
    errors = errors_of(result)
    assert result.exit_code == 1 and len(errors) == 2, result.output
    assert errors[0].startswith(f"content/{HBP}/en.md:{line_of(en, '- id: lower-pressure')}: care_plan[1] "
                                "readability: reading grade is ")
    assert errors[0].endswith("(Flesch-Kincaid); at most 8 is allowed (use shorter sentences and shorter words in the "
                              "goal, its steps, measure and call_when; aim for grade 6)")
    assert errors[1].startswith(f"content/{HBP}/es.md:{line_of(es, '- id: lower-pressure')}: care_plan[1] "
                                "readability: Szigriszt-Pazos score is ")
    assert errors[1].endswith("(INFLESZ); at least 55 is required (use shorter sentences and shorter words, aim "
                              "for 65 ('bastante fácil'))")


def test_a_missing_or_empty_call_when_and_one_without_911_are_errors(runner, content_dir, monkeypatch):
    en_plan = EN_PLAN.replace("    call_when: Call the clinic if I feel dizzy when I stand up. Call 911 if I have "
                              "chest pain.\n", "")
    es_plan = ES_PLAN.replace(" Llamar al 911 si tengo dolor en el pecho.", "")
    write_plans(content_dir, en_plan=en_plan, es_plan=es_plan)
    result = check(runner, content_dir, monkeypatch)
    en, es = content_dir / HBP / "en.md", content_dir / HBP / "es.md"
    assert result.exit_code == 1
    assert errors_of(result) == [
        f"content/{HBP}/en.md:{line_of(en, '- id: lower-pressure')}: care_plan[1].call_when: is required but missing "
        "(add 'call_when: \"Call the clinic if ... Call 911 if ...\"')",
        f"content/{HBP}/es.md:{line_of(es, 'call_when:')}: care_plan[1].call_when: it does not say when to call 911 "
        "(add the signs the guide's 'Call 911 if' list gives: 'Call 911 if I have chest pain.')"]


def test_doses_and_numbers_the_guide_never_gives_are_errors(runner, content_dir, monkeypatch):
    write_plans(content_dir, en_plan=EN_PLAN.replace("Take my pills every day.", "Take 2 pills every day.")
                .replace("Walk most days.", "Walk 45 minutes most days."),
                es_plan=ES_PLAN.replace("Tomar mis pastillas", "Tomar 2 pastillas").replace("Caminar", "Caminar 45 "
                                                                                              "minutos"))
    result = check(runner, content_dir, monkeypatch)
    en = content_dir / HBP / "en.md"
    line = line_of(en, "Take 2 pills")
    assert result.exit_code == 1
    assert errors_of(result) == [
        f"content/{HBP}/en.md:{line}: care_plan[1].steps[1].text: a dose amount is written (keep dosing general: "
        "'Take my medicines as my doctor told me.')",
        f"content/{HBP}/en.md:{line}: care_plan[1].steps[1].text: the guide never writes 2 (use the guide's own "
        "numbers, or add the fact (with its source) to the guide first)",
        f"content/{HBP}/en.md:{line + 2}: care_plan[1].steps[2].text: the guide never writes 45 (use the guide's own "
        "numbers, or add the fact (with its source) to the guide first)"]


def test_a_plan_without_steps_or_with_an_unknown_field_says_what_to_write(runner, content_dir, monkeypatch):
    en_plan = EN_PLAN.replace("    steps:\n      - text: Take my pills every day.\n        section: what-you-can-do\n"
                              "      - text: Walk most days.\n        section: move-more\n", "    steps: []\n"
                              ).replace("measure:", "mesure:")
    write_plans(content_dir, en_plan=en_plan, es_plan=None, current=False)
    result = check(runner, content_dir, monkeypatch)
    en = content_dir / HBP / "en.md"
    assert result.exit_code == 1
    assert errors_of(result) == [
        f"content/{HBP}/en.md:{line_of(en, '- id: lower-pressure')}: care_plan[1].measure: is required but missing "
        "(add 'measure: \"Weigh every morning and write it down.\"')",
        f"content/{HBP}/en.md:{line_of(en, 'steps: []')}: care_plan[1].steps: has 0 item(s) (give at least 1)",
        f"content/{HBP}/en.md:{line_of(en, 'mesure:')}: care_plan[1].mesure: is not a known field (remove it, or "
        "check its spelling and indentation)"]


# --- the library's own guides ---------------------------------------------------------------------

GUIDES_WITH_PLANS = ["type-2-diabetes", "heart-failure", "high-blood-pressure", "copd", "asthma",
                     "chronic-kidney-disease", "coronary-artery-disease", "atrial-fibrillation", "depression",
                     "high-cholesterol", "prediabetes", "osteoarthritis"]


@pytest.fixture(scope="module")
def library():
    return load_library(STARTER, LANGUAGES)


@pytest.mark.parametrize("slug", GUIDES_WITH_PLANS)
def test_the_guides_carry_goal_templates_in_every_language_they_have(library, slug):
    versions = library.conditions[slug]
    on_disk = sorted(path.stem for path in (STARTER / "conditions" / slug).glob("*.md"))
    assert sorted(versions) == on_disk
    english = [goal.id for goal in versions["en"].care_plan]
    assert 2 <= len(english) <= 4, english
    for lang, page in versions.items():
        assert [goal.id for goal in page.care_plan] == english, lang
        assert all("911" in goal.call_when and goal.steps for goal in page.care_plan), lang
        if lang != "en":
            assert library.translation_status("condition", slug, lang) == "machine", lang


def test_the_guide_page_shows_its_goals_with_links_to_the_headings_they_come_from(content_dir):
    write_plans(content_dir)
    app = create_app({"PORTAL_CONTENT_DIR": str(content_dir)})
    html = app.test_client().get("/es/conditions/high-blood-pressure/").data.decode()
    section = html[html.index('<section class="care-goals"'):]
    section = section[:section.index("</section>")]
    assert '<h2 id="s-care-goals">Metas que puede fijar con su equipo de atención</h2>' in section
    assert "<h3>Bajar mi presión arterial</h3>" in section
    assert "<li>Caminar casi todos los días.</li>" in section
    assert ('Lea más: <a href="#s-what-you-can-do">Qué puede hacer</a>, <a href="#s-muévase-más">Muévase más</a>'
            in section)
    assert '<h3 id="s-muévase-más">Muévase más</h3>' in html  # the link's target exists
    assert '<a href="tel:911">911</a> si tengo dolor en el pecho.' in section
    english = app.test_client().get("/en/conditions/heart-failure/").data.decode()
    assert "care-goals" not in english  # no goals, no section
