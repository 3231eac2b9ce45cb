"""The constitution: every parameter of RULES.md as a frozen dataclass tree.

Defaults are the 1918 ones (C18, the 1917 decrees) where RULES.md gives them;
open points of RULES.md are parameters whose default is documented on the field
(``# open:`` comments). ``Constitution.from_mapping(data, source)`` reads a
parsed TOML table and refuses unknown keys, wrong types and out-of-range values
with ``ConstitutionError(reason, source=…, key="group.param")``; ``to_mapping()``
is the inverse (fractions as ``"1/3"`` strings, no floats).

A closed set is a ``Literal`` type (``kernel/choices.py``); other range checks
are declared on the field: ``metadata={"min": …}``, ``{"max": …}``,
``{"choices": …}`` or ``{"items": …}`` (choices for every element of a tuple).
To add a parameter: add a field with a default (and its type or metadata) to
the group; ``from_mapping``/``to_mapping`` pick it up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NoReturn, Self

from sovet.domain.kernel.choices import (
    AnnulBy,
    ApportionmentMethod,
    BreachEffect,
    CapRule,
    CommitteePlaceFilledBy,
    DecisionBasis,
    DecisionMajority,
    DelegatesChosenBy,
    DeputySeatFilledBy,
    EcElectionMethod,
    ExtraordinaryBasis,
    MajorityBasis,
    NominatedBy,
    PopulationBasis,
    PublicCriticism,
    QuorumBasis,
    RecallBasis,
    RecallMode,
    Rounding,
    VacancyFilledBy,
)
from sovet.domain.kernel.constitution_checks import check_constitution
from sovet.domain.kernel.convert import dataclass_from_plain, to_plain
from sovet.errors import ConstitutionError

__all__ = [
    "DATED_PARAMETERS",
    "EXPIRY_EVENTS_1918",
    "LEVELS_1918",
    "ApportionmentParams",
    "CentralismParams",
    "ChainParams",
    "CoalitionParams",
    "CongressParams",
    "Constitution",
    "CouncilsParams",
    "DemandsParams",
    "DissentParams",
    "ExecutiveParams",
    "ExpiryParams",
    "FranchiseGroup",
    "GovernmentParams",
    "HoldsParams",
    "MajorityParams",
    "RecallParams",
    "RecordsParams",
]

LEVELS_1918 = ("village", "volost", "uyezd", "gubernia", "oblast", "national")
"""SR-2: the six levels of C18, bottom-up."""

EXPIRY_EVENTS_1918 = (
    "next_congress",
    "council_reelection",
    "executive_forms_new",
    "withdrawn_by_majority",
)
"""SR-26: the four events that end a government's mandate (SEED; C18 art 35)."""

_EXPIRY_CHOICES = (*EXPIRY_EVENTS_1918, "constituent_assembly")

DATED_PARAMETERS = ("executive.ec_size_max", "councils.ec_max_size")
"""Parameters that may carry the date they come into force (``in_force``): caps,
which before that date do not bind (SR-3/SR-20: C18's CEC cap of 200 dates from
10 Jul 1918; the Third Congress elected a CEC of 306 in Jan 1918)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FranchiseGroup:
    """SR-4/SR-5: who votes and who is excluded (C18 arts 64–65)."""

    min_age: int = field(default=18, metadata={"min": 0, "max": 150})
    eligible_categories: tuple[str, ...] = (
        "labour",
        "housekeeping",
        "soldier",
        "sailor",
        "incapacitated",
        "foreign_worker",
    )
    excluded_categories: tuple[str, ...] = (
        "employer",
        "unearned_income",
        "private_trader",
        "clergy",
        "old_regime_agent",
        "insane_or_ward",
        "deprived_by_sentence",
    )
    age_lowering_needs_approval: bool = True
    passive_equals_active: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class CouncilsParams:
    """SR-3, SR-6…SR-8: council sizes, terms, elections and verification."""

    deputy_ratio_city: int = field(default=1000, metadata={"min": 1})
    council_min_city: int = field(default=50, metadata={"min": 1})
    council_max_city: int = field(default=1000, metadata={"min": 1})
    deputy_ratio_rural: int = field(default=100, metadata={"min": 1})
    council_min_rural: int = field(default=3, metadata={"min": 1})
    council_max_rural: int = field(default=50, metadata={"min": 1})
    deputy_term_months: int = field(default=3, metadata={"min": 1})
    # open: C18 art 57 note names no figure for "small places"; 0 = never.
    assembly_instead_below: int = field(default=0, metadata={"min": 0})
    election_day_set_by: str = "local_council"
    commission_required: bool = True
    annul_by: AnnulBy = "next_higher_body"
    final_instance: str = "national_executive_committee"
    counting_method: str = "plurality"
    ec_max_size: dict[str, int] = field(
        default_factory=lambda: {
            "national": 200,
            "oblast": 25,
            "gubernia": 25,
            "uyezd": 20,
            "volost": 10,
            "village": 5,
        }
    )
    council_call_share: Fraction = field(
        default=Fraction(1, 2), metadata={"min": 0, "max": 1}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RecallParams:
    """SR-9…SR-11: recall of deputies and delegates."""

    # SR-9 "at any time" is fixed: RULES.md gives no schedule for ``false``, and
    # the only restriction it names is the cool-down (``recall_cooldown_days``),
    # which the recall commands enforce. Kept (true only) so that logs whose
    # adopted constitution carries the key still replay.
    recall_anytime: bool = True
    recall_mode: RecallMode = "re_election"
    recall_threshold: Fraction = field(
        default=Fraction(1, 2), metadata={"min": 0, "max": 1}
    )
    recall_threshold_strict: bool = True
    recall_basis: RecallBasis = "registered_electorate"
    turnout_floor: Fraction = field(default=Fraction(0), metadata={"min": 0, "max": 1})
    # SR-10 (recall.recalls): share of the roll whose petition calls a recall_vote.
    recall_petition_share: Fraction = field(
        default=Fraction(0), metadata={"min": 0, "max": 1}
    )
    recall_cooldown_days: int = field(default=0, metadata={"min": 0})
    # open: RULES.md SR-10 marks this an assumption (the source is silent).
    recalled_may_stand: bool = True
    delegate_recall_by: str = "sending_body"
    imperative_mandate: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ApportionmentParams:
    """SR-12…SR-14: how many delegates each unit sends."""

    method: ApportionmentMethod = "fixed_ratio"
    ratio_city: int = field(default=25_000, metadata={"min": 1})
    basis_city: PopulationBasis = "voters"
    ratio_province: int = field(default=125_000, metadata={"min": 1})
    basis_province: PopulationBasis = "inhabitants"
    # open: C18 art 25 states neither rounding nor minimum (RULES SR-12).
    rounding: Rounding = "floor"
    min_per_unit: int = field(default=0, metadata={"min": 0})
    base_seats_per_unit: int = field(default=0, metadata={"min": 0})
    seat_unit: int = field(default=1, metadata={"min": 1, "max": 2})
    house_size: int = field(default=0, metadata={"min": 0})  # 0: none (fixed ratio)
    # open: C18 art 53 gives caps but no rule to meet them (RULES SR-13).
    cap_rule: CapRule = "divisor"
    caps: dict[str, int] = field(
        default_factory=lambda: {"oblast": 500, "gubernia": 300, "uyezd": 300}
    )
    fallback_sender: str = "uyezd"
    city_direct_levels: tuple[str, ...] = ("gubernia", "oblast", "national")


@dataclass(frozen=True, slots=True, kw_only=True)
class CongressParams:
    """SR-15…SR-17: convocation, quorum, credentials."""

    min_sessions_per_year: int = field(default=2, metadata={"min": 0})
    extraordinary_share: Fraction = field(
        default=Fraction(1, 3), metadata={"min": 0, "max": 1}
    )
    extraordinary_basis: ExtraordinaryBasis = "population"
    # open: the 1918 text sets no quorum; R1905 party practice: half (SR-16).
    quorum_share: Fraction = field(
        default=Fraction(1, 2), metadata={"min": 0, "max": 1}
    )
    quorum_strict: bool = False
    quorum_basis: QuorumBasis = "apportioned"
    vote_kinds: tuple[str, ...] = field(
        default=("decisive", "consultative"),
        metadata={"items": ("decisive", "consultative")},
    )
    credentials_first: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class MajorityParams:
    """SR-18/SR-19: the governing majority and the majority decisions need."""

    majority_basis: MajorityBasis = "seated"
    bloc_allowed: bool = True
    decision_majority: DecisionMajority = "simple"
    decision_basis: DecisionBasis = "votes_cast"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutiveParams:
    """SR-20/SR-22: the executive committee a congress elects."""

    ec_size_max: int = field(default=200, metadata={"min": 1})
    # open: C18 is silent on how the CEC is elected; faction lists by agreement.
    ec_election_method: EcElectionMethod = "faction_lists"
    report_interval_days: int = field(default=7, metadata={"min": 0})
    interpellation_min: int = field(default=15, metadata={"min": 0})


@dataclass(frozen=True, slots=True, kw_only=True)
class GovernmentParams:
    """SR-1, SR-21, SR-22, SR-30: who forms the government and fills vacancies."""

    formed_by: tuple[str, ...] = field(
        default=("congress", "executive_committee"),
        metadata={"items": ("congress", "executive_committee")},
    )
    nominated_by: NominatedBy = "majority_faction"
    # The 1917 approval has no recorded count (FACTS §1); only rsfsr1918 allows it.
    allow_unrecorded_tally: bool = False
    vacancy_filled_by: VacancyFilledBy = "forming_body_or_executive"
    urgent_decrees: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class CoalitionParams:
    """SR-23/SR-24: offers to a minority and the loyalty commitment."""

    commitment_required: bool = True
    offer_expires_days: int = field(default=0, metadata={"min": 0})  # 0: never


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandsParams:
    """SR-25: demands (ultimatums) are recorded and bind nothing (fixed)."""

    demands_binding: bool = field(default=False, metadata={"choices": (False,)})


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpiryParams:
    """SR-26: the events that end a government's mandate."""

    expiry_events: tuple[str, ...] = field(
        default=EXPIRY_EVENTS_1918, metadata={"items": _EXPIRY_CHOICES}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldsParams:
    """SR-29: what leaving under a hold on resignation does."""

    breach_effect: BreachEffect = "record"


@dataclass(frozen=True, slots=True, kw_only=True)
class DissentParams:
    """SR-31: written dissent and criticism after a decision."""

    dissent_declaration: bool = True
    public_criticism_after_decision: PublicCriticism = "breach"


@dataclass(frozen=True, slots=True, kw_only=True)
class CentralismParams:
    """SR-32: higher bodies bind lower ones; factions allowed (1917) or not (1921)."""

    higher_binds_lower: bool = True
    factions_allowed: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainParams:
    """SR-2, SR-10…SR-12, SR-17, SR-20: seats held by persons, from the councils up.

    Outside an ``aggregate`` constitution every seat is a person's: delegates
    are credentialed by name, committees elected by name, and the counts per
    faction are those of the persons; a seat above is given only to a holder of
    the seat below, and ends when that one is lost early (``vacate_above``).
    """

    # The sources give seats only as counts per faction (rsfsr1918): credentials,
    # committees and council compositions may then be recorded in bulk.
    aggregate: bool = False
    # SR-12: a council sends its seated deputies, chosen by the council
    # ("council"), or whom its members elect as delegates from among themselves
    # ("delegate_election": any elector on its register; the seat then rests on no
    # deputy's seat). Open: C18 art 25 says councils send, not how they choose.
    delegates_chosen_by: DelegatesChosenBy = "council"
    # SR-20: a committee place is given only to a delegate of the electing
    # congress. Open: C18 art 28 is silent; SR-32 "elected from the bottom up".
    ec_from_delegates: bool = True
    # SR-11: a seat lost early (recall, resignation, replacement, annulment)
    # vacates every seat the person holds that came from it, at every level.
    vacate_above: bool = True
    # SR-20: a vacant committee place is filled by the congress that elected
    # the committee while it sits, then by the committee itself
    # ("electing_body_or_committee"), or only by that congress ("electing_body").
    committee_place_filled_by: CommitteePlaceFilledBy = "electing_body_or_committee"
    # SR-9/SR-10: a deputy's seat lost early goes to a by-election (1917: the
    # re-election of the decree) or to the next on the list the seat was won from.
    deputy_seat_filled_by: DeputySeatFilledBy = "by_election"
    # SR-10: days from the vacancy by which the by-election's polling day must
    # fall; 0 = no deadline (the decree of 21 Nov (4 Dec) 1917 gives none).
    by_election_within_days: int = field(default=0, metadata={"min": 0})


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordsParams:
    """SR-28: the time of the records — what a bare date means, late entries."""

    # A bare date (``1917-11-07``) means that whole day in this zone: ``UTC`` or
    # a fixed offset ``+HH:MM``/``-HH:MM`` (no zone database: a rule must mean
    # the same for ever, and the domain reads no files).
    timezone: str = "UTC"
    # How many days back a live late entry (API, web) may be dated; scenario
    # files are the operator's and may go back any time. Open: the sources set
    # no limit; a week covers minutes entered after a weekly meeting.
    late_entry_days: int = field(default=7, metadata={"min": 0})


@dataclass(frozen=True, slots=True, kw_only=True)
class Constitution:
    """Every parameter of RULES.md, grouped; the defaults are the 1918 ones."""

    name: str = "default"
    levels: tuple[str, ...] = LEVELS_1918
    franchise: FranchiseGroup = field(default_factory=FranchiseGroup)
    councils: CouncilsParams = field(default_factory=CouncilsParams)
    recall: RecallParams = field(default_factory=RecallParams)
    apportionment: ApportionmentParams = field(default_factory=ApportionmentParams)
    congress: CongressParams = field(default_factory=CongressParams)
    majority: MajorityParams = field(default_factory=MajorityParams)
    executive: ExecutiveParams = field(default_factory=ExecutiveParams)
    government: GovernmentParams = field(default_factory=GovernmentParams)
    coalition: CoalitionParams = field(default_factory=CoalitionParams)
    demands: DemandsParams = field(default_factory=DemandsParams)
    expiry: ExpiryParams = field(default_factory=ExpiryParams)
    holds: HoldsParams = field(default_factory=HoldsParams)
    dissent: DissentParams = field(default_factory=DissentParams)
    centralism: CentralismParams = field(default_factory=CentralismParams)
    chain: ChainParams = field(default_factory=ChainParams)
    records: RecordsParams = field(default_factory=RecordsParams)
    # "group.param" → ISO date from which that cap binds (see DATED_PARAMETERS).
    in_force: dict[str, str] = field(
        default_factory=dict, metadata={"items": DATED_PARAMETERS}
    )

    def binds(self, key: str, at: str) -> bool:
        """Whether parameter ``key`` is in force at ``at`` (undated: always)."""
        start = self.in_force.get(key)
        return start is None or at[:10] >= start

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], source: str) -> Self:
        """Read a parsed TOML table; refuse unknown keys, bad types and ranges."""

        def fail(reason: str, key: str) -> NoReturn:
            raise ConstitutionError(reason, source=source, key=key)

        built: Self = dataclass_from_plain(cls, data, key="", fail=fail)
        check_constitution(built, fail)
        return built

    def to_mapping(self) -> dict[str, Any]:
        """The plain (TOML/JSON-safe) form; ``from_mapping`` reads it back."""
        plain: dict[str, Any] = to_plain(self)
        return plain
