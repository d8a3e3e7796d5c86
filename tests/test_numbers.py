"""Phone numbers and numbers in body text (portal.content.numbers): the short cut past the phone matcher."""
from __future__ import annotations

import phonenumbers
import pytest

from portal.content import numbers

TEXTS = [
    "<p>Call 1-800-222-1222 or 911. Take it 2 times a day, 120/80 mm Hg, 38.3°C, at 10 a.m.</p>",
    "<p>In Iran call +98 9601 (six digits), in Austria +43 1 234567.</p>",
    "<p>Dial 988 or text 741741; page 12, 3 to 5 days, 2026-12-01, (951) 555-0100 ext. 12.</p>",
    "<li>Poison Control: <strong>1-800-222-1222</strong> &amp; 24/7, ١٢٣٤٥٦٧٨٩٠ and ５５５-０１００</li>",
    "<h3>Call 911 if</h3><p><a href=\"tel:988\">988</a> and <code>555-0100-9999</code> 1 2 3 4 5</p>",
]


def test_no_phone_number_has_fewer_digits_than_the_short_cut_assumes():
    """MIN_PHONE_DIGITS is at most the shortest country code plus shortest number of any region."""
    shortest = min(len(str(meta.country_code)) + min(length for length in meta.general_desc.possible_length if length > 0)
                   for meta in (phonenumbers.PhoneMetadata.metadata_for_region(region)
                                for region in phonenumbers.SUPPORTED_REGIONS))
    assert numbers.MIN_PHONE_DIGITS <= shortest


@pytest.mark.parametrize("text", TEXTS)
def test_same_links_with_and_without_the_short_cut(text, monkeypatch):
    fast = numbers.mark_numbers(text)
    monkeypatch.setattr(numbers, "_ENOUGH_DIGITS", type("Always", (), {"search": staticmethod(lambda s: True)}))
    assert fast == numbers.mark_numbers(text)


def test_a_six_digit_number_is_still_linked():
    assert '<a href="tel:+989601"><bdi dir="ltr">+98 9601</bdi></a>' in numbers.mark_numbers("<p>Call +98 9601.</p>")
