"""The content safety lint in `portal check`: 911 lists, serious warnings, numbers in translations, vague timing."""
from __future__ import annotations

import re
from types import SimpleNamespace

from portal.cli import main
from portal.content.body import parse_body
from portal.content.safety import missing_numbers, numbers_in, quantities

HBP = "conditions/high-blood-pressure"


def check(runner, content_dir, monkeypatch):
    monkeypatch.chdir(content_dir.parent)
    return runner.invoke(main, ["check", "content"])


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def english_hash(runner, content_dir) -> str:
    """The English page's hash as `portal report translations` prints it (what translation.source names)."""
    row = next(line for line in runner.invoke(main, ["report", "translations", str(content_dir)]).output.splitlines()
               if line.startswith(f"{HBP.replace('conditions/', 'conditions/')}"))
    return re.findall(r"\b[0-9a-f]{12}\b", row)[0]


def test_empty_911_list_and_empty_serious_section_are_errors_reported_together(runner, content_dir, monkeypatch):
    edit(content_dir / "conditions/heart-failure/en.md", "- You cannot breathe.", "Call if it is bad.")
    edit(content_dir / "medications/lisinopril/en.md", "- Swelling of your face, lips or tongue.\n", "")
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("content/conditions/heart-failure/en.md:31: body: '### Call 911 if' lists no sign (list at least one "
            "concrete sign to call 911 for, as '- You cannot breathe.')") in lines
    assert ("content/medications/lisinopril/en.md:34: body: '## Serious side effects' is empty (list the most "
            "serious warnings the sources give (a boxed warning first))") in lines
    assert "2 error(s)." in result.output


def test_translation_that_loses_a_number_is_an_error_and_paired_units_count(runner, content_dir, monkeypatch):
    en, es = content_dir / HBP / "en.md", content_dir / HBP / "es.md"
    edit(en, "- Walk most days.", "- Walk 30 minutes most days.\n- Keep your blood sugar above 70 mg/dL "
                                   "(3.9 mmol/L).\n- Call if you gain more than 3 lb in a day.")
    edit(es, "- Camine casi todos los días.", "- Camine casi todos los días.\n- Mantenga su azúcar por encima "
                                              "de 3,9 mmol/L.\n- Llame si sube más de 1,4 kg en un día.")
    edit(es, "source: 9ec2e4701611", f"source: {english_hash(runner, content_dir)}")
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("content/")]
    assert errors == [f"content/{HBP}/es.md:27: numbers: the English page says '30 minutes' but this translation "
                      "never writes 30 (write the same number (30) in this translation; numbers, phones and doses "
                      "stay identical)"]
    edit(es, "- Camine casi todos los días.", "- Camine 30 minutos casi todos los días.")
    assert check(runner, content_dir, monkeypatch).exit_code == 0


def test_lost_number_in_an_outdated_translation_is_only_a_warning(runner, content_dir, monkeypatch):
    edit(content_dir / HBP / "en.md", "- Walk most days.", "- Walk 30 minutes most days.")
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (f"content/{HBP}/es.md:27: numbers: the English page says '30 minutes' but this translation never writes "
            "30") in result.output
    assert "a warning while the English page is newer than this translation" in result.output


def test_vague_timing_is_a_warning_with_a_suggestion(runner, content_dir, monkeypatch):
    edit(content_dir / "conditions/heart-failure/en.md", "- Weigh yourself each morning.",
         "- Weigh yourself each morning. Call if your weight goes up quickly.")
    edit(content_dir / HBP / "es.md", "- Coma menos sal.", "- Descanse unos minutos.")
    result = check(runner, content_dir, monkeypatch)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ("content/conditions/heart-failure/en.md:22: vague wording: 'quickly' does not tell the reader how much or "
            "how long (give the number the sources give, like 'more than 2 to 3 lb in a day or 5 lb in a week' or "
            "'after 5 minutes')") in lines
    assert any(line.startswith(f"content/{HBP}/es.md:30: vague wording: 'unos minutos'") for line in lines)


def page(text: str, lang: str = "en"):
    body = parse_body(text, 1, lang)
    return SimpleNamespace(summary="", meta=SimpleNamespace(teach_back=[]), sections=body.sections, path="x", lang=lang)


def test_numbers_are_read_in_each_language_way_of_writing_them():
    assert [(q.value, q.unit) for q in quantities("Lose 2 to 3 lb, or 1,000 mg/dL. Wait 10 seconds.")] == [
        (2.0, "lb"), (3.0, "lb"), (1000.0, "mg/dL"), (10.0, "seconds")]
    assert {3.9, 39.0} <= numbers_in("3,9 mmol/L")  # a decimal comma (es, vi), or a thousands one
    assert 70.0 in numbers_in("٧٠ ملغم/دل") and 3.9 in numbers_in("٣٫٩")  # Arabic-Indic digits and separator
    english = page("## What you can do\n\n- Keep it above 70 mg/dL (3.9 mmol/L).\n- Call at 100.4 °F.\n")
    assert missing_numbers(english, page("## Qué puede hacer\n\n- Más de 3,9 mmol/L.\n- A 38 °C.\n", "es")) == []
    assert missing_numbers(english, page("## ما يمكنك فعله\n\n- أكثر من ٧٠.\n- ٣٨ درجة.\n", "ar")) == []
    lost = missing_numbers(english, page("## Qué puede hacer\n\n- Más de 4 mmol/L.\n- A 38 °C.\n", "es"))
    assert [q.written for q in lost] == ["70 mg/dL", "3.9 mmol/L"]


SODIUM_ADVICE = {  # a milligram amount in a sentence about sodium or salt is diet advice, not a dose
    "en": "- Keep sodium between 1,500 and 2,300 mg each day.",
    "es": "- Mantenga el sodio entre 1,500 y 2,300 mg al día.",
    "zh": "- 每天的钠保持在 1,500 到 2,300 mg 之间。",
    "vi": "- Giữ natri trong khoảng 1,500 đến 2,300 mg mỗi ngày.",
    "ar": "- حافظ على الصوديوم بين 1,500 و 2,300 mg كل يوم.",
}
DOSES = {  # the same amount without sodium or salt in its sentence is a dose
    "en": "- Eat less salt. Take 500 mg each morning.",
    "es": "- Coma menos sal. Tome 500 mg cada mañana.",
    "zh": "- 少吃盐。每天早上服用 500 mg。",
    "vi": "- Ăn ít muối. Uống 500 mg mỗi sáng.",
    "ar": "- قلل الملح. خذ 500 mg كل صباح.",
}


def dose_lines(text: str, lang: str) -> list[int]:
    return [line for line, _field, problem, _fix in parse_body(text, 1, lang).unsafe if problem.startswith("a dose")]


def test_sodium_amounts_are_diet_advice_in_every_language_and_other_amounts_stay_doses():
    for lang in SODIUM_ADVICE:
        assert dose_lines(SODIUM_ADVICE[lang], lang) == [], lang
        assert dose_lines(DOSES[lang], lang) == [1], lang
    assert dose_lines("- Keep salt low and take 2 tablets.", "en") == [1]  # only milligrams count as diet advice
    assert dose_lines("- Read the note (ملحوظة): 500 mg.", "ar") == [1]  # a word that only contains ملح
