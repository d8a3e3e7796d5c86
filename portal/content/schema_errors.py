"""Pydantic validation errors rewritten for contributors: what is wrong and what to write instead."""
from __future__ import annotations

import difflib
import typing

from pydantic import BaseModel, ValidationError

from portal.content.errors import ContentError
from portal.content.frontmatter import YamlDocument


def schema_errors(exc: ValidationError, document: YamlDocument, path: str, model: type[BaseModel]):
    """Turn pydantic's errors into ContentErrors that say what to write instead."""
    for error in exc.errors():
        loc = error["loc"]
        field_name = ".".join(str(p) if isinstance(p, str) else f"[{p + 1}]" for p in loc).replace(".[", "[")
        kind, ctx = error["type"], error.get("ctx") or {}
        top = model.model_fields.get(str(loc[0])) if loc else None
        example = (top.examples or [None])[0] if top and len(loc) == 1 else None
        if kind == "missing" and len(loc) > 1:
            example = _nested_example(model, loc)
        if error.get("input", "") is None and kind != "missing" and document.has(loc):
            problem = "is empty"
            fix = f"write a value, like {example}" if example else "write a value, or remove the line"
        elif kind == "content":
            problem, fix = ctx["problem"], ctx["fix"]
        elif kind == "missing":
            problem = "is required but missing"
            fix = f"add '{loc[-1]}: {example}'" if example else f"add '{loc[-1]}'"
        elif kind == "extra_forbidden":
            known = list(model.model_fields) if len(loc) == 1 else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            problem = "is not a known field"
            fix = f"did you mean '{close[0]}'?" if close else "remove it, or check its spelling and indentation"
        elif kind.startswith("date"):
            problem = f"'{error.get('input')}' is not a date"
            fix = "write the date as YYYY-MM-DD, for example 2026-11-20"
        elif kind.startswith("url"):
            problem = f"'{error.get('input')}' is not a web address"
            fix = "write the full address, starting with https://"
        elif kind in ("too_short", "too_long"):
            got = len(error.get("input") or [])
            low, high = ctx.get("min_length"), ctx.get("max_length")
            problem = f"has {got} item(s)"
            if str(loc[0]) == "teach_back":
                fix = "write 3 to 5 teach-back questions"
            elif kind == "too_short":
                fix = f"give at least {low}" + (f", for example {example}" if example else "")
            else:
                fix = f"give at most {high}"
        elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            low, high = ctx.get("ge", ctx.get("gt")), ctx.get("le", ctx.get("lt"))
            problem = f"'{error.get('input')}' is out of range"
            fix = f"use a number from {low} to {high}" if low is not None and high is not None else error["msg"]
            if str(loc[-1]) in ("latitude", "longitude"):
                fix = "use decimal degrees: latitude from -90 to 90, longitude from -180 to 180"
        elif kind == "literal_error":
            problem = f"'{error.get('input')}' is not allowed here"
            fix = f"use one of: {ctx.get('expected')}"
        elif kind == "list_type":
            problem = "should be a list"
            fix = f"write a list like {example}" if example else "write a list: [a, b], or one '- item' per line"
        elif kind in ("string_type", "string_too_short"):
            problem = "should be some text" if kind == "string_type" else "is empty"
            fix = f"write text, like {example}" if example else "write the text, in quotes if it has a ':'"
        elif kind == "string_pattern_mismatch":
            problem = f"'{error.get('input')}' is not in the expected form"
            # Never the regular expression itself: it is no help to the person fixing the file.
            fix = f"write it like {example}" if example else "see docs/content-format.md for what this field holds"
        elif kind == "model_type" or kind == "dict_type":
            problem = "should be a group of fields"
            fix = "write the fields indented under it, one 'name: value' per line"
        else:
            problem, fix = error["msg"], "see docs/content-format.md for what this field holds"
        yield ContentError(path, document.line_of(loc), field_name or "front matter", problem, fix)


def _nested_example(model: type[BaseModel], loc: tuple):
    """The example of a field inside groups and lists (care_plan[1].call_when), or None."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        while not (isinstance(current, type) and issubclass(current, BaseModel)):
            inner = [arg for arg in typing.get_args(current) if arg is not type(None)]
            if not inner:
                return None
            current = inner[0]
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current, found = field.annotation, field
    return (found.examples or [None])[0]
