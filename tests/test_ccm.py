"""The CCM rules: thresholds from a month's staff and practitioner minutes."""
from __future__ import annotations

import pytest

from portal.care.ccm import thresholds


@pytest.mark.parametrize("staff, practitioner, expected", [
    (0, 0, []),
    (19, 29, []),
    (20, 0, [("99490", 1)]),
    (39, 0, [("99490", 1)]),
    (40, 0, [("99490", 1), ("99439", 1)]),
    (60, 0, [("99490", 1), ("99439", 2)]),
    (200, 0, [("99490", 1), ("99439", 2)]),  # 99439 at most twice a month
    (0, 30, [("99491", 1)]),
    (0, 59, [("99491", 1)]),
    (0, 60, [("99491", 1), ("99437", 1)]),
    (0, 95, [("99491", 1), ("99437", 2)]),
    (15, 15, []),  # staff and practitioner minutes are never added together
    (20, 30, [("99490", 1), ("99491", 1)]),
])
def test_thresholds(staff, practitioner, expected):
    assert [(c["code"], c["units"]) for c in thresholds(staff, practitioner)] == expected


def test_complex_ccm_is_documented_and_never_suggested():
    import portal.care.ccm as ccm

    assert "99487" in ccm.__doc__ and "99489" in ccm.__doc__
    assert all(c["code"] not in ("99487", "99489") for c in thresholds(300, 300))
