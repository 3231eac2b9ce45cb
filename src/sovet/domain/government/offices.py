"""SR-22, SR-30, SR-21: a government's offices once it is in office — recalling
an officer (``recall_officer``), filling a vacancy without forming a new
government (``fill_vacancy``) and renaming it (``rename_government``), each a
motion of the assembly (SR-19).
"""

from __future__ import annotations

from sovet.domain.government.formation import _in_office
from sovet.domain.government.records import OfficeRecord
from sovet.domain.kernel.assembly import Assembly, MotionRecord
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.motions import ProposeMotion, motion_kind
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__: list[str] = []


def _check_recall(
    state: FederationState, assembly: Assembly, cmd: ProposeMotion
) -> None:
    gov = _in_office(state, assembly, cmd, "SR-22", "recall_officer")
    office = gov.offices.get(cmd.office or "")
    if office is None or office.person is None:
        raise RuleViolation(
            "SR-22",
            says("no holder of office {office!r} to recall", office=cmd.office),
            cmd.office,
        )


def _vacate(state: FederationState, motion: MotionRecord, ref: EventRef) -> None:
    office = state.governments[motion.subject or ""].offices[motion.office or ""]
    office.person = None
    office.faction = None
    office.offer = None
    office.vacated = ref


motion_kind("recall_officer", "SR-22")((_check_recall, _vacate))


def _check_fill(state: FederationState, assembly: Assembly, cmd: ProposeMotion) -> None:
    gov = _in_office(state, assembly, cmd, "SR-30", "fill")
    if cmd.person is None or cmd.office is None:
        raise RuleViolation(
            "SR-30", says("fill_vacancy needs an office and a person"), None
        )
    state.person(cmd.person)
    office = gov.offices.get(cmd.office)
    if office is not None and office.person is not None:
        raise RuleViolation(
            "SR-30",
            says("office {office!r} is not vacant", office=cmd.office),
            cmd.office,
        )
    forming = state.assemblies[gov.assembly]
    if state.constitution.government.vacancy_filled_by == "forming_body":
        # The forming body itself; once a forming congress has closed, the
        # committee it elected acts for it (SR-20).
        acts_for = forming.kind == "congress" and forming.closed_at is not None
        if assembly.id != forming.id and not (
            acts_for and assembly.congress == forming.id
        ):
            raise RuleViolation(
                "SR-30",
                says(
                    "only {body}, the forming body, fills vacancies (or the "
                    "committee it elected, now that it has closed)",
                    body=forming.name,
                )
                if acts_for
                else says(
                    "only {body}, the forming body, fills vacancies", body=forming.name
                ),
                assembly.id,
            )


def _fill(state: FederationState, motion: MotionRecord, ref: EventRef) -> None:
    gov = state.governments[motion.subject or ""]
    person = motion.person or ""
    faction = state.persons[person].faction
    office = gov.offices.setdefault(
        motion.office or "", OfficeRecord(motion.office or "", None, None)
    )
    office.person, office.faction, office.since, office.vacated = (
        person,
        faction,
        ref,
        None,
    )


motion_kind("fill_vacancy", "SR-30")((_check_fill, _fill))


def _check_rename(
    state: FederationState, assembly: Assembly, cmd: ProposeMotion
) -> None:
    _in_office(state, assembly, cmd, "SR-21", "rename")


def _rename(state: FederationState, motion: MotionRecord, _ref: EventRef) -> None:
    state.governments[motion.subject or ""].name = motion.text


motion_kind("rename_government", "SR-21")((_check_rename, _rename))
