"""FACTS §10: Julian (O.S.) first, Gregorian (N.S.) in brackets, until 14 Feb 1918."""

from __future__ import annotations

from datetime import date

import pytest

from sovet.domain.kernel.calendar import display, julian, moment


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        ("1917-11-07T22:40", "25 Oct (7 Nov) 1917"),
        ("1917-11-08", "26 Oct (8 Nov) 1917"),
        ("1917-11-18", "5 Nov (18 Nov) 1917"),
        ("1918-01-01", "19 Dec 1917 (1 Jan 1918)"),
        ("1918-02-13", "31 Jan (13 Feb) 1918"),
        ("1918-02-14", "14 Feb 1918"),
    ],
)
def test_display(at: str, shown: str) -> None:
    assert display(at) == shown


def test_julian_is_thirteen_days_behind_in_1917() -> None:
    assert julian(date(1917, 11, 7)) == (1917, 10, 25)
    assert julian(date(1900, 3, 13)) == (1900, 2, 29)  # a Julian leap day


def test_a_bare_date_as_query_covers_the_whole_day() -> None:
    assert moment("1917-11-18T23:00") <= moment("1917-11-18", end_of_day=True)
    assert moment("1917-11-18T23:00") > moment("1917-11-18")
    assert moment("1917-11-18T12:00+03:00") == moment("1917-11-18T09:00")
