"""SR-9/SR-10: the pure recall rules — modes, exact thresholds, cool-down, petitions.

See ``sovet.domain.recalls`` for the three modes and the commands that use these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, Protocol

from sovet.domain.franchise.eligibility import Roll
from sovet.errors import NotFound, RuleViolation, says

if TYPE_CHECKING:
    from sovet.domain.elections.deputies import SeatHolder
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "RECALL_MODES",
    "PetitionCheck",
    "RecallMode",
    "RecallParams",
    "at_least",
    "check_cooldown",
    "check_mode",
    "check_petition",
    "holder_of",
    "more_than",
    "passes",
    "petition_met",
    "recall_vote_passes",
]

RecallMode = Literal["re_election", "petition_ends_mandate", "recall_vote"]
RECALL_MODES: tuple[str, ...] = ("re_election", "petition_ends_mandate", "recall_vote")


class RecallParams(Protocol):
    """SR-9/SR-10 parameters (``Constitution.recall``; 1917 defaults in brackets)."""

    @property
    def recall_mode(self) -> str: ...  # re_election
    @property
    def recall_threshold(self) -> Fraction: ...  # 1/2
    @property
    def recall_threshold_strict(self) -> bool: ...  # True: "more than"
    @property
    def recall_basis(self) -> str: ...  # registered_electorate
    @property
    def recall_petition_share(self) -> Fraction: ...  # recall_vote trigger
    @property
    def turnout_floor(self) -> Fraction: ...  # recall_vote only
    @property
    def recall_cooldown_days(self) -> int: ...  # 0: at any time
    @property
    def recalled_may_stand(self) -> bool: ...  # True (assumption)


def check_mode(params: RecallParams, *expected: str) -> None:
    """SR-10: refuse a recall step the constitution's recall mode does not have."""
    if params.recall_mode not in RECALL_MODES:
        raise RuleViolation(
            "SR-10",
            says("unknown recall mode {recall_mode!r}", recall_mode=params.recall_mode),
            params.recall_mode,
        )
    if params.recall_mode not in expected:
        raise RuleViolation(
            "SR-10",
            says(
                "the recall mode is {recall_mode!r}; this step belongs to {expected}",
                recall_mode=params.recall_mode,
                expected=" or ".join(expected),
            ),
            params.recall_mode,
        )


def more_than(part: int, whole: int, share: Fraction) -> bool:
    """``part / whole > share``, exactly (exactly half is not more than half)."""
    return whole > 0 and part * share.denominator > share.numerator * whole


def at_least(part: int, whole: int, share: Fraction) -> bool:
    """``part / whole >= share``, exactly."""
    return whole > 0 and part * share.denominator >= share.numerator * whole


def check_cooldown(
    at: date,
    *,
    seated_on: date,
    last_failed_attempt: date | None,
    cooldown_days: int,
) -> None:
    """SR-9: recall at any time, unless a cool-down of ``cooldown_days`` after
    taking the seat or after a failed attempt has not yet run out."""
    if at < seated_on:
        raise RuleViolation(
            "SR-9",
            says(
                "recall on {at} before the deputy took the seat ({seated_on})",
                at=at,
                seated_on=seated_on,
            ),
            at,
        )
    if cooldown_days <= 0:
        return
    for start, what in (
        (seated_on, says("taking the seat")),
        (last_failed_attempt, says("the last failed recall")),
    ):
        if start is None:
            continue
        ends = start + timedelta(days=cooldown_days)
        if at < ends:
            raise RuleViolation(
                "SR-9",
                says(
                    "recall on {at} is within the {cooldown_days}-day cool-down "
                    "after {what} on {start} (open again on {ends})",
                    at=at,
                    cooldown_days=cooldown_days,
                    what=what,
                    start=start,
                    ends=ends,
                ),
                at,
            )


@dataclass(frozen=True, slots=True)
class PetitionCheck:
    """SR-10: a petition's valid signatures (voters on the roll, once each)."""

    signed: int
    registered: int
    invalid: tuple[str, ...] = ()


def check_petition(signers: Iterable[str], roll: Roll) -> PetitionCheck:
    """SR-10: count a petition against the roll: only registered voters, once."""
    voters = roll.voters
    valid: set[str] = set()
    invalid: list[str] = []
    for signer in signers:
        if signer in voters and signer not in valid:
            valid.add(signer)
        else:
            invalid.append(signer)
    return PetitionCheck(len(valid), roll.size, tuple(invalid))


def passes(part: int, whole: int, share: Fraction, *, strict: bool) -> bool:
    """SR-10: ``part / whole`` past ``share`` ("more than" if ``strict``)."""
    return more_than(part, whole, share) if strict else at_least(part, whole, share)


def petition_met(check: PetitionCheck, params: RecallParams) -> bool:
    """SR-10: a petition reaches the mode's share of the registered electorate.

    ``re_election``/``petition_ends_mandate``: ``recall_threshold`` (strict or
    not); ``recall_vote``: at least ``recall_petition_share`` calls the vote.
    """
    if params.recall_mode == "recall_vote":
        return at_least(check.signed, check.registered, params.recall_petition_share)
    if params.recall_basis == "votes_cast":
        raise RuleViolation(
            "SR-10",
            says(
                "a petition is measured against the electorate, not votes "
                "cast (recall_mode {recall_mode!r})",
                recall_mode=params.recall_mode,
            ),
            params.recall_basis,
        )
    return passes(
        check.signed,
        check.registered,
        params.recall_threshold,
        strict=params.recall_threshold_strict,
    )


def recall_vote_passes(
    yes: int, no: int, blank: int, *, registered: int, params: RecallParams
) -> bool:
    """SR-10 ``recall_vote``: turnout ≥ ``turnout_floor`` of the roll and the yes
    votes past ``recall_threshold`` of the basis (votes cast or the roll)."""
    if min(yes, no, blank) < 0 or yes + no + blank > registered:
        raise RuleViolation(
            "SR-10",
            says(
                "recall vote figures yes={yes} no={no} blank={blank} do not "
                "fit a roll of {registered}",
                yes=yes,
                no=no,
                blank=blank,
                registered=registered,
            ),
            (yes, no, blank),
        )
    if not at_least(yes + no + blank, registered, params.turnout_floor):
        return False
    whole = yes + no if params.recall_basis == "votes_cast" else registered
    return passes(
        yes, whole, params.recall_threshold, strict=params.recall_threshold_strict
    )


def holder_of(state: FederationState, constituency: str, deputy: str) -> SeatHolder:
    """SR-9: the seat ``deputy`` holds in ``constituency``, or ``NotFound``."""
    record = state.constituency(constituency)
    if deputy not in record.holders:
        raise NotFound(
            "SR-9",
            says(
                "{deputy!r} holds no seat of {constituency!r}",
                deputy=deputy,
                constituency=constituency,
            ),
            deputy,
        )
    return record.holders[deputy]
