"""Irish general election 2002, the three e-voting constituencies (PR-STV).

Source: ``reference-data/irish-2002/`` (see its PROVENANCE.md): the ballots
published by the Dublin County Returning Officer after the 2002 e-voting pilot
(also PrefLib ED-00001), and the official elected candidates of 17 May 2002
(electionsireland.org; "29th Dáil General Election, May 2002 — Election
Results and Transfer of Votes").

The official count followed the Electoral Act 1992 (whole votes, surpluses from
the last sub-parcel by physical sampling of papers in file order), which no
count can reproduce exactly; so these tests assert the official **elected
sets** under the nearest documented rule, ERS97 (last parcel, fractional
transfer values), and under Meek. No other real STV election with an official
result was found shipped inside the installed or checked registry packages
(pref_voting, preflibtools, prefsampling, pyrankvote, votekit 3.5.0).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from sovet.ballots.blt import read_blt
from sovet.counting.methods import count

OFFICIAL = {
    "dublin_north_2002": {
        "Trevor Sargent (Green Party)",
        "Sean Ryan (Labour Party)",
        "Jim Glennon (Fianna Fail)",
        "G. V. Wright (Fianna Fail)",
    },
    "dublin_west_2002": {
        "Brian Lenihan (Fianna Fail)",
        "Joe Higgins (Socialist Party)",
        "Joan Burton (Labour Party)",
    },
    "meath_2002": {
        "Noel Dempsey (Fianna Fail)",
        "Mary Wallace (Fianna Fail)",
        "Johnny Brady (Fianna Fail)",
        "John Bruton (Fine Gael)",
        "Damien English (Fine Gael)",
    },
}
SEATS = {"dublin_north_2002": 4, "dublin_west_2002": 3, "meath_2002": 5}
POLL = {"dublin_north_2002": 43_942, "dublin_west_2002": 29_988, "meath_2002": 64_081}


def _file(reference_data: Path, name: str) -> Path:
    return reference_data / "irish-2002" / f"{name}.blt"


@pytest.mark.parametrize("method", ["stv-ers97", "stv-meek"])
@pytest.mark.parametrize("constituency", sorted(OFFICIAL))
def test_official_elected_set(
    reference_data: Path, constituency: str, method: str
) -> None:
    """The count elects exactly the official members, with no tie needed."""
    ballots = read_blt(_file(reference_data, constituency))
    assert ballots.seats == SEATS[constituency]
    assert ballots.profile.total == POLL[constituency]
    result = count(method, ballots.profile, seats=SEATS[constituency])
    assert set(result.elected) == OFFICIAL[constituency]
    assert result.ties == ()


@pytest.mark.parametrize("constituency", sorted(OFFICIAL))
def test_ers97_stage_totals_and_quota(reference_data: Path, constituency: str) -> None:
    """ERS97 5.3.11 / 5.4.15: at every stage the candidates' votes plus the
    non-transferable vote equal the total valid vote. The quota is the 5.1.6
    Droop quota to two decimals of the valid vote less the papers that became
    non-transferable before the first election (5.4.8): in Dublin North five
    candidates go before anyone reaches the quota, lowering it."""
    ballots = read_blt(_file(reference_data, constituency))
    seats = SEATS[constituency]
    result = count("stv-ers97", ballots.profile, seats=seats)
    valid = POLL[constituency]
    for stage in result.rounds:
        assert sum(stage.tallies.values()) + stage.exhausted == valid
    first = next(stage for stage in result.rounds if stage.elected)
    hundredths = (valid - first.exhausted) * 100
    expected = Fraction(-(-int(hundredths) // (seats + 1)), 100)
    assert result.quota == expected
    lowered = constituency == "dublin_north_2002"
    assert (result.quota < Fraction(valid, seats + 1)) is lowered


@pytest.mark.parametrize("constituency", sorted(OFFICIAL))
def test_first_stage_is_the_first_preference_count(
    reference_data: Path, constituency: str
) -> None:
    """Stage 1 of both methods is the plain first-preference count."""
    ballots = read_blt(_file(reference_data, constituency))
    firsts: dict[str, int] = dict.fromkeys(ballots.candidates, 0)
    for ranking, weight in ballots.profile.ballots():
        firsts[ballots.candidates[ranking[0]]] += weight
    for method in ("stv-ers97", "stv-meek"):
        result = count(method, ballots.profile, seats=SEATS[constituency])
        assert dict(result.rounds[0].tallies) == firsts
