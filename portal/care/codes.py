"""Short codes that can be read aloud over the phone: K7M-2QX.

The alphabet leaves out letters and digits that look or sound alike (0 O, 1 I L, U), so 30
symbols remain; six of them give 30**6 = 729 million codes (29 bits). With codes expiring
(PORTAL_CODE_DAYS) and the public endpoint rate-limited per address, guessing a live code is
impractical: with 10,000 live codes and 300 tries an hour, one address needs about 240 hours
per expected hit, and every code it finds opens only a list of public pages.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols: no 0 O 1 I L U
LENGTH = 6


def new_code() -> str:
    """A random code, stored and shown as XXX-XXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:3]}-{raw[3:]}"


def normalize(text: str) -> str | None:
    """The code a person typed ('k7m 2qx', 'K7M2QX'), as stored, or None if it cannot be one."""
    raw = re.sub(r"[\s\-_.]", "", text or "").upper()
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:3]}-{raw[3:]}"
