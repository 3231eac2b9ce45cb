"""Authority over time as a state machine (issue 8): random sequences of acts.

Hypothesis drives congresses (convened by any body, seated with any
composition, closed), committee elections, lists, approvals voted after the
composition may have changed, confirmations, withdrawals and expiry events,
each issued by an actor chosen at random — including bodies that were
superseded long ago. A small model kept here, independent of
``congress.authority``, says who is the authority; after every step:

- at most one government of the body is approved;
- the government legitimacy names was approved by the latest congress or by
  the committee that congress elected, and its bloc held a majority of the
  seats recorded at the vote (``MotionRecord.composition``);
- an act by anyone but the authority was refused and changed nothing.

One harness (``tests.world.World``). Persons through the chain (issue 15)
extends the machine: every seat is a person's. Two councils seat named
deputies; congresses are credentialed by person (each a deputy of the council
that sends them; in a world drawn aggregate, with a bulk count besides) and
elect their committees by name from their delegates; deputies are recalled,
persons resign from any seat they hold, by-elections fill deputies' seats,
the sender fills a vacant delegate seat and the electing congress or its
committee a vacant place. After every step, besides the authority invariants:

- every seat above was given to a holder of the seat below (its basis starts
  with a deputy's seat of its sender) and is held only while no seat it came
  from has been lost early — or its body is aggregate;
- the counts per faction of every congress and committee not aggregate are
  those of its named persons, and so is the majority the legitimacy answer
  reports;
- no recalled person keeps any seat.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from sovet.domain.elections.seats import latest_sessions, seats_of
from sovet.domain.government.legitimacy import legitimacy
from sovet.domain.kernel.assembly import Assembly
from sovet.errors import RuleViolation
from tests.world import World

FACTIONS = ("red", "green", "blue")
COUNCILS = ("north", "south")
DEPUTIES = {  # four deputies per faction in each council, seated at the start
    council: [f"{f}-{i}" for f in FACTIONS for i in range(k * 4, k * 4 + 4)]
    for k, council in enumerate(COUNCILS)
}
SPARE = [f"{f}-{i}" for f in FACTIONS for i in range(8, 12)]  # by-election hopefuls
seats = st.fixed_dictionaries({f: st.integers(0, 4) for f in FACTIONS}).filter(
    lambda d: sum(d.values()) > 0
)


def _faction(person: str) -> str:
    return person.split("-")[0]


class AuthorityMachine(RuleBasedStateMachine):
    """Acts by random actors; the model says which of them must be refused."""

    @initialize(aggregate=st.booleans())
    def setup(self, aggregate: bool) -> None:
        self.aggregate = aggregate
        self.world = World({"chain": {"aggregate": aggregate}})
        self.day = date(1917, 11, 1)
        self.world.do(
            "register_body",
            body="nat",
            name="Congress",
            kind="congress",
            level="national",
        )
        self.world.do(
            "register_body",
            body="ec0",
            name="Standing Committee",
            kind="executive_committee",
            level="national",
            parent="nat",
        )
        for faction in FACTIONS:
            self.world.do("register_faction", faction=faction, name=faction.title())
        self.world.do("register_person", person="p1", name="P1", faction="red")
        self._councils()
        # The model: sessions and committees in order, who is latest, who sits.
        self.sessions: list[str] = []
        self.closed: set[str] = set()
        self.committees: dict[str, str] = {}  # committee → electing session
        self.lists = 0
        self.motions: list[str] = []
        # issue 15: what each person lost early, and what the recalled held then.
        self.lost: dict[str, set[str]] = {}
        self.recalled: dict[str, set[tuple[str, int]]] = {}
        self.hopefuls = list(SPARE)  # never seated yet: they may stand

    def _councils(self) -> None:
        """Two councils with named deputies, electors for by-elections."""
        for council in COUNCILS:
            self.world.do(
                "register_body",
                body=council,
                name=council.title(),
                kind="council",
                level="gubernia",
                parent="nat",
            )
            self.world.do(
                "register_constituency",
                constituency=f"{council}-1",
                council=council,
                seats=14,
                electorate=100,
            )
        self.world.do(
            "register_constituency", constituency="roll", council="north", seats=1
        )
        for person in [*DEPUTIES["north"], *DEPUTIES["south"], *SPARE]:
            self.world.do(
                "register_person",
                person=person,
                name=person.upper(),
                faction=_faction(person),
            )
            self.world.do(
                "register_elector",
                person=person,
                birth_date="1890-01-01",
                constituency="roll",
                categories=["labour"],
            )
        for council, people in DEPUTIES.items():
            for person in people:
                self.world.do("seat_deputy", constituency=f"{council}-1", person=person)

    # --- the model ----------------------------------------------------------

    def _latest(self) -> str | None:
        return self.sessions[-1] if self.sessions else None

    def _committee(self) -> str | None:
        """The committee the latest session elected last (a re-election replaces)."""
        latest = self._latest()
        found = [c for c, session in self.committees.items() if session == latest]
        return found[-1] if found else None

    def _in_session(self) -> bool:
        latest = self._latest()
        return latest is not None and latest not in self.closed

    def _authority_for(self, actor: str, act: str) -> bool:
        if act == "convene":
            if actor == self._committee():
                return True
            return actor == "ec0" and not self.committees
        if self._in_session() and actor == self._latest():
            return True
        if self._in_session() and act in ("approve", "confirm", "elect"):
            return False
        return act not in ("confirm", "elect") and actor == self._committee()

    def _actors(self) -> list[str]:
        return ["ec0", *self.sessions, *self.committees]

    def _tick(self) -> str:
        self.day += timedelta(days=1)
        return self.day.isoformat()

    def _try(self, allowed: bool, command: str, **fields: object) -> bool:
        """Issue the command; an act the model forbids must be refused unchanged."""
        before = len(self.world.events)
        try:
            self.world.do(command, at=self._tick(), **fields)
        except RuleViolation:
            assert len(self.world.events) == before
            return False
        assert allowed, f"{command} {fields} was accepted from a non-authority"
        return True

    # --- acts ---------------------------------------------------------------

    def _deputies(self, faction: str, session: str | None) -> list[str]:
        """Seated deputies of ``faction`` not yet delegates of ``session``."""
        state = self.world.state
        taken = state.assemblies[session].delegates if session else {}
        return [
            p
            for c in state.constituencies.values()
            for p, holder in c.holders.items()
            if holder.faction == faction and p not in taken
        ]

    def _credential(self, session: str, faction: str, count: int) -> None:
        """SR-12/SR-17: ``count`` deputies of ``faction`` by name, each sent by
        the council whose seat they hold (in an aggregate world, as many again
        in bulk)."""
        persons = self._deputies(faction, session)[:count]
        if not persons:
            return
        bulk: dict[str, Any] = {"count": 2 * len(persons)} if self.aggregate else {}
        self.world.do(
            "credential_delegates",
            congress=session,
            faction=faction,
            senders=list(COUNCILS),
            persons=persons,
            **bulk,
        )
        for person in persons:
            self._given_anew(person, session)

    @rule(data=st.data(), composition=seats)
    def convene(self, data: st.DataObject, composition: dict[str, int]) -> None:
        actor = data.draw(st.sampled_from(self._actors()), label="convener")
        session = f"c{len(self.sessions) + 1}"
        ok = self._try(
            self._authority_for(actor, "convene"),
            "convene_congress",
            congress=session,
            body="nat",
            name=f"Session {session}",
            number=len(self.sessions) + 1,
            convened_by=actor,
            apportioned=sum(composition.values()),
        )
        if not ok:
            return
        if self.sessions:
            self.closed.add(self.sessions[-1])
        self.sessions.append(session)
        self.world.do("appoint_credentials_commission", congress=session)
        for faction, count in composition.items():
            self._credential(session, faction, count)

    @precondition(lambda self: self._in_session())
    @rule(faction=st.sampled_from(FACTIONS), count=st.integers(1, 3))
    def credential_more(self, faction: str, count: int) -> None:
        latest = self._latest()
        assert latest is not None
        self._tick()
        self.world.clock = self.day.isoformat()
        self._credential(latest, faction, count)

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def elect_committee(self, data: st.DataObject) -> None:
        actor = data.draw(st.sampled_from(self.sessions), label="electing session")
        committee = f"ec{len(self.committees) + 1}"
        allowed = self._authority_for(actor, "elect") and actor not in self.closed
        delegates = sorted(self.world.state.assemblies[actor].delegates)
        members = data.draw(
            st.lists(st.sampled_from(delegates or ["p1"]), unique=True, max_size=5),
            label="members",
        )  # by name, from its delegates (p1 is none: refused)
        if self._try(
            allowed,
            "elect_executive_committee",
            executive=committee,
            congress=actor,
            name=f"Committee {committee}",
            members={p: self.world.state.persons[p].faction or "" for p in members},
        ):
            self.committees[committee] = actor

    @precondition(lambda self: self._in_session())
    @rule()
    def close(self) -> None:
        latest = self._latest()
        assert latest is not None
        self.world.do("close_congress", at=self._tick(), congress=latest)
        self.closed.add(latest)

    @rule(data=st.data(), faction=st.sampled_from(FACTIONS), largest=st.booleans())
    def propose_list(self, data: st.DataObject, faction: str, largest: bool) -> None:
        actor = data.draw(st.sampled_from(self._actors()), label="forming body")
        if actor == "ec0":
            return  # a registered body is no assembly: refused under SR-1
        latest = self._latest()
        if largest and latest is not None:  # most often the majority's own list
            seated = self.world.state.assemblies[latest].seated
            faction = max(FACTIONS, key=lambda f: seated.get(f, 0))
        self.lists += 1
        government = f"g{self.lists}"
        try:
            self.world.do(
                "submit_government_list",
                at=self._tick(),
                government=government,
                name=f"Government {government}",
                assembly=actor,
                nominated_by=faction,
                offices=[{"office": "chair", "person": "p1"}],
            )
            self.world.do(
                "propose_motion",
                motion=f"m-{government}",
                assembly=actor,
                kind="approve_government",
                text="approve",
                subject=government,
            )
        except RuleViolation:
            return
        assert self._authority_for(actor, "approve"), f"{actor} formed {government}"
        self.motions.append(f"m-{government}")

    @rule(data=st.data())
    def form_and_approve(self, data: st.DataObject) -> None:
        """A list by the latest session's largest faction, voted on at once."""
        self.propose_list(data, "red", largest=True)
        if self.motions:
            self.vote_and_close(data, motion=self.motions[-1])

    @precondition(lambda self: bool(self.motions))
    @rule(data=st.data())
    def vote_and_close(self, data: st.DataObject, motion: str | None = None) -> None:
        if motion is None:
            motion = data.draw(st.sampled_from(self.motions), label="motion")
        record = self.world.state.motions[motion]
        if record.status != "open":
            return
        assembly = self.world.state.assemblies[record.assembly]
        yes = assembly.present_total()
        try:
            self.world.do("vote_by_count", at=self._tick(), motion=motion, yes=yes)
        except RuleViolation:
            return
        self._try(
            self._authority_for(record.assembly, "approve"),
            "close_motion",
            motion=motion,
        )

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data(), kind=st.sampled_from(["withdraw", "confirm"]))
    def act_on_government(self, data: st.DataObject, kind: str) -> None:
        governments = [
            g for g in self.world.state.governments.values() if g.status == "approved"
        ]
        if not governments:
            return
        actor = data.draw(st.sampled_from(self._actors()), label="actor")
        if actor == "ec0":
            return
        motion = f"{kind}-{len(self.world.events)}"
        try:
            self.world.do(
                "propose_motion",
                at=self._tick(),
                motion=motion,
                assembly=actor,
                kind=f"{kind}_government",
                text=kind,
                subject=governments[-1].id,
            )
        except RuleViolation:
            return
        assert self._authority_for(actor, kind), f"{actor} may not {kind}"

    @precondition(lambda self: bool(self.sessions))
    @rule()
    def expiry(self) -> None:
        self.world.do(
            "record_expiry_event",
            at=self._tick(),
            condition="council_reelection",
            body="nat",
        )

    # --- persons through the chain (issue 15) ------------------------------------

    def _holders(self) -> list[tuple[str, str]]:
        """``(constituency, deputy)`` of every seated deputy."""
        return sorted(
            (c.id, p)
            for c in self.world.state.constituencies.values()
            for p in c.holders
        )

    def _held(self, person: str) -> set[tuple[str, int]]:
        return {
            (h.key, h.ref.seq if h.ref else 0)
            for h in seats_of(self.world.state, person)
            if not h.key.startswith("member:")
        }

    def _given_anew(self, person: str, session: str) -> None:
        """A delegate seat given again at ``session`` is not the one lost before
        (the model keys both alike; seats above may rest on the new one)."""
        self.lost.get(person, set()).discard(f"delegate:{session}")

    def _lose(self, person: str, key: str) -> None:
        """Note the early loss of ``key`` and of every seat that came from it."""
        lost = self.lost.setdefault(person, set())
        lost.add(key)
        for held in seats_of(self.world.state, person):
            if key in held.basis:
                lost.add(held.key)

    @precondition(lambda self: bool(self._holders()))
    @rule(data=st.data())
    def recall(self, data: st.DataObject) -> None:
        """SR-10 (1917): the electorate demands it, the council orders it."""
        constituency, deputy = data.draw(
            st.sampled_from(self._holders()), label="recalled"
        )
        council = self.world.state.constituencies[constituency].council
        held = self._held(deputy)
        self.world.do(
            "petition_recall",
            at=self._tick(),
            constituency=constituency,
            deputy=deputy,
            signatures=51,
        )
        self._lose(deputy, f"deputy:{constituency}")
        self.world.do(
            "order_re_election",
            constituency=constituency,
            deputy=deputy,
            by_body=council,
        )
        self.recalled.setdefault(deputy, set()).update(held)

    @rule(data=st.data())
    def resign(self, data: st.DataObject) -> None:
        """A person gives up one seat: a deputy's, a delegate's or a place."""
        held = [
            (p, h)
            for p in self.world.state.persons
            for h in seats_of(self.world.state, p)
            if not h.key.startswith("member:")
        ]
        if not held:
            return
        person, seat = data.draw(st.sampled_from(held), label="resigning")
        where = seat.body if seat.key.startswith("deputy:") else seat.seat
        self._lose(person, seat.key)
        self.world.do("resign", at=self._tick(), person=person, body=where)

    @rule(data=st.data())
    def by_election(self, data: st.DataObject) -> None:
        """SR-10: a seat due for a by-election goes to a hopeful never seated."""
        due = [c.id for c in self.world.state.constituencies.values() if c.by_elections]
        if not due or not self.hopefuls:
            return
        constituency = data.draw(st.sampled_from(due), label="constituency")
        winner = data.draw(st.sampled_from(self.hopefuls), label="winner")
        council = self.world.state.constituencies[constituency].council
        election = f"by-{len(self.world.events)}"
        day = self._tick()
        self.world.do(
            "call_election",
            at=day,
            election=election,
            constituency=constituency,
            seats=1,
            polling_day=day,
            candidates=[winner],
            conduct={
                "day_set_by": council,
                "commission": ["k"],
                "council_representative": "r",
            },
        )
        self.world.do(
            "count_election",
            election=election,
            minutes_signed_by=["k", "r"],
            tallies={winner: 10},
        )
        self.world.do("verify_election", election=election, confirmed=[winner])
        self.hopefuls.remove(winner)

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def refill_delegate_seat(self, data: st.DataObject) -> None:
        """SR-11: the sender sends one of its deputies to a vacant seat."""
        latest = self.world.state.assemblies[self.sessions[-1]]
        vacancies = latest.open_vacancies()
        if not vacancies:
            return
        vacancy = data.draw(st.sampled_from(vacancies), label="vacancy")
        sender = vacancy.sender or ""
        candidates = [
            p
            for c in self.world.state.constituencies.values()
            if c.council == sender
            for p in c.holders
            if p not in latest.delegates
        ]
        if not candidates:
            return
        replacement = data.draw(st.sampled_from(sorted(candidates)), label="sent")
        self.world.do(
            "replace_delegate",
            at=self._tick(),
            congress=latest.id,
            by_body=sender,
            delegate=vacancy.person,
            replacement=replacement,
        )
        self._given_anew(replacement, latest.id)

    @rule(data=st.data())
    def fill_committee_place(self, data: st.DataObject) -> None:
        """SR-20: the electing congress (sitting) or the committee fills a place
        with one of the congress's delegates."""
        committee_id = self._committee()
        if committee_id is None:
            return
        state = self.world.state
        committee = state.assemblies[committee_id]
        congress = state.assemblies[committee.congress or ""]
        candidates = sorted(set(congress.delegates) - set(committee.delegates))
        if not committee.open_vacancies() or not candidates:
            return
        person = data.draw(st.sampled_from(candidates), label="co-opted")
        actor = congress.id if self._in_session() else committee.id
        motion = f"fill-{len(self.world.events)}"
        self.world.do(
            "propose_motion",
            at=self._tick(),
            motion=motion,
            assembly=actor,
            kind="fill_committee_place",
            text="fill",
            subject=committee_id,
            person=person,
        )
        yes = state.assemblies[actor].present_total()
        try:
            self.world.do("vote_by_count", motion=motion, yes=yes)
            self.world.do("close_motion", motion=motion)
        except RuleViolation:  # inquorate: the place stays vacant
            return

    # --- invariants -------------------------------------------------------------

    @invariant()
    def at_most_one_government_in_office(self) -> None:
        if not hasattr(self, "world"):
            return
        approved = [
            g for g in self.world.state.governments.values() if g.status == "approved"
        ]
        assert len(approved) <= 1

    @invariant()
    def the_answer_comes_from_the_latest_congress_and_a_majority(self) -> None:
        if not hasattr(self, "world"):
            return
        state = self.world.state
        answer = legitimacy(state, self.day.isoformat())
        if answer.government is None:
            return
        gov = next(g for g in state.governments.values() if g.status == "approved")
        motion = state.motions[gov.approved_by or ""]
        approver = motion.assembly
        latest = self._latest()
        assert approver == latest or (
            approver in self.committees and self.committees[approver] == latest
        )
        held = sum(motion.composition.get(f, 0) for f in gov.bloc)
        assert 2 * held > sum(motion.composition.values())

    def _upper(self) -> list[Assembly]:
        """The latest session and every sitting committee: the seats held now."""
        state = self.world.state
        return [
            *latest_sessions(state).values(),
            *(
                a
                for a in state.assemblies.values()
                if a.kind == "executive_committee" and a.closed_at is None
            ),
        ]

    @invariant()
    def seats_above_rest_on_seats_below(self) -> None:
        if not hasattr(self, "world"):
            return
        state = self.world.state
        for assembly in self._upper():
            for person, place in assembly.delegates.items():
                lost = self.lost.get(person, set()) & set(place.basis)
                assert not lost, f"{person} keeps {assembly.id} after losing {lost}"
                if assembly.aggregate:
                    continue
                below = place.basis[0] if place.basis else ""
                assert below.startswith("deputy:"), (person, assembly.id, place)
                constituency = state.constituencies[below.removeprefix("deputy:")]
                if assembly.kind == "congress":  # sent by the council seated in
                    assert place.sender == constituency.council
                    assert person in constituency.holders

    @invariant()
    def counts_are_those_of_the_persons(self) -> None:
        if not hasattr(self, "world"):
            return
        for assembly in self._upper():
            if assembly.aggregate:
                continue
            named = Counter(
                d.faction for d in assembly.delegates.values() if d.kind == "decisive"
            )
            counts = {f: n for f, n in assembly.seated.items() if n}
            assert counts == dict(named), (assembly.id, counts, named)
        answer = legitimacy(self.world.state, self.day.isoformat()).to_json()
        held = answer["majority"]
        latest = self._latest()
        if held is None or latest is None:
            return
        session = self.world.state.assemblies[latest]
        if not session.aggregate:
            assert held["seated"] == sum(
                1 for d in session.delegates.values() if d.kind == "decisive"
            )

    @invariant()
    def no_recalled_person_keeps_a_seat(self) -> None:
        if not hasattr(self, "world"):
            return
        for person, held in self.recalled.items():
            assert not (self._held(person) & held), f"{person} kept a seat"
            assert not self._held(person), f"{person} holds a seat again"


TestAuthorityMachine = AuthorityMachine.TestCase
TestAuthorityMachine.settings = settings(
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
