"""Conformance: Scottish STV on the City of Edinburgh 2022 wards (SSI 2007/42).

Ballots: ``reference-data/scot-edinburgh-2022/*.blt`` (cast-vote records published
by the council, assembled by D. McCune, mggg/scot-elex; see PROVENANCE.md).
Official results declared 6 May 2022 by the City of Edinburgh Council, stage
totals as transcribed in PROVENANCE.md and in the Wikipedia ward articles
("City Centre (Edinburgh ward)", "Leith Walk (ward)", "Inverleith (ward)",
"Fountainbridge/Craiglockhart"), which publish each stage total rounded to a
whole vote. Each candidate's published series is compared, stage by stage, with
the computed total rounded half-up to a whole vote.

Seven published figures (of 186 checked) are not reproduced from these ballot
files; each is marked ``xfail(strict=True)`` with the exact values, not adjusted:

* ward 11, Graham, stage 13: published 2,349, computed 2,349.91284;
* ward 12, stage 2: Caldwell 1,400 (computed 1,400.628), Munn 1,405
  (1,405.609); stage 3-4: Fombo 766 / 770 (766.53685 / 770.53685); stage 4:
  Dalgleish 2,186 (2,186.71325); stage 12: Caldwell 2,513 (2,513.6108).

In every one the computed total has a fraction of .5 or more and the published
figure is the integer below; elsewhere the published figures follow rounding to
the nearest (e.g. ward 11 Foxall stage 2: 1,395.5436 published 1,396; ward 12
Caldwell stage 3: 1,401.909 published 1,402), so neither "round" nor "truncate"
explains all figures. The elected sets, the order of election, the quotas, the
number of stages, and all stage-1 totals match; the differences are at most one
vote and do not change any exclusion or election. Without the council's own
stage report (with decimals) we cannot tell whether the transcriptions or the
cast-vote records differ from the official count; we do not fudge either.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from pathlib import Path

import pytest

from sovet.ballots.blt import read_blt
from sovet.counting.methods import count
from sovet.counting.types import CountResult

WARDS = {
    "ward2": ("edinburgh_2022_ward2.blt", 4, 2218, 9),
    "ward5": ("edinburgh_2022_ward5.blt", 4, 2684, 10),
    "ward9": ("edinburgh_2022_ward9.blt", 3, 2258, 7),
    "ward11": ("edinburgh_2022_ward11.blt", 4, 1772, 13),
    "ward12": ("edinburgh_2022_ward12.blt", 4, 2200, 12),
}
"""file, seats, official quota, number of stages."""

ELECTED = {
    "ward2": ("BRUCE", "GARDINER", "JENKINSON", "GLASGOW"),
    "ward5": ("OSLER", "NICOLSON", "MITCHELL", "BANDEL"),
    "ward9": ("COWDY", "WALKER", "KEY"),
    "ward11": ("MOWAT", "MILLER", "MCFARLANE", "GRAHAM"),
    "ward12": ("RAE", "MCNEESE-MECHAN", "DALGLEISH", "CALDWELL"),
}
"""Official elected candidates, in order of election (stage, then votes)."""

# Published stage totals, from stage 1, for each candidate listed.
STAGES: dict[str, dict[str, tuple[int, ...]]] = {
    "ward5": {
        "OSLER": (3117,),
        "NICOLSON": (2641, 2657, 2659, 2663, 2668, 2683, 2937),
        "MITCHELL": (1836, 1878, 1879, 1884, 1897, 2644, 2768),
        "BANDEL": (1714, 1740, 1740, 1741, 1752, 1768, 2222, 2380, 2384, 2959),
        "MUNRO-BRIAN": (1684, 1713, 1715, 1721, 1736, 1755),
    },
    "ward9": {
        "COWDY": (2399,),
        "KEY": (2051, 2053, 2058, 2064, 2121, 2145, 3546),
        "WALKER": (2026, 2061, 2067, 2083, 2408),
        "MCHANEY": (1800, 1805, 1812, 1824, 1971, 2026),
        "GRAHAM": (642, 691, 700, 719),
        "RAMSAY": (69, 76, 85),
        "MASSON": (41, 44),
    },
    "ward11": {
        "MOWAT": (1896,),
        "MILLER": (1755, 1760, 1760, 1761, 1765, 1770, 1784),
        "FOXALL": (
            *(1341, 1396, 1396, 1398, 1402, 1415),
            *(1422, 1423, 1449, 1476, 1495, 1551),
        ),
        "GRAHAM": (
            *(1297, 1315, 1318, 1318, 1319, 1326, 1333),
            *(1336, 1348, 1385, 1471, 1570, 2349),
        ),
        "MCFARLANE": (
            *(1182, 1183, 1185, 1187, 1190, 1191),
            *(1203, 1206, 1210, 1237, 2120),
        ),
        "MWIKI": (984, 985, 987, 987, 988, 990, 1004, 1008, 1011, 1033),
        "BOB": (117, 119, 119, 119, 121, 125, 153, 153, 182),
        "SHAW": (105, 106, 108, 108, 109, 110),
        "ROWAN": (84, 90, 90, 97, 100, 114, 126, 126),
        "ILLINGWORTH": (50, 52, 52, 52, 58),
        "CARSON": (21, 22, 23, 24),
    },
    "ward12": {
        "RAE": (2847,),
        "MCNEESE-MECHAN": (2248,),
        "DALGLEISH": (2058, 2184, 2186, 2186, 2196, 2224),
        "CALDWELL": (
            *(1317, 1400, 1402, 1413, 1433, 1446),
            *(1456, 1469, 1506, 1563, 1995, 2513),
        ),
        "MUNN": (
            *(1132, 1405, 1447, 1449, 1459, 1485),
            *(1488, 1534, 1580, 1633, 1648),
        ),
        "FOMBO": (763, 766, 766, 770, 796, 797, 799, 811, 819, 833),
    },
}

UNMATCHED = {
    ("ward11", "GRAHAM"): "stage 13: published 2,349, computed 2,349.91284",
    ("ward12", "DALGLEISH"): "stage 4: published 2,186, computed 2,186.71325",
    ("ward12", "CALDWELL"): "stages 2 and 12: published 1,400 / 2,513, "
    "computed 1,400.628 / 2,513.6108",
    ("ward12", "MUNN"): "stage 2: published 1,405, computed 1,405.609",
    ("ward12", "FOMBO"): "stages 3-4: published 766 / 770, computed 766.53685 / "
    "770.53685",
}
"""Published figures these ballot files do not reproduce (module docstring)."""

_RESULTS: dict[str, CountResult] = {}


def _count(reference_data: Path, ward: str) -> CountResult:
    if ward not in _RESULTS:
        name, seats, _, _ = WARDS[ward]
        ballots = read_blt(reference_data / "scot-edinburgh-2022" / name)
        assert ballots.seats == seats
        _RESULTS[ward] = count("stv-scottish", ballots.profile, seats=seats)
    return _RESULTS[ward]


def _name(result: CountResult, surname: str) -> str:
    (full,) = [c for c in result.candidates if f" {surname} " in f" {c} "]
    return full


def _published(value: Fraction) -> int:
    """A total rounded to a whole vote, halves up (exact: no float, no Decimal)."""
    return math.floor(value + Fraction(1, 2))


@pytest.mark.parametrize("ward", sorted(WARDS))
def test_official_elected_quota_and_stages(reference_data: Path, ward: str) -> None:
    """Rules 46-52: the official quota, number of stages and elected candidates."""
    result = _count(reference_data, ward)
    _, _, quota, stages = WARDS[ward]
    assert result.quota == quota
    assert len(result.rounds) == stages
    assert result.elected == tuple(_name(result, s) for s in ELECTED[ward])
    assert result.ties == ()


def _series_cases() -> list[object]:
    cases: list[object] = []
    for ward, table in STAGES.items():
        for surname in table:
            marks = []
            reason = UNMATCHED.get((ward, surname))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            cases.append(
                pytest.param(ward, surname, marks=marks, id=f"{ward}-{surname}")
            )
    return cases


@pytest.mark.parametrize(("ward", "surname"), _series_cases())
def test_published_stage_totals(reference_data: Path, ward: str, surname: str) -> None:
    """Every published stage total of the candidate, rounded as published."""
    result = _count(reference_data, ward)
    name = _name(result, surname)
    expected = STAGES[ward][surname]
    computed = tuple(
        _published(r.tallies[name]) for r in result.rounds[: len(expected)]
    )
    assert computed == expected


@pytest.mark.parametrize("ward", sorted(WARDS))
def test_every_vote_accounted_for(reference_data: Path, ward: str) -> None:
    """At every stage: totals + non-transferable and lost value == valid votes."""
    result = _count(reference_data, ward)
    valid = result.rounds[0].exhausted + sum(result.rounds[0].tallies.values())
    for stage in result.rounds:
        assert sum(stage.tallies.values()) + stage.exhausted == valid


@pytest.mark.parametrize("ward", sorted(WARDS))
def test_pref_voting_elects_the_same(reference_data: Path, ward: str) -> None:
    """pref_voting's STV-Scottish (an independent implementation) agrees per ward."""
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.proportional_methods import stv_scottish

    result = _count(reference_data, ward)
    ballots = list(
        read_blt(
            reference_data / "scot-edinburgh-2022" / WARDS[ward][0]
        ).profile.ballots()
    )
    profile = ProfileWithTies(
        [{c: i + 1 for i, c in enumerate(r)} for r, _ in ballots],
        rcounts=[w for _, w in ballots],
        candidates=list(range(len(result.candidates))),
    )
    theirs = stv_scottish(profile, num_seats=WARDS[ward][1], rng=random.Random(0))
    assert {result.candidates[c] for c in theirs} == set(result.elected)
