"""Care-plan goal templates for a copy of the small fixture library, and request bodies of the plan tests.

The fixture guides carry no `care_plan` of their own (other tests count their lines); the plan tests
add these templates to their own copy: two goals for heart failure (English only, so a Spanish plan
falls back to English) and one for high blood pressure in English and Spanish.
"""
from __future__ import annotations

from pathlib import Path

HEART_FAILURE = """care_plan:
  - id: steady-weight
    goal: Keep my weight steady
    steps:
      - text: Weigh myself each morning.
        section: what-you-can-do
      - text: Eat less salt.
        section: what-you-can-do
    measure: Weigh each morning and write it down.
    call_when: Call the clinic if your weight goes up and your legs swell more than usual. Call 911 if you cannot breathe.
  - id: know-when-to-call
    goal: Know when to get help
    steps:
      - text: Keep the clinic's number by the phone.
        section: when-to-get-help
    measure: Say the signs that mean you call.
    call_when: Call the clinic if your feet or legs swell more than usual. Call 911 if you cannot breathe.
"""
BLOOD_PRESSURE = {"en": """care_plan:
  - id: walk-more
    goal: Walk more
    steps:
      - text: Walk most days.
        section: what-you-can-do
      - text: Take your pills every day.
        section: what-you-can-do
    measure: Write down each day you walk.
    call_when: Call the clinic if you feel dizzy when you stand up. Call 911 if you have chest pain.
""", "es": """care_plan:
  - id: walk-more
    goal: Caminar más
    steps:
      - text: Camine casi todos los días.
        section: what-you-can-do
      - text: Tome sus pastillas todos los días.
        section: what-you-can-do
    measure: Anote cada día que camina.
    call_when: Llame a su clínica si se siente mareado al ponerse de pie. Llame al 911 si tiene dolor en el pecho.
"""}


def _insert(path: Path, block: str) -> None:
    """Put `block` at the end of the file's front matter."""
    text = path.read_text()
    end = text.index("\n---\n", 4) + 1
    path.write_text(text[:end] + block + text[end:])


def add_goal_templates(content_dir: Path) -> Path:
    """Give the fixture guides their goal templates (the Spanish page follows its English page's new hash)."""
    from portal.content.pages import source_hash

    conditions = Path(content_dir) / "conditions"
    _insert(conditions / "heart-failure" / "en.md", HEART_FAILURE)
    english = conditions / "high-blood-pressure" / "en.md"
    _insert(english, BLOOD_PRESSURE["en"])
    spanish = conditions / "high-blood-pressure" / "es.md"
    _insert(spanish, BLOOD_PRESSURE["es"])
    new_hash = source_hash(english.read_bytes())
    text = spanish.read_text()
    start = text.index("  source: ") + len("  source: ")
    spanish.write_text(text[:start] + new_hash + text[start + 12:])
    return Path(content_dir)


def template_plan(**goal_changes) -> dict:
    """A plan of the heart-failure weight goal, with `goal_changes` on that goal."""
    return {"goals": [{"guide": "heart-failure", "template": "steady-weight", **goal_changes}]}


def written_goal(**changes) -> dict:
    goal = {"goal": "Sleep better", "steps": ["Go to bed at the same time.", "No coffee after noon."],
            "measure": "Write down the hours slept.", "call_when": "Call the clinic if you cannot sleep for a week."}
    goal.update(changes)
    return goal
