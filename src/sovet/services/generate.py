"""``sovet generate``: a seeded synthetic federation at scale (issue 5, "Scale").

The federation: ``members`` persons on the electoral registers (SR-4) of
``councils`` councils (one constituency each, SR-6), an election in every
constituency with ranked ballots (SR-7) verified by the council (SR-8), a
national congress apportioned from the councils (SR-12…SR-14), credentialed
per sender (SR-17), an executive committee (SR-20) and a government approved by
the congress (SR-21), then a stream of recall petitions, re-elections ordered by
the councils and by-elections (SR-9…SR-11). ``scale`` shrinks every count.

Every event goes through the real command path — ``decide`` (all rules checked)
then the store's ``append`` (hash chain, stream versions) — but many commands
share one transaction (``BatchWriter``): the events are linked in memory to
evolve the state between commands, and the store links them again on append;
the two chains must agree (``ChainBroken`` otherwise).
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sovet.counting.methods import get_method
from sovet.domain import Command, FederationState, decide, evolve
from sovet.domain.bodies.registration import (
    AdoptConstitution,
    RegisterBody,
    RegisterFaction,
    RegisterPerson,
)
from sovet.domain.congress.apportion_delegates import ApportionCongress, SendingUnit
from sovet.domain.congress.credentials import (
    AppointCredentialsCommission,
    CredentialDelegates,
)
from sovet.domain.congress.executive import ElectExecutiveCommittee
from sovet.domain.congress.sessions import ConveneCongress
from sovet.domain.elections.conduct import Ballot, Conduct
from sovet.domain.elections.deputies import RegisterConstituency
from sovet.domain.elections.polling import CallElection, CountElection
from sovet.domain.elections.verification import VerifyElection
from sovet.domain.franchise.electorate import RegisterElector
from sovet.domain.government.formation import Nomination, SubmitGovernmentList
from sovet.domain.kernel.motions import CloseMotion, ProposeMotion
from sovet.domain.kernel.votes import VoteByCount
from sovet.domain.recall.recalls import OrderReElection, PetitionRecall
from sovet.errors import ChainBroken, InputError, says
from sovet.ledger.chain import link_batch
from sovet.ledger.envelope import GENESIS_HASH, NewEvent
from sovet.ports import UnitOfWork
from sovet.presets.loader import load_preset
from sovet.services.handlers import to_new_events
from sovet.services.projector import project

__all__ = [
    "BatchWriter",
    "Generated",
    "Plan",
    "expected_events",
    "generate",
    "plan_for",
]

FACTIONS = ("reds", "greens", "blues", "greys")
"""The synthetic factions, in the order their support is weighted."""
_WEIGHTS = (40, 30, 20, 10)
_CANDIDATES = 5
_SEATS = 3
_START = date(2030, 1, 1)


@dataclass(frozen=True, slots=True)
class Plan:
    """The size of a generated federation (``plan_for`` scales the defaults)."""

    members: int = 1_000_000
    councils: int = 10_000
    recalls: int = 2_000
    seed: int = 1917
    batch: int = 20_000


def plan_for(scale: float, *, seed: int = 1917, batch: int = 20_000) -> Plan:
    """The default federation (1M members, 10k councils) times ``scale``."""
    if not 0 < scale <= 1:
        raise InputError(
            says("--scale must lie in (0, 1], got {scale}", scale=scale), key="scale"
        )
    councils = max(2, round(10_000 * scale))
    members = max(councils * 8, round(1_000_000 * scale))
    return Plan(members, councils, max(1, round(2_000 * scale)), seed, batch)


def expected_events(plan: Plan) -> int:
    """About how many events ``plan`` writes (for a progress bar)."""
    return 2 * plan.members + 7 * plan.councils + 6 * plan.recalls + 16


@dataclass(frozen=True, slots=True)
class Generated:
    """What ``generate`` wrote: events, the head and the final state."""

    events: int
    head: tuple[int, str]
    state: FederationState


class BatchWriter:
    """Decide commands one by one, append their events many per transaction.

    Each command is decided on the state the previous ones made; its events are
    linked in memory (``ledger.chain.link_batch``) and evolved at once. ``flush``
    appends the pending events in one unit of work with the stream versions the
    batch started from, projects and commits; the stored chain must equal the
    one linked in memory.
    """

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        batch: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._uow = uow
        self._batch = batch
        self._clock = clock
        self._appended: str | None = None
        self.state = FederationState()
        self.head: tuple[int, str] = (0, GENESIS_HASH)
        self._versions: dict[str, int] = {}
        self._pending: list[NewEvent] = []
        self._before: dict[str, int] = {}
        with uow() as unit:
            if unit.events.head()[0] != 0:
                raise InputError(
                    says(
                        "sovet generate writes a new federation: the database "
                        "already holds events"
                    ),
                    key="db",
                )

    def run(self, cmd: Command) -> int:
        """Decide ``cmd`` (``RuleViolation`` if refused) and evolve its events.

        Returns how many events a full batch flushed (0 when none was due).
        """
        new = to_new_events(decide(self.state, cmd), cmd.at, cmd)
        if not new:
            return 0
        versions = {e.stream_id: self._versions.get(e.stream_id, 0) for e in new}
        for stream, version in versions.items():
            self._before.setdefault(stream, version)
        last, now = self._appended, self._clock()  # the store keeps these times
        linked, payloads = link_batch(
            new, head=self.head, versions=versions, last_appended=last, now=now
        )
        pairs = zip(new, linked, strict=True)
        new = [replace(n, appended_at=e.appended_at) for n, e in pairs]
        self._appended = linked[-1].appended_at
        # Evolve what a read gives back: the canonical payload (sorted keys).
        stored = [
            dataclasses.replace(e, payload=json.loads(p))
            for e, p in zip(linked, payloads, strict=True)
        ]
        for event in stored:
            evolve(self.state, event)
            self._versions[event.stream_id] = event.version
        self.head = (stored[-1].seq, stored[-1].hash)
        self._pending.extend(new)
        return self.flush() if len(self._pending) >= self._batch else 0

    def flush(self) -> int:
        """Append, project and commit the pending events; how many were written."""
        if not self._pending:
            return 0
        with self._uow() as unit:
            appended = unit.events.append(self._pending, expected_versions=self._before)
            last = appended[-1]
            if (last.seq, last.hash) != self.head:
                raise ChainBroken(
                    last.seq, "the store linked the batch unlike the generator"
                )
            project(unit.projections, self.state, appended)
            unit.commit()
        written = len(self._pending)
        self._pending, self._before = [], {}
        return written


def generate(
    uow: Callable[[], UnitOfWork],
    plan: Plan,
    *,
    progress: Callable[[int], None] | None = None,
) -> Generated:
    """Write the synthetic federation of ``plan`` through ``decide`` → ``append``.

    ``progress(n)`` is called after each committed batch with the events written.
    A refused command (a bug of the plan) raises; the batches before it stay.
    """
    writer = BatchWriter(uow, plan.batch)
    report = progress or (lambda _n: None)
    for cmd in _commands(plan, writer):
        if flushed := writer.run(cmd):
            report(flushed)
    report(writer.flush())
    return Generated(writer.head[0], writer.head, writer.state)


def _day(offset: int) -> str:
    return (_START + timedelta(days=offset)).isoformat()


def _commands(plan: Plan, writer: BatchWriter) -> Iterator[Command]:
    rng = random.Random(plan.seed)
    yield from _founding(plan, rng)
    councils = [f"c{i:05d}" for i in range(plan.councils)]
    per = plan.members // plan.councils
    roll: dict[str, list[str]] = {}
    for index, council in enumerate(councils):
        members = [f"m{index * per + k:07d}" for k in range(per)]
        roll[council] = members
        for k, person in enumerate(members):
            faction = FACTIONS[k % len(FACTIONS)] if k < _CANDIDATES else None
            yield RegisterPerson(
                at=_day(1), person=person, name=person, faction=faction
            )
            yield RegisterElector(
                at=_day(1),
                person=person,
                birth_date=_birth(rng),
                constituency=f"k-{council}",
                categories=("labour",),
            )
    elections = [(c, f"e-{c}", roll[c][:_CANDIDATES], _SEATS) for c in councils]
    yield from _elections(rng, writer, elections, roll, 31)
    yield from _congress(councils, writer)
    yield from _recalls(plan, rng, councils, roll, writer)


def _birth(rng: random.Random) -> str:
    return (date(1950, 1, 1) + timedelta(days=rng.randrange(50 * 365))).isoformat()


def _founding(plan: Plan, rng: random.Random) -> Iterator[Command]:
    constitution = load_preset("rsfsr1918")
    yield AdoptConstitution(
        at=_day(0), preset="rsfsr1918", constitution=constitution.to_mapping()
    )
    yield RegisterBody(
        at=_day(0),
        body="congress",
        name="Congress of Councils",
        kind="congress",
        level="national",
    )
    yield RegisterBody(
        at=_day(0),
        body="cec",
        name="Central Executive Committee",
        kind="executive_committee",
        level="national",
        parent="congress",
    )
    for faction in FACTIONS:
        yield RegisterFaction(at=_day(0), faction=faction, name=faction.title())
    for i in range(plan.councils):
        council = f"c{i:05d}"
        yield RegisterBody(
            at=_day(0),
            body=council,
            name=f"Council {i}",
            kind="council",
            level="gubernia",
            parent="congress",
            population=25_000 * (1 + rng.randrange(4)),
        )
        yield RegisterConstituency(
            at=_day(0), constituency=f"k-{council}", council=council, seats=_SEATS
        )


def _conduct(council: str) -> Conduct:
    return Conduct(council, (f"{council}-k1", f"{council}-k2"), f"{council}-rep")


Round = list[tuple[str, str, list[str], int]]
"""Elections held together: (council, election id, candidates, seats)."""


def _elections(
    rng: random.Random,
    writer: BatchWriter,
    held: Round,
    roll: dict[str, list[str]],
    day: int,
) -> Iterator[Command]:
    """SR-7/SR-8: call them all, count them (one ballot per elector), verify."""
    for council, election, candidates, seats in held:
        yield CallElection(
            at=_day(day),
            election=election,
            constituency=f"k-{council}",
            seats=seats,
            polling_day=_day(day + 14),
            candidates=tuple(candidates),
            conduct=_conduct(council),
        )
    for council, election, candidates, seats in held:
        people = roll[council]
        weight = {c: _WEIGHTS[i % len(_WEIGHTS)] for i, c in enumerate(people)}
        method = writer.state.elections[election].method
        most = get_method(method).ballot.max_marks(seats, len(candidates))
        yield CountElection(
            at=_day(day + 14),
            election=election,
            minutes_signed_by=(f"{council}-k1", f"{council}-rep"),
            ballots=tuple(
                Ballot(voter, _ranking(rng, candidates, weight)[:most])
                for voter in people
            ),
        )
    for _council, election, _candidates, _seats in held:
        elected = writer.state.elections[election].elected
        yield VerifyElection(at=_day(day + 16), election=election, confirmed=elected)


def _ranking(
    rng: random.Random, candidates: list[str], weight: dict[str, int]
) -> tuple[str, ...]:
    """A first preference by weight, then another candidate where there is one
    (cut to what the method's ballot takes: one mark for plurality)."""
    first = rng.choices(candidates, weights=[weight[c] for c in candidates])[0]
    others = [c for c in candidates if c != first]
    return (first, rng.choice(others)) if others else (first,)


def _majority(composition: dict[str, int]) -> str:
    return max(sorted(composition), key=lambda f: composition[f])


def _congress(councils: list[str], writer: BatchWriter) -> Iterator[Command]:
    """SR-12…SR-21: apportion, convene, credential, elect the executive, govern."""
    state = writer.state
    units = tuple(
        SendingUnit(c, "city", voters=state.bodies[c].population) for c in councils
    )
    yield ApportionCongress(
        at=_day(60), congress="congress", snapshot=_day(60), units=units
    )
    yield ConveneCongress(
        at=_day(61),
        congress="congress-1",
        body="congress",
        name="First Congress of Councils",
        number=1,
        convened_by="cec",
    )
    yield AppointCredentialsCommission(at=_day(61), congress="congress-1")
    allocation = state.apportionments["congress"].allocation
    for council in councils:
        mandates = allocation.get(council, 0)
        composition = state.bodies[council].composition
        if mandates and composition:
            yield CredentialDelegates(
                at=_day(61),
                congress="congress-1",
                faction=_majority(composition),
                count=mandates,
                senders=(council,),
            )
    seated = state.assemblies["congress-1"].seated
    leading = _majority(seated)
    total = sum(seated.values())
    yield ElectExecutiveCommittee(
        at=_day(62),
        executive="cec-1",
        congress="congress-1",
        name="Central Executive Committee (1st convocation)",
        composition={f: max(1, 100 * n // total) for f, n in sorted(seated.items())},
    )
    ministers = [p for p, rec in state.persons.items() if rec.faction == leading][:5]
    yield SubmitGovernmentList(
        at=_day(62),
        government="gov-1",
        name="Council of Commissars",
        assembly="congress-1",
        nominated_by=leading,
        offices=tuple(
            Nomination(office=f"office-{i}", person=p, title=f"Commissar {i}")
            for i, p in enumerate(ministers)
        ),
    )
    yield ProposeMotion(
        at=_day(62),
        motion="approve-gov-1",
        assembly="congress-1",
        kind="approve_government",
        subject="gov-1",
        text="Approve the government",
    )
    yes = seated[leading] + sum(n for f, n in seated.items() if f != leading) // 2
    yield VoteByCount(at=_day(62), motion="approve-gov-1", yes=yes, no=total - yes)
    yield CloseMotion(at=_day(62), motion="approve-gov-1")


def _recalls(
    plan: Plan,
    rng: random.Random,
    councils: list[str],
    roll: dict[str, list[str]],
    writer: BatchWriter,
) -> Iterator[Command]:
    """SR-9…SR-11: petitions, re-elections ordered by the council, by-elections."""
    state = writer.state
    per_round = max(1, min(len(councils), 500))
    done = 0
    day = 100
    while done < plan.recalls:
        chosen = rng.sample(councils, min(per_round, plan.recalls - done))
        held: Round = []
        for council in chosen:
            constituency = f"k-{council}"
            holders = sorted(state.constituencies[constituency].holders)
            deputy = rng.choice(holders)
            people = roll[council]
            yield PetitionRecall(
                at=_day(day),
                constituency=constituency,
                deputy=deputy,
                signers=tuple(people[: len(people) // 2 + 1]),
            )
            yield OrderReElection(
                at=_day(day),
                constituency=constituency,
                deputy=deputy,
                by_body=council,
            )
            standing = [
                p for p in people[:_CANDIDATES] if p not in holders or p == deputy
            ]
            held.append((council, f"b{day}-{council}", standing, 1))
        yield from _elections(rng, writer, held, roll, day + 1)
        done += len(chosen)
        day += 30
