"""The closed sets of the constitution: one ``Literal`` per choice parameter.

``Constitution.from_mapping`` refuses any other value, naming the parameter
and the allowed values (``convert`` checks a ``Literal`` as it decodes).
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "AnnulBy",
    "ApportionmentMethod",
    "BreachEffect",
    "CapRule",
    "CommitteePlaceFilledBy",
    "DecisionBasis",
    "DecisionMajority",
    "DelegatesChosenBy",
    "DeputySeatFilledBy",
    "EcElectionMethod",
    "ExtraordinaryBasis",
    "MajorityBasis",
    "NominatedBy",
    "PopulationBasis",
    "PublicCriticism",
    "QuorumBasis",
    "RecallBasis",
    "RecallMode",
    "Rounding",
    "VacancyFilledBy",
]

AnnulBy = Literal["next_higher_body", "national_executive_committee"]
"""SR-8: who annuls a council election (C18 art 51)."""

RecallMode = Literal["re_election", "petition_ends_mandate", "recall_vote"]
"""SR-10: what a recall petition leads to."""

RecallBasis = Literal["registered_electorate", "votes_cast", "members"]
"""SR-10: what the recall threshold is a share of."""

ApportionmentMethod = Literal[
    "fixed_ratio",
    "hare",
    "dhondt",
    "sainte-lague",
    "sainte-lague-1.4",
    "adams",
    "huntington-hill",
    "droop",
    "hagenbach-bischoff",
]
"""SR-12…SR-14: how delegates are apportioned."""

PopulationBasis = Literal["voters", "inhabitants", "members", "paid_dues"]
"""SR-12: what a unit's delegates are counted from."""

Rounding = Literal["floor", "nearest", "ceil"]
"""SR-12: how a fixed-ratio quotient is rounded."""

CapRule = Literal["divisor", "truncate"]
"""SR-13: how a cap on delegates is met."""

ExtraordinaryBasis = Literal["population", "members", "voters"]
"""SR-15: what the share calling an extraordinary congress is of."""

QuorumBasis = Literal["apportioned", "seated"]
"""SR-16: what the quorum is a share of."""

MajorityBasis = Literal["seated", "present", "votes_cast"]
"""SR-18: what the governing majority is a share of."""

DecisionMajority = Literal["simple", "absolute", "two_thirds"]
"""SR-19: the majority a decision needs."""

DecisionBasis = Literal["votes_cast", "present", "seated"]
"""SR-19: what a decision's majority is a share of."""

EcElectionMethod = Literal["faction_lists", "slate"]
"""SR-20: how the executive committee is elected."""

NominatedBy = Literal["majority_faction", "any_faction"]
"""SR-21: who may nominate the government list."""

VacancyFilledBy = Literal["forming_body_or_executive", "forming_body"]
"""SR-30: who fills a vacant office of the government."""

BreachEffect = Literal["record", "block", "refer"]
"""SR-29: what leaving under a hold on resignation does."""

PublicCriticism = Literal["breach", "allowed_if_not_disruptive"]
"""SR-31: public criticism of a decision after it is taken."""

DelegatesChosenBy = Literal["council", "delegate_election"]
"""SR-12: who chooses a council's delegates."""

CommitteePlaceFilledBy = Literal["electing_body_or_committee", "electing_body"]
"""SR-20: who fills a vacant committee place."""

DeputySeatFilledBy = Literal["by_election", "next_on_list"]
"""SR-9/SR-10: how a deputy's seat lost early is filled."""
