"""SR-26…SR-30 in words: what ends a government's mandate, and the warnings a
legitimacy answer carries (vacant offices, pending resignations, a lost
majority). Each is a ``says`` sentence: English as ever, translated at the
edges. Moved out of ``legitimacy``."""

from __future__ import annotations

from sovet.domain.congress.authority import authority, who_may_act
from sovet.domain.congress.sessions import bloc_share
from sovet.domain.government import chain_report
from sovet.domain.government.records import GovernmentRecord
from sovet.domain.kernel.assembly import Assembly
from sovet.domain.kernel.calendar import display
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.state import FederationState
from sovet.errors import says

__all__ = ["ends_when", "lost_majority", "pending", "vacancy"]


def ends_when(state: FederationState, congress: Assembly) -> list[str]:
    """SR-26: in words, each event of the constitution that ends the mandate."""
    ec = authority(state, congress.body).committee
    ec_name = ec.name if ec else says("the executive committee the congress elects")
    withdrawers = who_may_act(state, congress.body, "withdraw")
    texts = {
        "next_congress": says(
            "the next {body} convenes (after {name}) and confirms or replaces it "
            "(SR-26)",
            body=state.bodies[congress.body].name,
            name=congress.name,
        ),
        "council_reelection": says(
            "new elections to the councils are completed (SR-26)"
        ),
        "executive_forms_new": says(
            "{committee} forms a new government (SR-26)", committee=ec_name
        ),
        "withdrawn_by_majority": says(
            "{who} withdraws it by a majority decision (SR-26, SR-22)",
            who=withdrawers,
        ),
        "constituent_assembly": says(
            "the Constituent Assembly convenes (the decree of 26 Oct (8 Nov) 1917 "
            "made the government provisional until then)"
        ),
    }
    return [texts[c] for c in state.constitution.expiry.expiry_events]


def vacancy(
    state: FederationState, assembly: Assembly, office: str, vacated: EventRef | None
) -> str:
    if vacated is None:
        return says(
            "office {office} left vacant in the list approved (SR-30)", office=office
        )
    fillers = who_may_act(state, assembly.body, "fill")
    for resignation in state.resignations:
        if resignation.ref.seq == vacated.seq:
            return says(
                "office {office} vacant since {day} by the resignation of {person}; "
                "the government remains legitimate (SR-28); {who} fills it (SR-30)",
                office=office,
                day=display(vacated.at),
                person=state.persons[resignation.person].name,
                who=fillers,
            )
    return says(
        "office {office} vacant since {day}; the government remains legitimate "
        "(SR-28); {who} fills it (SR-30)",
        office=office,
        day=display(vacated.at),
        who=fillers,
    )


def pending(state: FederationState, gov: GovernmentRecord) -> list[str]:
    """SR-29: resignations from ``gov`` still pending — the member still holds
    the office (one vacated meanwhile, e.g. by a recall, is no longer pending)."""

    def holds_office(person: str, office: str | None) -> bool:
        record = gov.offices.get(office or "")
        return record is not None and record.person == person

    return [
        says(
            "resignation of {person} from {government} pending under hold {hold!r} "
            "(SR-29)",
            person=state.persons[r.person].name,
            government=gov.name,
            hold=r.hold,
        )
        for r in state.resignations
        if r.status == "pending"
        and r.body == gov.id
        and holds_office(r.person, r.office)
    ]


def lost_majority(
    state: FederationState, gov: GovernmentRecord, congress: Assembly
) -> list[str]:
    out: list[str] = []
    held, total = bloc_share(state, congress, gov.bloc)
    home = congress.body
    act = says(
        "{approvers} may approve a new government, {conveners} may convene the "
        "next congress, and councils with the required share of the population "
        "may demand one (SR-15, SR-26, SR-27)",
        approvers=who_may_act(state, home, "approve"),
        conveners=who_may_act(state, home, "convene"),
    )
    if total and 2 * held <= total:
        causes = chain_report.vacancy_causes(congress)
        lost = says(
            "the governing bloc holds {held} of {total} seats at {body}: it has "
            "lost its majority; {act}",
            held=held,
            total=total,
            body=congress.name,
            act=act,
        )
        if causes:
            lost = says(
                "after the {causes}, {lost}", causes=", the ".join(causes), lost=lost
            )
        out.append(lost)
    council_total = 0
    council_held = 0
    for body in state.bodies.values():
        if body.kind == "council" and body.composition:
            council_total += sum(body.composition.values())
            council_held += sum(body.composition.get(f, 0) for f in gov.bloc)
    if council_total and 2 * council_held <= council_total:
        out.append(
            says(
                "after recalls and re-elections the governing bloc holds {held} of "
                "{total} council deputies on record: it has lost its majority in "
                "the councils; {act}",
                held=council_held,
                total=council_total,
                act=act,
            )
        )
    return out
