"""Importing a feed again: update the listings it made, keep what a person edited since.

Each imported listing keeps the feed's service id (`hsds_id`) and, under `imported:`, a short hash
of every value the feed gave it. On the next import a field whose value no longer matches its hash
was edited here: it is kept (and reported) unless the import overwrites.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from portal.content.resource_models import Resource

OWN_FIELDS = ("hsds_id", "imported")  # written by the import itself, never compared


def digest(value) -> str:
    """A short hash of a field's value as YAML reads it (a date and its text hash alike)."""
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Merge:
    """A listing after an import: its fields, and which ones changed or were kept as edited here."""

    data: dict
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def ordered(data: dict) -> dict:
    """Fields in the order of the schema (and of the template), unknown ones after."""
    names = list(Resource.model_fields)
    return dict(sorted(data.items(), key=lambda item: names.index(item[0]) if item[0] in names else len(names)))


def fresh(feed: dict, hsds_id: str) -> dict:
    """A new listing from the feed's fields, with its id and hashes."""
    return ordered({**feed, "hsds_id": hsds_id, "imported": {k: digest(v) for k, v in feed.items()}})


def merge(local: dict, feed: dict, overwrite: bool) -> Merge:
    """The listing `local` updated with `feed`; fields edited here since the last import are kept unless `overwrite`."""
    hashes = local.get("imported") if isinstance(local.get("imported"), dict) else {}
    result = Merge(dict(local))
    for name in [*feed, *(n for n in hashes if n not in feed)]:
        if name in OWN_FIELDS:
            continue
        mine, theirs = local.get(name), feed.get(name)
        if mine == theirs:
            continue
        edited = digest(mine) != hashes[name] if name in hashes else name in local
        if edited and not overwrite:
            result.kept.append(name)
            continue
        if theirs is None:
            result.data.pop(name, None)
        else:
            result.data[name] = theirs
        result.changed.append(name)
    result.data["imported"] = {k: digest(v) for k, v in feed.items()}
    result.data = ordered(result.data)
    return result


def listings_by_id(folder: Path) -> dict[str, Path]:
    """hsds_id -> file of every listing in `folder` that an import made."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # `portal check` reports it
        if isinstance(data, dict) and data.get("hsds_id"):
            found.setdefault(str(data["hsds_id"]), path)
    return found
