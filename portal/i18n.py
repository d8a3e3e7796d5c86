"""Interface translations: gettext catalogs under translations/, compiled when they change.

The workflow for translators (README, "Translate the interface"):
    make translations   extract strings to translations/messages.pot and merge them into each
                        translations/<lang>/LC_MESSAGES/messages.po
Compiled .mo files are build output: `compile_catalogs` writes them at start-up whenever a
.po file is newer, so they are never committed.
"""
from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogs(folder: Path = TRANSLATIONS) -> None:
    """Compile each messages.po to messages.mo where the .mo is missing or older."""
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        temporary = mo.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        temporary.replace(mo)
