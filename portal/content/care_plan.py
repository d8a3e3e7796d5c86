"""Care-plan goal templates (a guide's `care_plan` front matter): what `portal check` asks of them.

One page (`care_plan_problems`): goal ids unique; every step's `section` is the id of a heading of
this page in this language; `call_when` says when to call 911; no dose amounts; the numbers come
from the guide itself; each goal reads at the page's level (Flesch-Kincaid grade 8 in English,
INFLESZ 55 in Spanish); vague timing words are warned about.

A translation against its English page (`care_plan_translation_problems`): the same goal ids, the
same number of steps per goal, and every number of an English goal written in the translated one.
Like lost numbers (portal.content.safety), these are warnings while the translation is outdated.
"""
from __future__ import annotations

import difflib

from portal.content.body import writes_a_dose
from portal.content.errors import ContentError
from portal.content.readability import MAX_GRADE, MIN_INFLESZ, grade_of, inflesz_of
from portal.content.safety import english_numbers, numbers_in, page_text, vocabulary

FIELDS = ("goal", "measure", "call_when")  # a goal's own text fields; its steps' `text` come between


def headings(page) -> dict[str, str]:
    """The ids a step may name, each `##` section's and `###` subsection's in page order, with their titles."""
    found: dict[str, str] = {}
    for section in page.sections:
        if section.key != "intro":
            found.setdefault(section.key, section.title)
        for part in section.parts:
            if part.key != "intro":
                found.setdefault(part.key, part.title)
    return found


def heading_ids(page) -> list[str]:
    return list(headings(page))


def goal_texts(goal) -> list[tuple[tuple, str]]:
    """(field location inside the goal, text) of every text a reader sees, in reading order."""
    return ([(("goal",), goal.goal)] + [(("steps", index, "text"), step.text) for index, step in enumerate(goal.steps)]
            + [((name,), getattr(goal, name)) for name in FIELDS[1:]])


def goal_prose(goal) -> str:
    """The goal as the readability scores read it: each text one unit ending in a full stop."""
    return " ".join(text if text[-1] in ".!?:;。！？؟" else text + "." for _, text in goal_texts(goal))


def _field(index: int, loc: tuple = ()) -> str:
    name = f"care_plan[{index + 1}]"
    for part in loc:
        name += f"[{part + 1}]" if isinstance(part, int) else f".{part}"
    return name


def care_plan_problems(page, document) -> list[ContentError]:
    """Every problem of one page's care-plan goals, errors and warnings together."""
    goals = getattr(page.meta, "care_plan", [])
    if not goals:
        return []
    problems: list[ContentError] = []

    def report(index: int, loc: tuple, problem: str, fix: str, severity: str = "error") -> None:
        line = document.line_of(("care_plan", index, *loc))
        problems.append(ContentError(page.path, line, _field(index, loc), problem, fix, severity))

    ids = heading_ids(page)
    seen: dict[str, int] = {}
    headings = [title for section in page.sections for title in (section.title, *(p.title for p in section.parts))]
    written = numbers_in(" \n ".join([page_text(page), *headings]))
    vague = vocabulary().vague.get(page.lang)
    excepted = page.meta.readability_exception is not None
    for index, goal in enumerate(goals):
        if goal.id in seen:
            report(index, ("id",), f"the goal id '{goal.id}' is already used by care_plan[{seen[goal.id] + 1}]",
                   "give each goal its own id, the same in every language of this guide")
        seen.setdefault(goal.id, index)
        for step_index, step in enumerate(goal.steps):
            if step.section not in ids:
                close = difflib.get_close_matches(step.section, ids, n=1, cutoff=0.6)
                report(index, ("steps", step_index, "section"), f"this page has no heading '{step.section}'",
                       (f"did you mean '{close[0]}'? " if close else "")
                       + "write the id of a heading of this page: " + ", ".join(ids))
        if "911" not in goal.call_when:
            report(index, ("call_when",), "it does not say when to call 911",
                   "add the signs the guide's 'Call 911 if' list gives: 'Call 911 if I have chest pain.'")
        for loc, text in goal_texts(goal):
            if writes_a_dose(text):
                report(index, loc, "a dose amount is written", "keep dosing general: 'Take my medicines as my "
                                                               "doctor told me.'")
            if page.lang == "en":
                for number in sorted(english_numbers(text) - written):
                    report(index, loc, f"the guide never writes {number:g}",
                           "use the guide's own numbers, or add the fact (with its source) to the guide first")
            for match in vague.finditer(text) if vague else ():
                report(index, loc, f"'{match.group(1)}' does not tell the reader how much or how long",
                       vocabulary().vague_fix, "warning")
        problems += _readability(page, document, index, goal, excepted)
    return problems


def _readability(page, document, index: int, goal, excepted: bool) -> list[ContentError]:
    """A goal reads at the level the page must: FK grade at most 8 (English), INFLESZ at least 55 (Spanish)."""
    prose = goal_prose(goal)
    if page.lang == "en" and (grade := grade_of(prose)) > MAX_GRADE:
        problem = f"reading grade is {grade} (Flesch-Kincaid); at most {MAX_GRADE:g} is allowed"
        fix = "use shorter sentences and shorter words in the goal, its steps, measure and call_when; aim for grade 6"
    elif page.lang == "es" and (score := inflesz_of(prose)) < MIN_INFLESZ:
        problem = f"Szigriszt-Pazos score is {score} (INFLESZ); at least {MIN_INFLESZ} is required"
        fix = "use shorter sentences and shorter words, aim for 65 ('bastante fácil')"
    else:
        return []
    return [ContentError(page.path, document.line_of(("care_plan", index)), _field(index) + " readability", problem,
                         "allowed by the page's readability_exception" if excepted else fix,
                         "warning" if excepted else "error")]


def care_plan_translation_problems(english, translation, document, outdated: bool) -> list[ContentError]:
    """The translation's goals against the English ones: same ids, same steps, same numbers."""
    source = {goal.id: goal for goal in english.care_plan}
    goals = translation.care_plan
    severity = "warning" if outdated else "error"
    later = " (a warning while the English page is newer than this translation)" if outdated else ""
    problems: list[ContentError] = []

    def report(line: int, field: str, problem: str, fix: str) -> None:
        problems.append(ContentError(translation.path, line, field, problem, fix + later, severity))

    ids = [goal.id for goal in goals]
    missing = [goal_id for goal_id in source if goal_id not in ids]
    if missing:
        line = document.line_of(("care_plan",)) if goals else document.first_line
        report(line, "care_plan", "the English page has the goal(s) " + ", ".join(f"'{i}'" for i in missing)
               + " that this translation lacks", "translate each English goal under the same id")
    for index, goal in enumerate(goals):
        english_goal = source.get(goal.id)
        if english_goal is None:
            close = difflib.get_close_matches(goal.id, list(source), n=1, cutoff=0.6)
            report(document.line_of(("care_plan", index, "id")), _field(index, ("id",)),
                   f"the English page has no goal '{goal.id}'",
                   f"did you mean '{close[0]}'?" if close else
                   "use the id of an English goal" if source else "remove it, or add the goal to the English page first")
            continue
        if len(goal.steps) != len(english_goal.steps):
            report(document.line_of(("care_plan", index, "steps")), _field(index, ("steps",)),
                   f"has {len(goal.steps)} step(s); the English goal '{goal.id}' has {len(english_goal.steps)}",
                   "translate each English step, in the same order")
        texts = dict(goal_texts(goal))
        for loc, text in goal_texts(english_goal):
            translated = texts.get(loc)
            if translated is None:
                continue
            for number in sorted(english_numbers(text) - numbers_in(translated)):
                report(document.line_of(("care_plan", index, *loc)), _field(index, loc),
                       f"the English goal writes {number:g} here, this translation does not",
                       f"write the same number ({number:g}); numbers, phones and doses stay identical")
    return problems
