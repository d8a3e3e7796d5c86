"""JSON request bodies with a nesting limit, checked before parsing (deep nesting exhausts the stack)."""
from __future__ import annotations

import json
import re

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when arrays and objects in the JSON `text` nest more than `limit` levels (strings aside)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


class DepthLimitedJSON(DefaultJSONProvider):
    """Flask's JSON, refusing (as invalid JSON: a 400) a document nested deeper than MAX_DEPTH."""

    def loads(self, s, **kwargs):
        text = s.decode(json.detect_encoding(s), "surrogatepass") if isinstance(s, (bytes, bytearray)) else s
        if too_deep(text):
            raise ValueError(f"JSON nested more than {MAX_DEPTH} levels deep")
        return super().loads(text, **kwargs)
