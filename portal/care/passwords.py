"""The password rules, after NIST SP 800-63B-4 for a password used alone (no second factor).

15 to 128 characters, any characters (spaces and emoji too), no rules about mixing kinds of
characters. Refused: a password on the list of common and breached passwords shipped beside this
module (common_passwords.txt, which says where it came from), one character or word repeated
over and over, and one that holds the local part of the user's email. Compared case-insensitively.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from portal.care.errors import CareError

MIN_LENGTH = 15
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords, lower-cased."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _repeats(text: str) -> bool:
    """True for one short piece said again and again ('aaaa…', 'abcabcabc…', 'passwordpassword')."""
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size)
               for size in range(1, len(text) // 2 + 1))


# Why a password is refused, by code (the console shows its own translated words for each code).
MESSAGES = {"too_short": f"use at least {MIN_LENGTH} characters (a few unrelated words with spaces work well)",
            "too_long": f"use at most {MAX_LENGTH} characters",
            "common": "this password is on a list of common or breached passwords; choose another",
            "repeats": "this password repeats the same characters; choose another",
            "email": "the password must not contain your email address or its name part"}


def problems(password: str, email: str = "") -> list[str]:
    """The codes of what is wrong with `password` for the user with `email` (empty when it may be used)."""
    if len(password) < MIN_LENGTH:
        return ["too_short"]
    if len(password) > MAX_LENGTH:
        return ["too_long"]
    folded = password.casefold()
    found = []
    if folded in common_passwords() or folded.strip() in common_passwords():
        found.append("common")
    elif _repeats(folded):
        found.append("repeats")
    local = email.strip().casefold().split("@", 1)[0]
    if len(local) >= 3 and local in folded:
        found.append("email")
    return found


def check(password: str, email: str = "") -> None:
    """Refuse a password that breaks the rules, with a message that says what to do instead."""
    found = problems(password, email)
    if found:
        raise CareError(422, "Password not accepted", "; ".join(MESSAGES[code] for code in found),
                        [{"field": "password", "detail": MESSAGES[code]} for code in found])
