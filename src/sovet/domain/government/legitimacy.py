"""SR-28: who legitimately governs at time T, with the proof.

G is legitimate at T iff (1) G was approved (SR-21) by the latest session of
the congress before T, or by the executive committee that session elected (or
confirmed by that session, SR-26); (2) that session was credentialed (SR-17),
the vote was quorate (SR-16, enforced when it was taken) and met SR-18/19; (3)
no expiry event (SR-26) happened in (approval, T] — after the approval in the
domain's order of acts (effective time, then log sequence; ``EventRef.order``),
so an expiry recorded earlier the same day does not end a later approval.
Vacancies do not end G; they are warnings. Every answer also says what
recalls did (``chain_report``): the seats above the councils still vacant,
the by-elections due, whether the governing bloc keeps its majority at the
latest congress, and whether the seats are recorded in aggregate (counts
without names, as the 1917 sources give them). The answer is that of the state
folded from the events recorded up to T, so it is right for any T; a past T is
looked up in the state's time index (``timeline.TimeIndex``: one fold, then a
bisection).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sovet.domain.government import chain_report
from sovet.domain.government.formation import electing_congress, government_body
from sovet.domain.government.legitimacy_words import (
    ends_when as _ends_when,
)
from sovet.domain.government.legitimacy_words import (
    lost_majority as _lost_majority,
)
from sovet.domain.government.legitimacy_words import pending as _pending
from sovet.domain.government.legitimacy_words import vacancy as _vacancy
from sovet.domain.government.records import GovernmentRecord
from sovet.domain.kernel.assembly import Assembly
from sovet.domain.kernel.calendar import display, moment
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.replay import ordered_rows
from sovet.domain.kernel.state import FederationState
from sovet.domain.kernel.timeline import TimeIndex
from sovet.errors import says

__all__ = ["Legitimacy", "index_answer", "legitimacy", "time_index"]


@dataclass(frozen=True, slots=True)
class Legitimacy:
    """SR-28: the answer; ``to_json()`` is the DESIGN §4 contract."""

    at: str
    government: dict[str, Any] | None
    bloc: list[str]
    approved_by: dict[str, Any] | None
    ends_when: list[str]
    proof: list[EventRef]
    warnings: list[str] = field(default_factory=list)
    vacancies: list[dict[str, Any]] = field(default_factory=list)
    by_elections: list[dict[str, Any]] = field(default_factory=list)
    majority: dict[str, Any] | None = None
    aggregate: bool = False

    def to_json(self) -> dict[str, Any]:
        """``{at, government, bloc, approved_by, ends_when, proof, warnings}``
        and what recalls did: ``vacancies``, ``by_elections``, ``majority`` and
        the ``aggregate`` mark (``chain_report``)."""
        return {
            "at": self.at,
            "government": self.government,
            "bloc": list(self.bloc),
            "approved_by": self.approved_by,
            "ends_when": list(self.ends_when),
            "proof": [ref.to_json() for ref in self.proof],
            "warnings": list(self.warnings),
            "vacancies": copy.deepcopy(self.vacancies),
            "by_elections": copy.deepcopy(self.by_elections),
            "majority": copy.deepcopy(self.majority),
            "aggregate": self.aggregate,
        }


def _none(at: str, why: str, proof: list[EventRef] | None = None) -> Legitimacy:
    return Legitimacy(at, None, [], None, [], proof or [], [why])


def _national(state: FederationState) -> str | None:
    levels = state.constitution.levels
    congresses = [b for b in state.bodies.values() if b.kind == "congress"]
    if not congresses:
        return None
    top = max(
        congresses, key=lambda b: levels.index(b.level) if b.level in levels else -1
    )
    return top.id


def legitimacy(state: FederationState, at: str, body: str | None = None) -> Legitimacy:
    """SR-28: the legitimate government of ``body`` (default: the top congress).

    Before its last act, that of the events up to T: from the state's time index
    (``timeline.TimeIndex``: built on the first such question, rebuilt when the
    log grew; not needed before the first act) or refolded."""
    zone = state.zone
    limit = moment(at, end_of_day=True, zone=zone)
    if state.first_at is not None and moment(state.first_at, zone=zone) > limit:
        return _dated(_undated(FederationState(kept=None), body), at)  # no act yet
    if state.last_at is not None and moment(state.last_at, zone=zone) > limit:
        index = _index(state, body)
        if index is not None:
            return _dated(index.at(limit), at)
        state = state.as_of(at)
    return _dated(_undated(state, body), at)


@dataclass(frozen=True, slots=True)
class _Undated:
    """An answer without its question time; ``no_session`` names the congress
    when none had convened (the only answer whose text names the time)."""

    answer: Legitimacy
    no_session: str | None = None


def index_answer(body: str | None) -> Callable[[FederationState], _Undated]:
    """What the time index of ``body`` keeps after each group (snapshots go on)."""
    return lambda folded: _undated(folded, body)


def _index(state: FederationState, body: str | None) -> TimeIndex[_Undated] | None:
    kept = state.time_indexes.get(body)
    index = kept if isinstance(kept, TimeIndex) else None
    if index is not None and index.covered == state.size:
        return index

    def evaluate(folded: FederationState) -> _Undated:
        return _undated(folded, body)

    # Extending evaluates the live state, which is the fold of its log when its
    # constitution came from the log (a state built with another one is not).
    if index is not None and state.constitution_ref is not None:
        index = index.extend(state, evaluate)
    if index is None or index.covered != state.size:
        index = TimeIndex.build(
            ordered_rows(state), evaluate, voided=state.voided, zone=state.zone
        )
    state.time_indexes[body] = index
    return index


time_index = _index  # public: a snapshot's writer builds the index it keeps


def _dated(undated: _Undated, at: str) -> Legitimacy:
    """The answer for question time ``at``, in fresh containers (callers own it)."""
    if undated.no_session is not None:
        none = _none(
            at,
            says(
                "no government: no session of the {body} had convened by {day}, and "
                "only a congress of councils or the executive committee it elected "
                "can form a government (SR-1, SR-28)",
                body=undated.no_session,
                day=display(at),
            ),
        )
        return replace(
            none,
            warnings=[*none.warnings, *undated.answer.warnings[1:]],
            by_elections=copy.deepcopy(undated.answer.by_elections),
            aggregate=undated.answer.aggregate,
        )
    answer = undated.answer
    return replace(
        answer,
        at=at,
        government=copy.deepcopy(answer.government),
        bloc=list(answer.bloc),
        approved_by=dict(answer.approved_by) if answer.approved_by else None,
        ends_when=list(answer.ends_when),
        proof=list(answer.proof),
        warnings=list(answer.warnings),
        vacancies=copy.deepcopy(answer.vacancies),
        by_elections=copy.deepcopy(answer.by_elections),
        majority=copy.deepcopy(answer.majority),
    )


def _undated(state: FederationState, body: str | None) -> _Undated:
    """SR-28 on ``state`` as it stands (``at`` left empty, see ``_dated``),
    with what recalls did (``chain_report``)."""
    undated = _answer_of(state, body)
    answer = replace(
        undated.answer,
        warnings=[*undated.answer.warnings, *_void_warnings(state)],
        vacancies=chain_report.vacancies(state),
        by_elections=chain_report.by_elections(state),
        aggregate=chain_report.is_aggregate(state),
    )
    return replace(undated, answer=answer)


def _void_warnings(state: FederationState) -> list[str]:
    """SR-28: the acts that no longer count (voided or annulled), and why."""
    return [
        says(
            "{rule}: the act at seq {seqs} does not count: {reason} (recorded at "
            "seq {seq}, {type})",
            rule=void.rule,
            seqs=", ".join(map(str, void.seqs)),
            reason=void.reason,
            seq=void.ref.seq,
            type=void.ref.type,
        )
        for void in state.voids
    ]


def _answer_of(state: FederationState, body: str | None) -> _Undated:
    at = ""
    body = body or _national(state)
    latest = state.latest_congress(body) if body in state.bodies else None
    if body is None or latest is None:
        name = (
            state.bodies[body].name if body in state.bodies else "congress of councils"
        )
        return _Undated(_none(at, ""), name)
    governments = [
        g
        for g in state.governments.values()
        if g.status == "approved" and government_body(state, g) == body
    ]
    if not governments:
        why = _ended_reason(state, body) or (
            says("{name} has approved no government yet (SR-21)", name=latest.name)
        )
        said = says("no government: {why}", why=why)
        return _Undated(_none(at, said, [latest.made_by]))
    gov = governments[-1]
    motion = state.motions[gov.approved_by or ""]
    assembly = state.assemblies[motion.assembly]
    congress = electing_congress(state, assembly)
    if congress.id != latest.id:
        return _Undated(
            _none(
                at,
                says(
                    "no government: the mandate of {government} ended when {name} "
                    "convened on {day} (SR-26); it has not yet confirmed or "
                    "replaced the government",
                    government=gov.name,
                    name=latest.name,
                    day=display(latest.opened_at),
                ),
                [motion.closed or motion.proposed, latest.made_by],
            )
        )
    approved = (motion.closed or motion.proposed).order()
    for expiry in state.expiries:
        if expiry.body == body and expiry.ref.order() > approved:
            return _Undated(
                _none(
                    at,
                    says(
                        "no government: the mandate of {government} ended by "
                        "{condition} on {day} (SR-26)",
                        government=gov.name,
                        condition=expiry.condition,
                        day=display(expiry.ref.at),
                    ),
                    [expiry.ref],
                )
            )
    return _Undated(_answer(state, at, gov, assembly, congress))


def _ended_reason(state: FederationState, body: str) -> str | None:
    ended = [
        g
        for g in state.governments.values()
        if g.status == "ended" and government_body(state, g) == body
    ]
    ref = ended[-1].ended if ended else None
    if ref is None:
        return None
    last = ended[-1]
    return says(
        "{name} ended ({reason}) on {day} (SR-26)",
        name=last.name,
        reason=last.ended_reason,
        day=display(ref.at),
    )


def _answer(
    state: FederationState,
    at: str,
    gov: GovernmentRecord,
    assembly: Assembly,
    congress: Assembly,
) -> Legitimacy:
    motion = state.motions[gov.approved_by or ""]
    closed = motion.closed or motion.proposed
    offices, warnings = _offices(state, gov, assembly)
    bloc_names = [state.factions[f].name for f in gov.bloc if f in state.factions]
    unrecorded = motion.unrecorded
    approved_by = {
        "body": assembly.name,
        "event_seq": closed.seq,
        "for": None if unrecorded else motion.yes,
        "against": None if unrecorded else motion.no,
        "abstain": None if unrecorded else motion.abstain,
        "seated": motion.seated_at_vote,
    }
    if unrecorded:
        held, total = motion.supporters_seats, motion.seated_at_vote
        supporters = ", ".join(
            state.factions[f].name if f in state.factions else f
            for f in motion.supported_by
        )
        warnings.append(
            says(
                "the vote of {body} on {day} has no recorded count in the sources "
                "(adopted by majority); its majority was checked against the "
                "seated composition: {supporters} held {held} of {total} seats",
                body=assembly.name,
                day=display(closed.at),
                supporters=supporters,
                held=held,
                total=total,
            )
        )
    warnings += _pending(state, gov)
    warnings += _lost_majority(state, gov, congress)
    return Legitimacy(
        at=at,
        government={"name": gov.name, "offices": offices},
        bloc=bloc_names,
        approved_by=approved_by,
        ends_when=_ends_when(state, congress),
        proof=_proof(state, gov, congress, assembly),
        warnings=warnings,
        majority=chain_report.majority(state, congress, gov.bloc),
    )


def _offices(
    state: FederationState, gov: GovernmentRecord, assembly: Assembly
) -> tuple[list[dict[str, str | None]], list[str]]:
    """The offices with their holders, and a warning for each vacant one."""
    offices: list[dict[str, str | None]] = []
    warnings: list[str] = []
    for office in gov.offices.values():
        person = state.persons.get(office.person or "")
        faction = state.factions.get(office.faction or "")
        offices.append(
            {
                "office": office.title or office.office,
                "person": person.name if person else None,
                "faction": faction.name if faction else None,
            }
        )
        if office.person is None:
            warnings.append(
                _vacancy(state, assembly, office.title or office.office, office.vacated)
            )
    return offices, warnings


def _proof(
    state: FederationState,
    gov: GovernmentRecord,
    congress: Assembly,
    assembly: Assembly,
) -> list[EventRef]:
    refs: dict[int, EventRef] = {}

    def add(ref: EventRef | None) -> None:
        if ref is not None:
            refs[ref.seq] = ref

    add(state.constitution_ref)
    add(congress.made_by)
    add(congress.credentials_committee)
    for ref in congress.credentials:
        add(ref)
    if assembly.kind == "executive_committee":
        add(assembly.made_by)
    add(gov.submitted)
    for motion_id in gov.approvals:
        motion = state.motions[motion_id]
        add(motion.proposed)
        add(motion.closed)
    for offer in state.offers.values():
        if offer.government == gov.id and offer.status == "accepted":
            add(offer.answer)
    for office in gov.offices.values():
        add(office.vacated)
    for motion in state.motions.values():
        if motion.subject == gov.id and motion.status == "adopted":
            add(motion.closed)
    return [refs[k] for k in sorted(refs)]
