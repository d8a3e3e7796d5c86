"""Codes that can be read aloud over the phone: reading codes (K7M-2QX) and plan codes (K7M2-QXR8-D4HV).

The alphabet leaves out letters and digits that look or sound alike (0 O, 1 I L, U), so 30
symbols remain; six of them give 30**6 = 729 million codes (29 bits). With codes expiring
(PORTAL_CODE_DAYS) and the public endpoint rate-limited per address, guessing a live code is
impractical: with 10,000 live codes and 300 tries an hour, one address needs about 240 hours
per expected hit, and every code it finds opens only a list of public pages.

A care plan is personal (goals, steps, a target date), so its code is longer: twelve symbols in
three groups of four, 30**12 (about 5.3 * 10**17, 58.9 bits). With 10,000 live plan codes and 300
tries an hour, one address needs about 20 million years per expected hit. Only the code's SHA-256
is stored (portal.care.plan_codes).
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols: no 0 O 1 I L U
LENGTH = 6
GROUP = 3
PLAN_LENGTH = 12
PLAN_GROUP = 4


def _grouped(raw: str, group: int) -> str:
    return "-".join(raw[i:i + group] for i in range(0, len(raw), group))


def new_code(length: int = LENGTH, group: int = GROUP) -> str:
    """A random code, stored and shown in groups: XXX-XXX (a plan code: XXXX-XXXX-XXXX)."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(length)), group)


def normalize(text: str, length: int = LENGTH, group: int = GROUP) -> str | None:
    """The code a person typed ('k7m 2qx', 'K7M2QX'), as stored, or None if it cannot be one."""
    raw = re.sub(r"[\s\-_.]", "", text or "").upper()
    if len(raw) != length or any(ch not in ALPHABET for ch in raw):
        return None
    return _grouped(raw, group)
