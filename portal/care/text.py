"""Free text that the services accept: no control characters, no bidi overrides, no invisible-only values.

`plain_text` is a pydantic "before" validator for whole request bodies: it walks every string
(without recursion, so a deeply nested body cannot exhaust the stack) and names the field at fault.
"""
from __future__ import annotations

import re
import unicodedata

# Fields written over several lines keep their line breaks and tabs (goal_progress[0].note too); every other
# field keeps none.
MULTILINE = frozenset({"note", "reason"})
# C0 and C1 controls (DEL included) and the bidi embedding, override and isolate characters.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_REFUSED = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_REFUSED_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def refused_character(text: str, multiline: bool = False) -> str | None:
    """A description of the first character `text` may not hold, or None."""
    found = (_REFUSED_MULTILINE if multiline else _REFUSED).search(text)
    if found is None:
        return None
    char = found.group()
    kind = "a text-direction control" if char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" \
        else "a control character"
    return f"remove {kind} (U+{ord(char):04X})"


def plain_text(data):
    """Refuse any string in `data` holding a refused character, naming its field (evaluations[0].topic)."""
    stack = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            problem = refused_character(value, multiline=path.rpartition(".")[2] in MULTILINE)
            if problem:
                raise ValueError(f"{path or 'body'}: {problem}")
        elif isinstance(value, dict):
            stack.extend((item, f"{path}.{key}".lstrip(".")) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
    return data


# Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern).
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str) -> str:
    """`text` in NFC without the characters nobody can see (spaces, zero-width and format characters)."""
    return "".join(c for c in unicodedata.normalize("NFC", text)
                   if not c.isspace() and c not in _BLANK and unicodedata.category(c) not in ("Cf", "Cc", "Zs"))
