"""SR-19: motions voted by name with the majority the constitution requires.

Everything an assembly (congress session or executive committee) decides is a
motion: the programme, a binding decision, confidence, the approval of a
government, the adoption of a demand … A motion's ``kind`` selects a
``MotionKind`` (registered with ``@motion_kind``): a check run when it is
proposed and again when it is carried (who may act and who holds the majority
are judged at the vote, against the composition seated then), and an effect
applied when it is carried. Votes come by name
(credentialed decisive delegates present) and/or as counts (delegates
credentialed in bulk). ``RecordUnrecordedOutcome`` records an adoption whose
count the sources do not give (FACTS §1) — only when
``government.allow_unrecorded_tally`` — after checking structurally that the
supporting factions present could carry it; legitimacy warns about it.

The kinds of motion are in ``motion_kinds``, the arithmetic of majorities in
``majorities``; their names are importable from here too.
"""

from __future__ import annotations

from dataclasses import field
from typing import Annotated, get_args

from sovet.domain.kernel.assembly import (
    Assembly,
    MotionRecord,
    open_assembly,
    require_quorum,
)
from sovet.domain.kernel.choices import DecisionBasis, DecisionMajority
from sovet.domain.kernel.majorities import carries, cast_so_far, governing_seats
from sovet.domain.kernel.messages import (
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.motion_kinds import MOTION_KINDS, MotionKind, motion_kind
from sovet.domain.kernel.registry import decides, evolves
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__ = [
    "MOTION_KINDS",
    "CloseMotion",
    "MotionCarried",
    "MotionFailed",
    "MotionKind",
    "MotionProposed",
    "ProposeMotion",
    "RecordUnrecordedOutcome",
    "carries",
    "cast_so_far",
    "governing_seats",
    "motion_kind",
    "open_motion",
    "recheck",
]

_MAJORITIES: tuple[str, ...] = get_args(DecisionMajority)  # weakest first
_BASES: tuple[str, ...] = get_args(DecisionBasis)


@command(
    resource="motions", issuers=Issuers(SECRETARY, field="assembly", reach="assembly")
)
class ProposeMotion(Command):
    """SR-19: put a motion of ``kind`` to an assembly (majority may be stricter)."""

    motion: Annotated[str, "a new id for the motion"]
    assembly: Annotated[
        str,
        "the id of the sitting congress session or executive committee that votes on "
        "it",
    ]
    kind: Annotated[
        str,
        "SR-19: general, confidence, programme, decision, approve_government, "
        "confirm_government, withdraw_government, recall_officer, fill_vacancy, "
        "rename_government, adopt_demand, recall_committee_member or "
        "fill_committee_place",
    ]
    text: Annotated[str, "the motion's wording (for rename_government, the new name)"]
    subject: Annotated[
        str | None,
        "what it acts on: the government id (government kinds, recall_officer, "
        "fill_vacancy), the demand id (adopt_demand), the committee id "
        "(recall_committee_member, fill_committee_place) or a decision it sets "
        "aside (SR-32)",
    ] = None
    office: Annotated[
        str | None,
        "SR-22/SR-30: the office id, for recall_officer and fill_vacancy",
    ] = None
    person: Annotated[
        str | None,
        "SR-20/SR-30: the id of the person appointed (fill_vacancy, "
        "fill_committee_place) or recalled (recall_committee_member)",
    ] = None
    majority: Annotated[
        str | None,
        "SR-19: simple, absolute or two_thirds, never weaker than the constitution's; "
        "empty = the constitution's",
    ] = None
    basis: Annotated[
        str | None,
        "SR-19: what the majority is counted of: votes_cast, present or seated; empty "
        "= the constitution's",
    ] = None


@event()
class MotionProposed(DomainEvent):
    """SR-19: a motion is before an assembly."""

    motion: str
    assembly: str
    kind: str
    text: str
    subject: str | None
    majority: str
    basis: str
    office: str | None = None
    person: str | None = None

    @property
    def stream_id(self) -> str:
        """The motion's stream."""
        return f"motion:{self.motion}"

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.assembly)}: motion ({self.kind}) «{self.text}»"


@decides(ProposeMotion)
def _propose(state: FederationState, cmd: ProposeMotion) -> list[DomainEvent]:
    if cmd.motion in state.motions:
        raise RuleViolation(
            "SR-19",
            says("motion {motion!r} already exists", motion=cmd.motion),
            cmd.motion,
        )
    assembly = open_assembly(state, cmd.assembly)
    kind = MOTION_KINDS.get(cmd.kind)
    if kind is None:
        known = ", ".join(sorted(MOTION_KINDS))
        raise RuleViolation(
            "SR-19",
            says("unknown motion kind {kind!r} ({known})", kind=cmd.kind, known=known),
            cmd.kind,
        )
    params = state.constitution.majority
    majority = cmd.majority or params.decision_majority
    basis = cmd.basis or params.decision_basis
    if majority not in _MAJORITIES or basis not in _BASES:
        raise RuleViolation(
            "SR-19",
            says(
                "unknown majority {majority!r} of {basis!r}",
                majority=majority,
                basis=basis,
            ),
            majority,
        )
    if _MAJORITIES.index(majority) < _MAJORITIES.index(params.decision_majority):
        raise RuleViolation(
            "SR-19",
            says(
                "{majority!r} is weaker than the constitution's {decision_majority!r}",
                majority=majority,
                decision_majority=params.decision_majority,
            ),
            majority,
        )
    kind.check(state, assembly, cmd)
    return [
        MotionProposed(
            at=cmd.at,
            motion=cmd.motion,
            assembly=cmd.assembly,
            kind=cmd.kind,
            text=cmd.text,
            subject=cmd.subject,
            majority=majority,
            basis=basis,
            office=cmd.office,
            person=cmd.person,
        )
    ]


@evolves(MotionProposed)
def _proposed(state: FederationState, evt: MotionProposed, ref: EventRef) -> None:
    state.motions[evt.motion] = MotionRecord(
        id=evt.motion,
        assembly=evt.assembly,
        kind=evt.kind,
        text=evt.text,
        subject=evt.subject,
        majority=evt.majority,
        basis=evt.basis,
        proposed=ref,
        office=evt.office,
        person=evt.person,
    )


def open_motion(
    state: FederationState, motion_id: str
) -> tuple[MotionRecord, Assembly]:
    motion = state.motion(motion_id)
    if motion.status != "open":
        raise RuleViolation(
            "SR-19",
            says(
                "motion {motion_id!r} is already {status}",
                motion_id=motion_id,
                status=motion.status,
            ),
            motion_id,
        )
    assembly = open_assembly(state, motion.assembly)
    require_quorum(state, assembly)
    return motion, assembly


@command(resource="motions", issuers=Issuers(SECRETARY, field="motion", reach="motion"))
class CloseMotion(Command):
    """SR-19: close the vote: carried or failed by the required majority."""

    motion: Annotated[str, "the id of the open motion"]


@event()
class MotionCarried(DomainEvent):
    """SR-19: the motion was adopted (``unrecorded``: no count in the sources)."""

    motion: str
    yes: int
    no: int
    abstain: int
    present: int
    seated: int
    assembly: str = ""
    unrecorded: bool = False
    supported_by: tuple[str, ...] = ()
    supporters_seats: int = 0
    composition: dict[str, int] = field(default_factory=dict)
    """SR-18: the decisive seats per faction the vote was checked against
    (``governing_seats``; v1 logs have none)."""

    @property
    def stream_id(self) -> str:
        """The motion's stream."""
        return f"motion:{self.motion}"

    def describe(self) -> str:
        """One line."""
        where = f"{self.n(self.assembly)} adopted " if self.assembly else "adopted "
        what = f"{where}{self.n(self.motion)}"
        if self.unrecorded:
            who = ", ".join(self.n(f) for f in self.supported_by)
            return (
                f"{what} by majority ({who}); count unrecorded in the sources; "
                f"{self.seated} seated"
            )
        return (
            f"{what}, {self.yes}–{self.no} ({self.abstain} abstaining; "
            f"{self.seated} seated)"
        )


@event()
class MotionFailed(DomainEvent):
    """SR-19: the motion did not reach the required majority."""

    motion: str
    yes: int
    no: int
    abstain: int
    present: int
    seated: int
    assembly: str = ""

    @property
    def stream_id(self) -> str:
        """The motion's stream."""
        return f"motion:{self.motion}"

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.n(self.motion)} failed {self.yes}–{self.no} "
            f"({self.abstain} abstaining)"
        )


def recheck(
    state: FederationState, motion: MotionRecord, assembly: Assembly, at: str
) -> None:
    """SR-19: the motion's kind is checked again as it is carried, at ``at``."""
    proposal = ProposeMotion(
        at=at,
        motion=motion.id,
        assembly=motion.assembly,
        kind=motion.kind,
        text=motion.text,
        subject=motion.subject,
        majority=motion.majority,
        basis=motion.basis,
        office=motion.office,
        person=motion.person,
    )
    MOTION_KINDS[motion.kind].check(state, assembly, proposal)


@decides(CloseMotion)
def _close_motion(state: FederationState, cmd: CloseMotion) -> list[DomainEvent]:
    motion, assembly = open_motion(state, cmd.motion)
    present, seated = assembly.present_total(), assembly.seated_total()
    yes, no, abstain = motion.yes, motion.no, motion.abstain
    if carries(motion.majority, motion.basis, yes, no, abstain, present, seated):
        recheck(state, motion, assembly, cmd.at)
        return [
            MotionCarried(
                at=cmd.at,
                assembly=motion.assembly,
                motion=cmd.motion,
                yes=yes,
                no=no,
                abstain=abstain,
                present=present,
                seated=seated,
                composition=dict(governing_seats(state, assembly)),
            )
        ]
    return [
        MotionFailed(
            at=cmd.at,
            assembly=motion.assembly,
            motion=cmd.motion,
            yes=yes,
            no=no,
            abstain=abstain,
            present=present,
            seated=seated,
        )
    ]


@command(resource="motions", issuers=Issuers(SECRETARY, field="motion", reach="motion"))
class RecordUnrecordedOutcome(Command):
    """SR-19: "adopted by majority, no count" — checked against the composition."""

    motion: Annotated[str, "the id of the open motion, with no votes recorded"]
    supported_by: Annotated[
        tuple[str, ...],
        "SR-19: ids of the factions that carried it; those present must make the "
        "required majority",
    ]


@decides(RecordUnrecordedOutcome)
def _unrecorded(
    state: FederationState, cmd: RecordUnrecordedOutcome
) -> list[DomainEvent]:
    if not state.constitution.government.allow_unrecorded_tally:
        raise RuleViolation(
            "SR-19",
            says(
                "this constitution requires recorded vote counts "
                "(government.allow_unrecorded_tally = false)"
            ),
            cmd.motion,
        )
    motion, assembly = open_motion(state, cmd.motion)
    if cast_so_far(motion):
        raise RuleViolation(
            "SR-19", says("{id!r} already has recorded votes", id=motion.id), motion.id
        )
    for faction in cmd.supported_by:
        state.faction(faction)
    held = sum(assembly.present(f) for f in cmd.supported_by)
    present, seated = assembly.present_total(), assembly.seated_total()
    if not cmd.supported_by or not carries(
        motion.majority, motion.basis, held, present - held, 0, present, seated
    ):
        raise RuleViolation(
            "SR-19",
            says(
                "the supporting factions hold {held} of {present} present "
                "({seated} seated): not the required {majority} majority",
                held=held,
                present=present,
                seated=seated,
                majority=motion.majority,
            ),
            held,
        )
    recheck(state, motion, assembly, cmd.at)
    return [
        MotionCarried(
            at=cmd.at,
            assembly=motion.assembly,
            motion=cmd.motion,
            yes=0,
            no=0,
            abstain=0,
            present=present,
            seated=seated,
            unrecorded=True,
            supported_by=cmd.supported_by,
            supporters_seats=held,
            composition=dict(governing_seats(state, assembly)),
        )
    ]


@evolves(MotionCarried)
def _carried(state: FederationState, evt: MotionCarried, ref: EventRef) -> None:
    motion = state.motions[evt.motion]
    motion.status = "adopted"
    motion.closed = ref
    motion.unrecorded = evt.unrecorded
    motion.supported_by = evt.supported_by
    motion.supporters_seats = evt.supporters_seats
    motion.seated_at_vote = evt.seated
    motion.composition = dict(evt.composition)
    MOTION_KINDS[motion.kind].effect(state, motion, ref)


@evolves(MotionFailed)
def _failed(state: FederationState, evt: MotionFailed, ref: EventRef) -> None:
    motion = state.motions[evt.motion]
    motion.status = "rejected"
    motion.closed = ref
    motion.seated_at_vote = evt.seated
