"""The care-management rules (portal.care.programs): the codes a month's minutes reach in each program,
at every threshold edge, staff and practitioner time apart, and the refused combinations."""
from __future__ import annotations

import pytest

from portal.care import programs
from portal.care.errors import CareError
from portal.care.programs import codes


def reached(program: str, staff: int, practitioner: int = 0) -> list[tuple[str, int]]:
    return [(c["code"], c["units"]) for c in codes(program, staff, practitioner)]


@pytest.mark.parametrize("staff, practitioner, expected", [
    (0, 0, []),
    (19, 29, []),
    (20, 0, [("99490", 1)]),
    (39, 0, [("99490", 1)]),
    (40, 0, [("99490", 1), ("99439", 1)]),
    (59, 0, [("99490", 1), ("99439", 1)]),
    (60, 0, [("99490", 1), ("99439", 2)]),
    (79, 0, [("99490", 1), ("99439", 2)]),
    (80, 0, [("99490", 1), ("99439", 2)]),  # 99439 at most twice a month
    (240, 0, [("99490", 1), ("99439", 2)]),
    (0, 29, []),
    (0, 30, [("99491", 1)]),
    (0, 59, [("99491", 1)]),
    (0, 60, [("99491", 1), ("99437", 1)]),
    (0, 89, [("99491", 1), ("99437", 1)]),
    (0, 90, [("99491", 1), ("99437", 2)]),
    (0, 150, [("99491", 1), ("99437", 4)]),  # no cap on 99437 was confirmed, so none is applied
    (15, 15, []),  # staff and practitioner minutes are never added together in CCM
    (19, 25, []),
    (20, 30, [("99490", 1), ("99491", 1)]),
])
def test_ccm(staff, practitioner, expected):
    assert reached("ccm", staff, practitioner) == expected


@pytest.mark.parametrize("staff, practitioner, expected", [
    (0, 0, []),
    (59, 0, []),
    (60, 0, [("99487", 1)]),
    (89, 0, [("99487", 1)]),
    (90, 0, [("99487", 1), ("99489", 1)]),
    (119, 0, [("99487", 1), ("99489", 1)]),
    (120, 0, [("99487", 1), ("99489", 2)]),
    (240, 0, [("99487", 1), ("99489", 6)]),  # no cap on 99489 was confirmed
    (40, 19, []),  # a practitioner's minutes count as staff time: 59
    (40, 20, [("99487", 1)]),
    (0, 60, [("99487", 1)]),
])
def test_complex_ccm(staff, practitioner, expected):
    assert reached("ccm_complex", staff, practitioner) == expected


@pytest.mark.parametrize("staff, practitioner, expected", [
    (0, 0, []),
    (29, 29, []),  # never added together in PCM
    (30, 0, [("99426", 1)]),
    (59, 0, [("99426", 1)]),
    (60, 0, [("99426", 1), ("99427", 1)]),
    (89, 0, [("99426", 1), ("99427", 1)]),
    (90, 0, [("99426", 1), ("99427", 2)]),
    (150, 0, [("99426", 1), ("99427", 4)]),  # no cap on 99427 was confirmed
    (0, 30, [("99424", 1)]),
    (0, 59, [("99424", 1)]),
    (0, 60, [("99424", 1), ("99425", 1)]),
    (0, 90, [("99424", 1), ("99425", 2)]),
    (30, 30, [("99426", 1), ("99424", 1)]),
])
def test_pcm(staff, practitioner, expected):
    assert reached("pcm", staff, practitioner) == expected


@pytest.mark.parametrize("staff, practitioner, expected", [
    (0, 0, []),
    (19, 0, []),
    (20, 0, [("99484", 1)]),
    (40, 0, [("99484", 1)]),  # one unit a month, no add-on code
    (240, 0, [("99484", 1)]),
    (10, 9, []),
    (10, 10, [("99484", 1)]),  # a practitioner's minutes count as staff time
    (0, 20, [("99484", 1)]),
])
def test_bhi(staff, practitioner, expected):
    assert reached("bhi", staff, practitioner) == expected


def test_ccm_minutes_never_suggest_complex_ccm():
    """Complex CCM needs medical decision making the minutes cannot show: only the program says so."""
    every_ccm_code = {code for staff in range(0, 241, 10) for practitioner in range(0, 241, 10)
                      for code, _units in reached("ccm", staff, practitioner)}
    assert every_ccm_code == {"99490", "99439", "99491", "99437"}
    assert programs.PROGRAMS["ccm_complex"].needs and programs.PROGRAMS["ccm"].needs is None
    assert all(code in programs.__doc__ for code in programs.CODES)


def test_each_program_has_its_own_codes():
    """A minute counts toward one program: no code belongs to two programs."""
    assert len(programs.CODES) == len(set(programs.CODES)) == 11
    assert programs.KEYS == ("ccm", "ccm_complex", "pcm", "bhi") and programs.DEFAULT == "ccm"


@pytest.mark.parametrize("program, minutes_by, practitioner, runs, refused", [
    ("ccm", "clinical_staff", False, programs.KEYS, []),
    ("ccm", "billing_practitioner", True, programs.KEYS, []),
    ("ccm", "billing_practitioner", False, programs.KEYS, ["minutes_by"]),  # staff minutes toward 99491/99437
    ("pcm", "billing_practitioner", False, programs.KEYS, ["minutes_by"]),  # toward 99424/99425
    ("bhi", "billing_practitioner", False, programs.KEYS, ["minutes_by"]),
    ("pcm", "clinical_staff", False, ("ccm", "bhi"), ["program"]),
    ("pcm", "billing_practitioner", False, ("ccm",), ["program", "minutes_by"]),  # every mistake at once
    ("bhi", "billing_practitioner", True, ("ccm", "pcm", "bhi"), []),
])
def test_check_refuses_staff_minutes_toward_practitioner_codes_and_programs_not_run(
        program, minutes_by, practitioner, runs, refused):
    if not refused:
        programs.check(program, minutes_by, practitioner, runs)
        return
    with pytest.raises(CareError) as caught:
        programs.check(program, minutes_by, practitioner, runs)
    assert caught.value.status == 422 and [e["field"] for e in caught.value.errors] == refused


def test_an_amendment_may_keep_a_program_the_clinic_no_longer_runs():
    programs.check("pcm", "clinical_staff", False, ("ccm",), kept="pcm")
    with pytest.raises(CareError):
        programs.check("bhi", "clinical_staff", False, ("ccm",), kept="pcm")


@pytest.mark.parametrize("text, expected", [
    ("ccm,pcm,bhi", ("ccm", "pcm", "bhi")),
    ("bhi ccm", ("ccm", "bhi")),
    (("ccm_complex",), ("ccm_complex",)),
])
def test_the_setting_names_programs(text, expected):
    assert programs.parse_setting(text) == expected


@pytest.mark.parametrize("text", ["", "ccm,rpm", "CCM"])
def test_the_setting_refuses_unknown_programs(text):
    with pytest.raises(ValueError, match="ccm, ccm_complex, pcm, bhi"):
        programs.parse_setting(text)
