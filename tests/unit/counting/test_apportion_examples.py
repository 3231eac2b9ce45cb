"""SR-12…SR-14 worked examples: RULES.md section B, SR-12, and the US House 2020.

Section B and SR-12 give ratios and rules, not unit-by-unit figures; where no
published unit figures exist the memberships below are constructed, and the
test checks the rule the source states, never a copied answer.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from sovet.counting.apportionment import apportion

# U.S. Census Bureau, "2020 Census Apportionment Results" (26 April 2021):
# Table A (apportionment population) and Table 1 (apportioned representatives).
# Transcribed state by state; two independent public transcriptions agreed.
US_2020: dict[str, tuple[int, int]] = {
    "Alabama": (5_030_053, 7),
    "Alaska": (736_081, 1),
    "Arizona": (7_158_923, 9),
    "Arkansas": (3_013_756, 4),
    "California": (39_576_757, 52),
    "Colorado": (5_782_171, 8),
    "Connecticut": (3_608_298, 5),
    "Delaware": (990_837, 1),
    "Florida": (21_570_527, 28),
    "Georgia": (10_725_274, 14),
    "Hawaii": (1_460_137, 2),
    "Idaho": (1_841_377, 2),
    "Illinois": (12_822_739, 17),
    "Indiana": (6_790_280, 9),
    "Iowa": (3_192_406, 4),
    "Kansas": (2_940_865, 4),
    "Kentucky": (4_509_342, 6),
    "Louisiana": (4_661_468, 6),
    "Maine": (1_363_582, 2),
    "Maryland": (6_185_278, 8),
    "Massachusetts": (7_033_469, 9),
    "Michigan": (10_084_442, 13),
    "Minnesota": (5_709_752, 8),
    "Mississippi": (2_963_914, 4),
    "Missouri": (6_160_281, 8),
    "Montana": (1_085_407, 2),
    "Nebraska": (1_963_333, 3),
    "Nevada": (3_108_462, 4),
    "New Hampshire": (1_379_089, 2),
    "New Jersey": (9_294_493, 12),
    "New Mexico": (2_120_220, 3),
    "New York": (20_215_751, 26),
    "North Carolina": (10_453_948, 14),
    "North Dakota": (779_702, 1),
    "Ohio": (11_808_848, 15),
    "Oklahoma": (3_963_516, 5),
    "Oregon": (4_241_500, 6),
    "Pennsylvania": (13_011_844, 17),
    "Rhode Island": (1_098_163, 2),
    "South Carolina": (5_124_712, 7),
    "South Dakota": (887_770, 1),
    "Tennessee": (6_916_897, 9),
    "Texas": (29_183_290, 38),
    "Utah": (3_275_252, 4),
    "Vermont": (643_503, 1),
    "Virginia": (8_654_542, 11),
    "Washington": (7_715_946, 10),
    "West Virginia": (1_795_045, 2),
    "Wisconsin": (5_897_473, 8),
    "Wyoming": (577_719, 1),
}


def test_us_house_2020_by_huntington_hill() -> None:
    """The official 2020 apportionment: 435 seats by equal proportions (2 U.S.C. 2a)."""
    populations = {state: pop for state, (pop, _) in US_2020.items()}
    result = apportion(populations, method="huntington-hill", seats=435)
    assert result.allocation == {state: seats for state, (_, seats) in US_2020.items()}
    assert result.ties == ()


def test_us_house_2020_last_seat_and_next_in_line() -> None:
    """As the Census Bureau's priority list published: seat 435 went to Minnesota,
    and New York was next in line (seat 436, short by 89 residents)."""
    populations = {state: pop for state, (pop, _) in US_2020.items()}
    runs = {
        house: apportion(populations, method="huntington-hill", seats=house).allocation
        for house in (434, 435, 436)
    }

    def gained(house: int) -> list[str]:
        return [s for s in populations if runs[house][s] != runs[house - 1][s]]

    assert gained(435) == ["Minnesota"]
    assert gained(436) == ["New York"]


def test_dsa_one_per_75_members_to_the_nearest_whole() -> None:
    """DSA 2023: 1 delegate per 75 members, nearest whole (270 → 4, 400 → 5);
    chapters under 75 members still get 1."""
    chapters = {
        "c270": 270,
        "c400": 400,
        "c74": 74,
        "c30": 30,
        "c112": 112,
        "c113": 113,
    }
    result = apportion(
        chapters, method="fixed-ratio", ratio=75, rounding="nearest", min_per_unit=1
    )
    assert result.allocation == {
        "c270": 4,  # 3.6
        "c400": 5,  # 5.33
        "c74": 1,  # 0.99
        "c30": 1,  # 0.4 → 0, raised to the minimum of 1
        "c112": 1,  # 1.49
        "c113": 2,  # 1.51
    }
    assert result.divisor == 75
    assert any("c30" in note for note in result.notes)


def test_nearest_rounds_a_half_up() -> None:
    """Our documented reading of "nearest": a half goes up (25 / 10 = 2.5 → 3)."""
    result = apportion(
        {"a": 25, "b": 15}, method="fixed-ratio", ratio=10, rounding="nearest"
    )
    assert result.allocation == {"a": 3, "b": 2}


def test_uwua_one_per_100_or_fraction() -> None:
    """UWUA Art. XV: 1 for the first 100 members, 1 per further 100 or fraction."""
    locals_ = {"l1": 1, "l100": 100, "l101": 101, "l250": 250, "l1000": 1_000}
    result = apportion(locals_, method="fixed-ratio", ratio=100, rounding="ceil")
    assert result.allocation == {"l1": 1, "l100": 1, "l101": 2, "l250": 3, "l1000": 10}


def test_sr12_city_councils_one_per_25000_voters() -> None:
    """SR-12 (C18 art 25): cities 1 per 25,000 voters; floor, no minimum (default)."""
    cities = {"big": 1_000_000, "mid": 60_000, "town": 24_999}
    result = apportion(cities, method="fixed-ratio", ratio=25_000)
    assert result.allocation == {"big": 40, "mid": 2, "town": 0}
    provinces = {"g1": 2_500_000, "g2": 374_999}
    by_inhabitants = apportion(provinces, method="fixed-ratio", ratio=125_000)
    assert by_inhabitants.allocation == {"g1": 20, "g2": 2}


def test_sr13_gubernia_cap_300_raises_the_divisor() -> None:
    """SR-13: gubernia congress 1 per 2,000 city voters, cap 300 (cap_rule default)."""
    cities = {"a": 400_000, "b": 150_000, "c": 60_000, "d": 9_000}
    free = apportion(cities, method="fixed-ratio", ratio=2_000)
    assert free.seats == 309
    capped = apportion(cities, method="fixed-ratio", ratio=2_000, cap=300)
    assert capped.seats == 300
    assert capped.divisor is not None
    assert capped.divisor > 2_000
    for name, voters in cities.items():
        assert capped.allocation[name] == voters // capped.divisor
    assert capped.allocation == apportion(cities, method="dhondt", seats=300).allocation


# Constructed memberships for 16 Länder (Die Linke publishes none per Land here).
LAENDER = {
    "BB": 5_200, "BE": 7_900, "BW": 3_900, "BY": 3_300, "HB": 550, "HE": 3_000,
    "HH": 1_600, "MV": 3_700, "NI": 3_100, "NW": 7_200, "RP": 1_500, "SH": 1_300,
    "SL": 1_400, "SN": 7_100, "ST": 4_400, "TH": 3_900,
}  # fmt: skip


def test_die_linke_adams_in_pairs() -> None:
    """Bundessatzung §16(6): 500 seats, Adams in pairs → every Land ≥ 1 pair."""
    result = apportion(LAENDER, method="adams", seats=500, seat_unit=2)
    assert result.seats == 500
    assert all(seats >= 2 and seats % 2 == 0 for seats in result.allocation.values())
    pairs = apportion(LAENDER, method="adams", seats=250)
    assert result.allocation == {land: 2 * n for land, n in pairs.allocation.items()}
    assert result.allocation["HB"] >= 2


# Constructed paid-up memberships for 20 SPD Bezirke.
BEZIRKE = {f"B{i:02}": 4_000 + 1_237 * i * i for i in range(20)}


def test_spd_two_base_seats_then_hare_niemeyer() -> None:
    """SPD: 600 delegates, 2 base seats per Bezirk, the rest by Hare–Niemeyer."""
    result = apportion(BEZIRKE, method="hare", seats=600, base_seats=2)
    assert result.seats == 600
    rest = apportion(BEZIRKE, method="hare", seats=600 - 2 * len(BEZIRKE))
    assert result.allocation == {b: 2 + n for b, n in rest.allocation.items()}
    total = sum(BEZIRKE.values())
    for bezirk, members in BEZIRKE.items():
        quota = Fraction(members * 560, total)
        assert quota - 1 < result.allocation[bezirk] - 2 < quota + 1


def test_spd_sub_district_minimum_seat_grows_the_house() -> None:
    """SPD Bezirk Hannover §18(5): Hare–Niemeyer; a unit left at 0 gets a seat."""
    ortsvereine = {"ov1": 800, "ov2": 150, "ov3": 40, "ov4": 10}
    result = apportion(ortsvereine, method="hare", seats=10, min_per_unit=1)
    # quota 100: 8 1 0.4 0.1 → 8 1 0 0, remainder seat to ov2 (.5); ov3, ov4 raised
    assert result.allocation == {"ov1": 8, "ov2": 2, "ov3": 1, "ov4": 1}
    assert result.seats == 12


@pytest.mark.parametrize("house", [435, 436, 437])
def test_us_house_sizes_are_monotone(house: int) -> None:
    populations = {state: pop for state, (pop, _) in US_2020.items()}
    smaller = apportion(populations, method="huntington-hill", seats=house - 1)
    larger = apportion(populations, method="huntington-hill", seats=house)
    assert all(larger.allocation[s] >= smaller.allocation[s] for s in populations)


# Bundestag election 2009, second votes of the parties over the 5 % threshold,
# and the 598 seats of the federal distribution (Oberverteilung) by
# Sainte-Laguë/Schepers before overhang seats (CDU 194 − 21 overhang = 173,
# CSU 45 − 3 = 42). Source: Der Bundeswahlleiter, Bundestagswahl 2009,
# endgültiges Ergebnis; the same figures are in the test suite of an
# independent implementation (R package proporz).
BUNDESTAG_2009 = {
    "CDU": (11_828_277, 173),
    "SPD": (9_990_488, 146),
    "FDP": (6_316_080, 93),
    "DIE LINKE": (5_155_933, 76),
    "GRÜNE": (4_643_272, 68),
    "CSU": (2_830_238, 42),
}
# The SPD's 146 seats over its 16 Land lists (Unterverteilung, same source).
SPD_2009_LAENDER = {
    "SH": (430_739, 6), "MV": (143_607, 2), "HH": (242_942, 4),
    "NI": (1_297_940, 19), "HB": (102_419, 2), "BB": (348_216, 5),
    "ST": (202_850, 3), "BE": (348_082, 5), "NW": (2_678_956, 39),
    "SN": (328_753, 5), "HE": (812_721, 12), "TH": (216_593, 3),
    "RP": (520_990, 8), "BY": (1_120_018, 16), "BW": (1_051_198, 15),
    "SL": (144_464, 2),
}  # fmt: skip


@pytest.mark.parametrize(
    ("table", "seats"), [(BUNDESTAG_2009, 598), (SPD_2009_LAENDER, 146)]
)
def test_bundestag_2009_sainte_lague(
    table: dict[str, tuple[int, int]], seats: int
) -> None:
    votes = {name: v for name, (v, _) in table.items()}
    result = apportion(votes, method="sainte-lague", seats=seats)
    assert result.allocation == {name: s for name, (_, s) in table.items()}
    assert result.ties == ()
