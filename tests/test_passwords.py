"""The password rules (NIST SP 800-63B-4, a password used alone): length, the shipped list, repeats, email."""
from __future__ import annotations

import pytest

from databases import PASSWORD
from portal.care import passwords
from portal.care.errors import CareError


@pytest.mark.parametrize("password, email, codes", [
    ("x" * 14, "", ["too_short"]),
    ("fourteen chars", "", ["too_short"]),
    ("fifteen chars!!", "", []),
    ("é" * 7 + "日本語 emoji 🙂", "", []),  # any characters, counted as characters
    ("w" + "ord " * 31 + "end", "", []),  # 128 characters
    ("a" * 129, "", ["too_long"]),
    ("passwordpassword", "", ["common"]),
    ("PassWordPassWord", "", ["common"]),  # case-insensitive
    ("Correct Horse Battery Staple", "", ["common"]),
    ("1qaz2wsx3edc4rfv", "", ["common"]),  # from the zxcvbn/xato list
    ("zzzzzzzzzzzzzzzzzzzz", "", ["repeats"]),
    ("tick tock tick tock ", "", ["repeats"]),
    ("nora's own long phrase", "Nora@clinic.example", ["email"]),
    ("a long phrase for jo", "jo@clinic.example", []),  # a local part this short matches too much to refuse
    ("all lower case no digits", "", []),  # no composition rules
    (PASSWORD, "nurse@clinic.example", []),
])
def test_password_rules(password, email, codes):
    assert passwords.problems(password, email) == codes


def test_the_shipped_list_is_long_passwords_only_and_says_where_it_came_from():
    listed = passwords.common_passwords()
    assert len(listed) >= 40 and all(len(entry) >= passwords.MIN_LENGTH for entry in listed)
    assert all(entry == entry.lower() for entry in listed)
    assert "zxcvbn" in passwords.COMMON_PASSWORDS.read_text().split("\n", 5)[2]


def test_check_names_the_field_and_what_to_do():
    with pytest.raises(CareError) as caught:
        passwords.check("short", "a@b.example")
    assert caught.value.status == 422 and caught.value.errors == [
        {"field": "password", "detail": passwords.MESSAGES["too_short"]}]


def test_an_unknown_email_is_checked_against_a_hash_made_like_every_password_hash():
    """The dummy hash is written out (not hashed at import); it must cost what a real user's hash costs."""
    from argon2 import extract_parameters

    from portal.care import users

    assert extract_parameters(users._DUMMY_HASH) == extract_parameters(users._hasher.hash("another password"))
    assert users._hasher.verify(users._DUMMY_HASH, "not a password")
