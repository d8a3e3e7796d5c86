"""What the build's plan derives from the whole library, kept in the cache folder from one build to the next.

The plan of a rebuild needs the states whose ZIP code centers the site ships (one file each). Working
them out reads every listing's service area against the ZIP code table, and loading that table alone
is about 0.06 s at every build, for a list that changes only when a listing's places or the code do.
The list is kept under a key made of the fingerprints it follows from (portal.fingerprints: the site's
code, libraries and settings, and every listing's data), so a stale list is never used.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


def remembered(cache: str | Path | None, name: str, key: str, make: Callable[[], T]) -> T:
    """`make()`, kept as <cache>/plan/<name>.json with `key` and answered from there while the key is the same.

    Without a cache folder, or with a file that cannot be read or written, `make()` is simply called."""
    if not cache:
        return make()
    path = Path(cache) / "plan" / f"{name}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("key") == key and "value" in kept:
            return kept["value"]
    except (OSError, ValueError):
        pass
    value = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"key": key, "value": value}), encoding="utf-8")
        temporary.replace(path)  # a build reading it at the same time sees the old file or the new one
    except OSError:
        pass
    return value
