"""SR-1, SR-21, SR-22, SR-26, SR-27, SR-30: forming, holding and ending a government.

The majority faction's leadership submits a list to a congress session or an
executive committee (SR-1: nothing else can create a government; SR-21:
``government.formed_by`` says which). Everything after is a motion of that
assembly (SR-19), one kind each: ``approve_government`` (SR-21),
``confirm_government`` (the next congress confirms it, SR-26),
``withdraw_government`` (SR-22/SR-26), ``recall_officer`` (SR-22),
``fill_vacancy`` (SR-30: not a new government) and ``rename_government``.
Power passes only through such decisions of the *current* congress or its
executive committee (SR-27).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from sovet.domain.congress.authority import Act, check_act
from sovet.domain.congress.sessions import bloc_share, majority_faction
from sovet.domain.government.records import GovernmentRecord, OfficeRecord
from sovet.domain.kernel.assembly import Assembly, MotionRecord
from sovet.domain.kernel.messages import (
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.motions import ProposeMotion, motion_kind
from sovet.domain.kernel.registry import decides, evolves
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__ = [
    "GovernmentListSubmitted",
    "Nomination",
    "SubmitGovernmentList",
    "electing_congress",
    "government_bloc",
    "government_body",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Nomination:
    """SR-21: one office on the list and its nominee (``None``: left vacant)."""

    office: Annotated[str, "the office's id (e.g. interior)"]
    person: Annotated[
        str | None,
        "the id of the nominee; leave out to keep the office vacant",
    ] = None
    title: Annotated[str, "the office's display title (e.g. Interior)"] = ""


@command(
    resource="government",
    issuers=Issuers(SECRETARY, field="assembly", reach="assembly"),
)
class SubmitGovernmentList(Command):
    """SR-1/SR-21: the majority faction's leadership submits its list."""

    government: Annotated[str, "a new id for the government (e.g. sovnarkom)"]
    name: Annotated[str, "the government's display name"]
    assembly: Annotated[
        str,
        "SR-1/SR-21: the id of the sitting congress session or executive committee it "
        "goes to (per formed_by)",
    ]
    nominated_by: Annotated[
        str,
        "SR-21: the id of the nominating faction, the majority of the congress",
    ]
    offices: Annotated[
        tuple[Nomination, ...],
        "the offices on the list, each with its nominee (at least one office)",
    ]
    programme: Annotated[
        str | None,
        "the programme or decree the government is formed on, as text, if any",
    ] = None


@event()
class GovernmentListSubmitted(DomainEvent):
    """SR-21: a list of officers is before a congress or executive committee."""

    government: str
    name: str
    assembly: str
    nominated_by: str
    offices: tuple[Nomination, ...]
    factions: dict[str, str]
    programme: str | None = None

    @property
    def stream_id(self) -> str:
        """The government's stream."""
        return f"government:{self.government}"

    def describe(self) -> str:
        """One line."""
        filled = sum(1 for n in self.offices if n.person)
        return (
            f"{self.n(self.nominated_by)} submitted the list of {self.name} to "
            f"{self.n(self.assembly)}: {len(self.offices)} offices, {filled} filled"
        )


def electing_congress(state: FederationState, assembly: Assembly) -> Assembly:
    """The congress session behind ``assembly`` (itself, or the one that elected it)."""
    if assembly.kind == "congress":
        return assembly
    return state.assemblies[assembly.congress or ""]


def government_body(state: FederationState, gov: GovernmentRecord) -> str:
    """The congress body whose session (or committee) formed ``gov``."""
    return state.assemblies[gov.assembly].body


def _forming_assembly(state: FederationState, assembly_id: str, act: Act) -> Assembly:
    if assembly_id not in state.assemblies:
        body = state.bodies.get(assembly_id)
        if body is not None:
            raise RuleViolation(
                "SR-1",
                says(
                    "{name} is a {kind}: only a congress of councils or the "
                    "executive committee it elected creates a government",
                    name=body.name,
                    kind=body.kind,
                ),
                assembly_id,
            )
    assembly = state.assembly(assembly_id)
    allowed = state.constitution.government.formed_by
    if assembly.kind not in allowed:
        raise RuleViolation(
            "SR-21",
            says(
                "a government is formed by {allowed} here, not by {kind} {name}",
                allowed=" or ".join(allowed),
                kind=assembly.kind,
                name=assembly.name,
            ),
            assembly_id,
        )
    check_act(state, assembly, act)  # a closed or superseded one is refused here
    return assembly


def _check_nominator(state: FederationState, assembly: Assembly, faction: str) -> None:
    state.faction(faction)
    if state.constitution.government.nominated_by != "majority_faction":
        return
    congress = electing_congress(state, assembly)
    majority = majority_faction(state, congress)
    if majority == faction:
        return
    largest = max(congress.seated, key=lambda f: congress.seated[f], default=None)
    if (
        majority is None
        and state.constitution.majority.bloc_allowed
        and largest == faction
    ):
        return
    raise RuleViolation(
        "SR-21",
        says(
            "{faction!r} is not the majority faction of {name} (majority: {majority})",
            faction=faction,
            name=congress.name,
            majority=majority
            or says("none; bloc led by {largest}", largest=str(largest)),
        ),
        faction,
    )


@decides(SubmitGovernmentList)
def _submit(state: FederationState, cmd: SubmitGovernmentList) -> list[DomainEvent]:
    assembly = _forming_assembly(state, cmd.assembly, "form")
    if cmd.government in state.governments:
        raise RuleViolation(
            "SR-21",
            says("{government!r} already exists", government=cmd.government),
            cmd.government,
        )
    _check_nominator(state, assembly, cmd.nominated_by)
    for offer in state.offers.values():
        if offer.government == cmd.government and offer.by_faction != cmd.nominated_by:
            raise RuleViolation(
                "SR-23",
                says(
                    "the list's offer {id!r} came from {by_faction}, not the "
                    "nominating majority {nominated_by}",
                    id=offer.id,
                    by_faction=offer.by_faction,
                    nominated_by=cmd.nominated_by,
                ),
                offer.id,
            )
    seen: set[str] = set()
    factions: dict[str, str] = {}
    for nomination in cmd.offices:
        if nomination.office in seen:
            raise RuleViolation(
                "SR-21",
                says("office {office!r} twice", office=nomination.office),
                nomination.office,
            )
        seen.add(nomination.office)
        if nomination.person is not None:
            factions[nomination.person] = state.person(nomination.person).faction or ""
    if not seen:
        raise RuleViolation(
            "SR-21", says("a government list needs at least one office"), 0
        )
    return [
        GovernmentListSubmitted(
            at=cmd.at,
            government=cmd.government,
            name=cmd.name,
            assembly=cmd.assembly,
            nominated_by=cmd.nominated_by,
            offices=cmd.offices,
            factions=factions,
            programme=cmd.programme,
        )
    ]


@evolves(GovernmentListSubmitted)
def _submitted(
    state: FederationState, evt: GovernmentListSubmitted, ref: EventRef
) -> None:
    gov = GovernmentRecord(
        id=evt.government,
        name=evt.name,
        assembly=evt.assembly,
        nominated_by=evt.nominated_by,
        submitted=ref,
        programme=evt.programme,
    )
    for n in evt.offices:
        faction = evt.factions.get(n.person or "") or None
        gov.offices[n.office] = OfficeRecord(n.office, n.person, faction, title=n.title)
    state.governments[evt.government] = gov


def _subject(state: FederationState, cmd: ProposeMotion) -> GovernmentRecord:
    if cmd.subject is None:
        raise RuleViolation(
            "SR-21",
            says("motion {motion!r} names no government", motion=cmd.motion),
            None,
        )
    return state.government(cmd.subject)


def _of_body(assembly: Assembly, gov_body: str, rule: str) -> None:
    """The acting assembly must belong to the government's congress body."""
    if assembly.body != gov_body:
        raise RuleViolation(
            rule,
            says(
                "{name} is not a body of {gov_body!r}",
                name=assembly.name,
                gov_body=gov_body,
            ),
            assembly.id,
        )


def _check_approve(
    state: FederationState, assembly: Assembly, cmd: ProposeMotion
) -> None:
    gov = _subject(state, cmd)
    if gov.status != "proposed" or gov.assembly != assembly.id:
        raise RuleViolation(
            "SR-21",
            says(
                "{government} is not a list before {assembly}",
                government=gov.name,
                assembly=assembly.name,
            ),
            gov.id,
        )
    _forming_assembly(state, assembly.id, "approve")
    require_majority(state, electing_congress(state, assembly), gov)


def require_majority(
    state: FederationState, congress: Assembly, gov: GovernmentRecord
) -> None:
    """SR-18: the government's bloc holds a majority of the seated decisive
    delegates of ``congress`` now (checked when proposed and when carried)."""
    bloc = government_bloc(state, gov)
    held, total = bloc_share(state, congress, bloc)
    if 2 * held <= total or (
        len(bloc) > 1 and not state.constitution.majority.bloc_allowed
    ):
        names = " + ".join(state.display_name(f) or f for f in bloc)
        raise RuleViolation(
            "SR-18",
            says(
                "{names} hold {held} of {total} seats at {name}: no governing majority",
                names=names,
                held=held,
                total=total,
                name=congress.name,
            ),
            held,
        )


def government_bloc(state: FederationState, gov: GovernmentRecord) -> list[str]:
    """SR-18/SR-24: the nominating faction and the factions committed to it."""
    bloc = [gov.nominated_by]
    for offer in state.offers.values():
        if (
            offer.government == gov.id
            and offer.status == "accepted"
            and offer.to_faction not in bloc
        ):
            bloc.append(offer.to_faction)
    return bloc


def _approve(state: FederationState, motion: MotionRecord, ref: EventRef) -> None:
    gov = state.governments[motion.subject or ""]
    body = government_body(state, gov)
    kind = state.assemblies[motion.assembly].kind
    for other in state.governments.values():
        if other.status == "approved" and government_body(state, other) == body:
            other.status = "ended"
            other.ended = ref
            other.ended_reason = (
                "executive_forms_new" if kind == "executive_committee" else "replaced"
            )
    gov.status = "approved"
    gov.approved_by = motion.id
    gov.approvals.append(motion.id)
    gov.bloc = government_bloc(state, gov)
    for office in gov.offices.values():
        office.since = ref


motion_kind("approve_government", "SR-21")((_check_approve, _approve))


def _in_office(
    state: FederationState,
    assembly: Assembly,
    cmd: ProposeMotion,
    rule: str,
    act: Act,
) -> GovernmentRecord:
    gov = _subject(state, cmd)
    if gov.status != "approved":
        raise RuleViolation(
            rule,
            says(
                "{name} is not in office ({status})", name=gov.name, status=gov.status
            ),
            gov.id,
        )
    _of_body(assembly, government_body(state, gov), rule)
    check_act(state, assembly, act)
    return gov


def _check_confirm(
    state: FederationState, assembly: Assembly, cmd: ProposeMotion
) -> None:
    gov = _in_office(state, assembly, cmd, "SR-26", "confirm")
    if assembly.kind != "congress" or gov.assembly == assembly.id:
        raise RuleViolation(
            "SR-26", says("only the next congress confirms a government"), assembly.id
        )
    require_majority(state, assembly, gov)


def _confirm(state: FederationState, motion: MotionRecord, _ref: EventRef) -> None:
    gov = state.governments[motion.subject or ""]
    gov.approved_by = motion.id
    gov.approvals.append(motion.id)


motion_kind("confirm_government", "SR-26")((_check_confirm, _confirm))


def _check_withdraw(
    state: FederationState, assembly: Assembly, cmd: ProposeMotion
) -> None:
    _in_office(state, assembly, cmd, "SR-22", "withdraw")


def _withdraw(state: FederationState, motion: MotionRecord, ref: EventRef) -> None:
    gov = state.governments[motion.subject or ""]
    gov.status = "ended"
    gov.ended = ref
    gov.ended_reason = "withdrawn_by_majority"


motion_kind("withdraw_government", "SR-22")((_check_withdraw, _withdraw))
