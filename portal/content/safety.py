"""The content safety lint: what `portal check` asks of every page beyond its schema.

- a guide or topic's `### Call 911 if` lists at least one sign; a sheet's serious side effects are written;
- every number with a unit in the English page reaches each translation (a declared unit pair,
  mg/dL and mmol/L, counts as the same number; decimal commas and Arabic-Indic digits are read);
- vague timing words in instructions ("quickly", "a few minutes") are reported with a suggestion.

The vocabulary (units, unit pairs, vague phrases) is data: portal/content/safety.yaml.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from portal.content.errors import ContentError
from portal.content.sections import section_id

_TAGS = re.compile(r"<[^>]+>")
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
# Arabic-Indic and Extended Arabic-Indic digits, and the Arabic decimal and thousands separators.
_DIGITS = str.maketrans({**{chr(0x660 + i): str(i) for i in range(10)}, **{chr(0x6F0 + i): str(i) for i in range(10)},
                         "\u066b": ".", "\u066c": ","})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
INSTRUCTION_SECTIONS = {"what-you-can-do", "how-to-take-it", "when-to-get-help", "what-to-avoid"}


@dataclass(frozen=True)
class Vocabulary:
    unit_pattern: re.Pattern  # a number (or range) then an English unit
    unit_of: dict[str, str]  # English spelling (case-folded) -> unit id
    pairs: list[dict]
    vague: dict[str, re.Pattern]
    vague_fix: str


@cache
def vocabulary() -> Vocabulary:
    data = yaml.safe_load((Path(__file__).with_name("safety.yaml")).read_text(encoding="utf-8"))
    unit_of = {spelling.casefold(): unit for unit, spellings in data["units"].items() for spelling in spellings}
    spellings = "|".join(re.escape(s) for s in sorted(unit_of, key=len, reverse=True))
    number = r"\d[\d,]*(?:\.\d+)?"
    pattern = re.compile(rf"({number})(?:\s*(?:to|-|–|or|and)\s*({number}))?\s*({spellings})(?![^\W\d_])", re.I)
    vague = {lang: re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)", re.I)
             for lang, phrases in data["vague"].items() if phrases}
    return Vocabulary(pattern, unit_of, data["pairs"], vague, data["vague_fix"])


def text_of(fragment: str) -> str:
    return html.unescape(_TAGS.sub(" ", fragment))


# --- one page ----------------------------------------------------------------------------------

def page_problems(page, body: str, first_line: int) -> list[ContentError]:
    """The 911 list has an item, a sheet's serious side effects are written, and no vague timing."""
    problems = []
    help_section = page.section("when-to-get-help")
    emergency = next((p for p in help_section.parts if p.key == "emergency"), None) if help_section else None
    if emergency is not None and "<li>" not in emergency.html:
        problems.append(ContentError(page.path, emergency.line, "body", f"'### {emergency.title}' lists no sign",
                                     "list at least one concrete sign to call 911 for, as '- You cannot breathe.'"))
    serious = page.section("serious-side-effects") if page.kind == "medication" else None
    if serious is not None and not text_of(serious.html).strip():
        problems.append(ContentError(page.path, serious.line, "body", f"'## {serious.title}' is empty",
                                     "list the most serious warnings the sources give (a boxed warning first)"))
    return problems + vague_warnings(page.path, page.lang, body, first_line)


def vague_warnings(path: str, lang: str, body: str, first_line: int) -> list[ContentError]:
    """Vague timing words in list items, or anywhere in the action and help sections."""
    words = vocabulary()
    pattern = words.vague.get(lang)
    if pattern is None or not pattern.search(body):  # a phrase found in a line is found in the body too
        return []
    warnings, section = [], None
    for number, line in enumerate(body.splitlines(), start=first_line):
        if line.startswith("## "):
            section = section_id(line[3:], lang)
            continue
        if not (_LIST_ITEM.match(line) or section in INSTRUCTION_SECTIONS):
            continue
        for match in pattern.finditer(line):
            warnings.append(ContentError(path, number, "vague wording",
                                         f"'{match.group(1)}' does not tell the reader how much or how long",
                                         words.vague_fix, "warning"))
    return warnings


# --- a translation against its English page ----------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    written: str  # as the English page writes it: "70 mg/dL"
    section: str = ""  # the key of the section it is in ("" for the summary and teach-back questions)


def _english_number(text: str) -> float:
    return float(text.replace(",", ""))


def page_text(page) -> str:
    parts = [page.summary, *page.meta.teach_back, *(text_of(s.html) for s in page.sections)]
    return " \n ".join(parts)


def page_quantities(page) -> list[Quantity]:
    """The quantities of a page, each with the section it is in."""
    found = quantities(" \n ".join([page.summary, *page.meta.teach_back]))
    for section in page.sections:
        found += [Quantity(q.value, q.unit, q.written, section.key) for q in quantities(text_of(section.html))]
    return found


def quantities(text: str) -> list[Quantity]:
    """Every number with a unit in English text; both ends of a range ("2 to 3 lb")."""
    words, found = vocabulary(), []
    for match in words.unit_pattern.finditer(text):
        unit = words.unit_of[match.group(3).casefold()]
        for number in filter(None, (match.group(1), match.group(2))):
            if number.strip(","):
                found.append(Quantity(_english_number(number.rstrip(",")), unit, match.group(0).strip()))
    return found


def numbers_in(text: str) -> set[float]:
    """Every number a translation writes, read both ways where the separator is ambiguous (3,9 or 3.9; 1.000)."""
    values = set()
    for token in _NUMBER.findall(text.translate(_DIGITS)):
        for decimal, group in ((".", ","), (",", ".")):
            whole, _, fraction = token.rpartition(decimal) if decimal in token else (token, "", "")
            try:
                values.add(float(whole.replace(group, "") + ("." + fraction if fraction else "")))
            except ValueError:
                continue
    return values


def english_numbers(text: str) -> set[float]:
    """Every number English text writes, its commas grouping thousands ("2,300" is 2300)."""
    return {_english_number(token) for token in _NUMBER.findall(text)}


def _close(expected: float, written: float) -> bool:
    """Whether `written` is `expected` as a writer would round it: to the decimals written (3.9 for 3.885),
    or a whole number within 2% (38 for 38.0; not 4 for 3.885)."""
    if abs(written - round(written)) > 1e-9:
        decimals = 1 if abs(written - round(written, 1)) < 1e-9 else 2
        return abs(round(expected, decimals) - written) < 1e-9
    return abs(expected - written) <= max(0.02 * abs(expected), 1e-9)


def equivalents(quantity: Quantity) -> list[float]:
    """The quantity's number, and its value in the other unit of each declared pair."""
    values = [quantity.value]
    for pair in vocabulary().pairs:
        offset = pair.get("offset", 0)
        for factor in pair["factors"]:
            if quantity.unit == pair["from"]:
                values.append((quantity.value + offset) * factor)
            elif quantity.unit == pair["to"]:
                values.append(quantity.value / factor - offset)
    return values


def missing_numbers(english, translation) -> list[Quantity]:
    """The English page's quantities whose number (or paired number) the translation never writes."""
    written = numbers_in(page_text(translation))
    missing, seen = [], set()
    for quantity in page_quantities(english):
        if (quantity.value, quantity.unit) in seen:
            continue
        seen.add((quantity.value, quantity.unit))
        if not any(_close(value, number) for value in equivalents(quantity) for number in written):
            missing.append(quantity)
    return missing


def translation_problems(english, translation, outdated: bool) -> list[ContentError]:
    """Numbers with units that a translation lost: an error, or a warning while the translation is outdated."""
    problems = []
    for quantity in missing_numbers(english, translation):
        value = f"{quantity.value:g}"
        section = translation.section(quantity.section) if quantity.section else None
        line = section.line if section else next((s.line for s in translation.sections if s.known), 1)
        problems.append(ContentError(
            translation.path, line, "numbers",
            f"the English page says '{quantity.written}' but this translation never writes {value}",
            f"write the same number ({value}) in this translation; numbers, phones and doses stay identical"
            + (" (a warning while the English page is newer than this translation)" if outdated else ""),
            "warning" if outdated else "error"))
    return problems
