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

One harness (``core_world.World``); the persons-through-the-chain issue extends
this machine.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from sovet.domain.government.legitimacy import legitimacy
from sovet.errors import RuleViolation
from tests.unit.domain.core_world import World

FACTIONS = ("red", "green", "blue")
seats = st.fixed_dictionaries({f: st.integers(0, 40) for f in FACTIONS}).filter(
    lambda d: sum(d.values()) > 0
)


class AuthorityMachine(RuleBasedStateMachine):
    """Acts by random actors; the model says which of them must be refused."""

    @initialize()
    def setup(self) -> None:
        self.world = World()
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
        # The model: sessions and committees in order, who is latest, who sits.
        self.sessions: list[str] = []
        self.closed: set[str] = set()
        self.committees: dict[str, str] = {}  # committee → electing session
        self.lists = 0
        self.motions: list[str] = []

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
            if count:
                self.world.do(
                    "credential_delegates",
                    congress=session,
                    faction=faction,
                    count=count,
                )

    @precondition(lambda self: self._in_session())
    @rule(faction=st.sampled_from(FACTIONS), count=st.integers(1, 30))
    def credential_more(self, faction: str, count: int) -> None:
        self.world.do(
            "credential_delegates",
            at=self._tick(),
            congress=self._latest(),
            faction=faction,
            count=count,
        )

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def elect_committee(self, data: st.DataObject) -> None:
        actor = data.draw(st.sampled_from(self.sessions), label="electing session")
        committee = f"ec{len(self.committees) + 1}"
        allowed = self._authority_for(actor, "elect") and actor not in self.closed
        if self._try(
            allowed,
            "elect_executive_committee",
            executive=committee,
            congress=actor,
            name=f"Committee {committee}",
            composition={"red": 4, "green": 3, "blue": 2},
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


TestAuthorityMachine = AuthorityMachine.TestCase
TestAuthorityMachine.settings = settings(
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
