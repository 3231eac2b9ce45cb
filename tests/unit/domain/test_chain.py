"""Persons through the chain (issue 15): seats held by persons at every level.

Outside an aggregate constitution credentials name their persons and
committees their members, the counts come from them, and a seat above is
given only to a holder of the seat below. A seat lost early (recall,
resignation, replacement, annulment) vacates every seat above that came from
it, each by a ``SeatVacated`` event naming the rule; the sender, the electing
congress or its committee, and a by-election or the next on the list fill them
again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sovet.domain import fold
from sovet.domain.elections.seats import seats_of
from sovet.domain.government.legitimacy import legitimacy
from sovet.domain.kernel.assembly import Assembly
from tests.world import World

NORTH = ("n1", "n2", "n3")  # red deputies of the North council
SOUTH = ("s1", "s2")  # blue deputies of the South council


def chain_world(*, rolls: bool = False, **chain: Any) -> World:
    """A congress ``c1`` of North's three red and South's two blue deputies,
    sitting, that elected committee ``ec1`` (n1, n2 red; s1 blue). ``x`` (red)
    and ``y`` (blue) hold no seat; with ``rolls`` everyone is an elector of
    their council (constituencies ``north-roll``, ``south-roll``)."""
    world = World({"chain": {"aggregate": False, **chain}})
    world.do(
        "register_body", body="nat", name="Congress", kind="congress", level="national"
    )
    world.do(
        "register_body",
        body="ec0",
        name="Standing Committee",
        kind="executive_committee",
        level="national",
        parent="nat",
    )
    for council in ("north", "south"):
        world.do(
            "register_body",
            body=council,
            name=council.title(),
            kind="council",
            level="gubernia",
            parent="nat",
        )
        world.do(
            "register_constituency",
            constituency=f"{council}-1",
            council=council,
            seats=4,
            electorate=100,
        )
        if rolls:
            world.do(
                "register_constituency",
                constituency=f"{council}-roll",
                council=council,
                seats=1,
            )
    for faction in ("red", "blue"):
        world.do("register_faction", faction=faction, name=faction.title())
    people = {**dict.fromkeys(NORTH, "red"), **dict.fromkeys(SOUTH, "blue")}
    people.update({"x": "red", "y": "blue"})
    for person, faction in people.items():
        world.do("register_person", person=person, name=person.upper(), faction=faction)
        if rolls:
            home = "north" if person in (*NORTH, "x") else "south"
            world.do(
                "register_elector",
                person=person,
                birth_date="1890-01-01",
                constituency=f"{home}-roll",
                categories=["labour"],
            )
    for person in NORTH:
        world.do("seat_deputy", constituency="north-1", person=person)
    for person in SOUTH:
        world.do("seat_deputy", constituency="south-1", person=person)
    world.do(
        "convene_congress",
        at="1917-11-07",
        congress="c1",
        body="nat",
        name="First Congress",
        number=1,
        convened_by="ec0",
        apportioned=5,
    )
    world.do("appoint_credentials_commission", congress="c1")
    world.do(
        "credential_delegates",
        congress="c1",
        faction="red",
        senders=["north"],
        persons=list(NORTH),
    )
    world.do(
        "credential_delegates",
        congress="c1",
        faction="blue",
        senders=["south"],
        persons=list(SOUTH),
    )
    world.do(
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="Committee One",
        members={"n1": "red", "n2": "red", "s1": "blue"},
    )
    return world


def recall(world: World, deputy: str, constituency: str, council: str) -> list[str]:
    """SR-10 (1917 mode): the electorate's demand, then the council's order."""
    world.do("petition_recall", constituency=constituency, deputy=deputy, signatures=51)
    stored = world.do(
        "order_re_election", constituency=constituency, deputy=deputy, by_body=council
    )
    return [e.type for e in stored]


def keys(world: World, person: str) -> list[str]:
    return [held.key for held in seats_of(world.state, person)]


def named_counts(assembly: Assembly) -> dict[str, int]:
    decisive = (d for d in assembly.delegates.values() if d.kind == "decisive")
    return dict(Counter(d.faction for d in decisive))


# --- seats held by persons --------------------------------------------------


def test_outside_aggregate_credentials_name_their_persons() -> None:
    world = chain_world()
    session = world.state.assemblies["c1"]
    assert session.seated == {"red": 3, "blue": 2} == named_counts(session)
    assert not session.aggregate
    refused = world.refuse(
        "SR-17", "credential_delegates", congress="c1", faction="red", count=2
    )
    assert "name the delegates" in refused.message
    world.refuse(
        "SR-17",
        "credential_delegates",
        congress="c1",
        faction="red",
        count=2,
        senders=["north"],
        persons=["x"],
    )
    world.refuse(
        "SR-17",
        "report_credentials",
        congress="c1",
        decisive={"red": 3, "blue": 2},
    )


def test_a_delegate_must_hold_a_seat_in_the_sender() -> None:
    world = chain_world()
    refused = world.refuse(
        "SR-12",
        "credential_delegates",
        congress="c1",
        faction="red",
        senders=["north"],
        persons=["x"],
    )
    assert "not a seated deputy of north" in refused.message
    world.refuse(
        "SR-12",
        "credential_delegates",
        congress="c1",
        faction="red",
        persons=["x"],
    )  # no sender named
    world.refuse(
        "SR-17",  # the faction is the person's
        "credential_delegates",
        congress="c1",
        faction="blue",
        senders=["north"],
        persons=["x"],
    )


def test_each_delegate_records_the_seat_below_it_came_from() -> None:
    world = chain_world()
    assert keys(world, "n1") == ["deputy:north-1", "delegate:c1", "committee:ec1"]
    place = world.state.assemblies["ec1"].delegates["n1"]
    assert place.basis == ("deputy:north-1", "delegate:c1")
    assert world.state.assemblies["c1"].delegates["s2"].sender == "south"


def test_a_committee_is_elected_by_name_from_the_delegates() -> None:
    world = chain_world()
    committee = world.state.assemblies["ec1"]
    assert committee.seated == {"red": 2, "blue": 1} == named_counts(committee)
    fields = {"congress": "c1", "name": "Committee Two"}
    refused = world.refuse(
        "SR-20",
        "elect_executive_committee",
        executive="ec2",
        composition={"red": 2},
        **fields,
    )
    assert "name the members" in refused.message
    world.refuse(
        "SR-20",
        "elect_executive_committee",
        executive="ec2",
        members={"n1": "red"},
        composition={"red": 2},
        **fields,
    )
    refused = world.refuse(
        "SR-20",
        "elect_executive_committee",
        executive="ec2",
        members={"x": "red"},
        **fields,
    )
    assert "no delegate of First Congress" in refused.message


def test_ec_from_delegates_off_lets_the_congress_elect_anyone() -> None:
    world = chain_world(ec_from_delegates=False)
    world.do(
        "elect_executive_committee",
        executive="ec2",
        congress="c1",
        name="Committee Two",
        members={"x": "red", "y": "blue"},
    )
    assert world.state.assemblies["ec2"].delegates["x"].basis == ()


def test_a_council_composition_is_its_seated_deputies_not_a_record() -> None:
    world = chain_world()
    world.refuse(
        "SR-6", "record_council_composition", body="north", composition={"red": 9}
    )
    assert world.state.bodies["north"].composition == {"red": 3}


def test_delegate_election_sends_electors_not_deputies() -> None:
    world = chain_world(rolls=True, delegates_chosen_by="delegate_election")
    world.do(
        "credential_delegates",
        congress="c1",
        faction="red",
        senders=["north"],
        persons=["x"],
    )
    assert world.state.assemblies["c1"].delegates["x"].basis == ()


# --- consequences up the chain ----------------------------------------------


def test_a_recall_vacates_every_seat_above_each_by_its_own_event() -> None:
    world = chain_world()
    types = recall(world, "n1", "north-1", "north")
    assert types == [
        "DeputyRecalled",
        "SeatVacated",
        "SeatVacated",
        "ByElectionScheduled",
    ]
    vacated = [e for e in world.events if e.type == "SeatVacated"]
    assert [(e.payload["place"], e.payload["rule"]) for e in vacated] == [
        ("delegate", "SR-11"),
        ("committee", "SR-11"),
    ]
    assert all(e.payload["lost"] == "deputy:north-1" for e in vacated)
    assert keys(world, "n1") == []
    session, committee = world.state.assemblies["c1"], world.state.assemblies["ec1"]
    assert session.seated == {"red": 2, "blue": 2} == named_counts(session)
    assert committee.seated == {"red": 1, "blue": 1} == named_counts(committee)
    assert [v.person for v in session.open_vacancies()] == ["n1"]
    assert [v.person for v in committee.open_vacancies()] == ["n1"]
    assert fold(world.events) == world.state


def test_a_recall_of_a_deputy_who_holds_nothing_above_vacates_nothing() -> None:
    world = chain_world()
    world.do("register_person", person="z", name="Z", faction="red")
    world.do("seat_deputy", constituency="south-1", person="z")
    assert recall(world, "z", "south-1", "south") == [
        "DeputyRecalled",
        "ByElectionScheduled",
    ]


def test_vacate_above_off_keeps_the_seats_above() -> None:
    world = chain_world(vacate_above=False)
    assert recall(world, "n1", "north-1", "north") == [
        "DeputyRecalled",
        "ByElectionScheduled",
    ]
    assert keys(world, "n1") == ["delegate:c1", "committee:ec1"]


def test_a_delegate_who_resigns_loses_the_committee_place_too() -> None:
    world = chain_world()
    stored = world.do("resign", person="n2", body="c1")
    assert [e.type for e in stored] == [
        "ResignationTookEffect",
        "SeatVacated",
        "SeatVacated",
    ]
    assert [e.payload["rule"] for e in stored[1:]] == ["SR-30", "SR-30"]
    assert keys(world, "n2") == ["deputy:north-1"]


def test_a_deputy_who_resigns_from_the_council_loses_every_seat() -> None:
    world = chain_world()
    stored = world.do("resign", person="s1", body="south")
    assert [e.type for e in stored] == [
        "ResignationTookEffect",
        "SeatVacated",
        "SeatVacated",
        "SeatVacated",
        "ByElectionScheduled",
    ]
    assert keys(world, "s1") == []
    assert world.state.constituencies["south-1"].by_elections == 1


def test_a_delegate_replaced_by_the_sender_loses_the_committee_place() -> None:
    world = chain_world()
    world.do("register_person", person="n4", name="N4", faction="red")
    world.do("seat_deputy", constituency="north-1", person="n4")
    stored = world.do(
        "replace_delegate",
        congress="c1",
        by_body="north",
        delegate="n2",
        replacement="n4",
    )
    assert [e.type for e in stored] == ["DelegateReplaced", "SeatVacated"]
    assert keys(world, "n2") == ["deputy:north-1"]
    assert world.state.assemblies["c1"].delegates["n4"].basis == ("deputy:north-1",)
    refused = world.refuse(
        "SR-12",
        "replace_delegate",
        congress="c1",
        by_body="north",
        delegate="n4",
        replacement="x",
    )
    assert "holds no seat" in refused.message


def test_an_annulled_election_vacates_the_seats_above_its_deputies() -> None:
    world = chain_world()
    world.do("register_person", person="v", name="V", faction="red")
    world.do(
        "register_elector",
        person="v",
        birth_date="1890-01-01",
        constituency="north-1",
        categories=["labour"],
    )
    world.do(
        "register_constituency",
        constituency="north-2",
        council="north",
        seats=1,
        electorate=100,
    )
    world.do(
        "call_election",
        election="e1",
        constituency="north-2",
        seats=1,
        polling_day="1917-11-09",
        candidates=["v"],
        conduct={
            "day_set_by": "north",
            "commission": ["k"],
            "council_representative": "r",
        },
    )
    world.do(
        "count_election",
        at="1917-11-09",
        election="e1",
        minutes_signed_by=["k", "r"],
        tallies={"v": 10},
    )
    world.do("verify_election", election="e1", confirmed=["v"])
    world.do(
        "replace_delegate",
        congress="c1",
        by_body="north",
        delegate="n3",
        replacement="v",
    )
    stored = world.do("annul_election", election="e1", by_body="nat")
    assert [e.type for e in stored] == ["ElectionAnnulled", "SeatVacated"]
    assert stored[1].payload["rule"] == "SR-8"
    assert keys(world, "v") == []


# --- refilling --------------------------------------------------------------


def test_the_sender_fills_the_vacant_delegate_seat_with_a_deputy() -> None:
    world = chain_world()
    recall(world, "n1", "north-1", "north")
    world.do("register_person", person="n4", name="N4", faction="red")
    world.refuse(
        "SR-11",
        "replace_delegate",
        congress="c1",
        by_body="south",
        delegate="n1",
        replacement="s2",
    )
    world.do("seat_deputy", constituency="north-1", person="n4")
    stored = world.do(
        "replace_delegate",
        congress="c1",
        by_body="north",
        delegate="n1",
        replacement="n4",
    )
    assert stored[0].payload["vacant"] is True
    session = world.state.assemblies["c1"]
    assert session.open_vacancies() == []
    assert session.seated == {"red": 3, "blue": 2} == named_counts(session)


def test_the_sitting_congress_fills_a_committee_place_not_the_committee() -> None:
    world = chain_world()
    recall(world, "n1", "north-1", "north")
    refused = world.refuse(
        "SR-20",
        "propose_motion",
        motion="coopt",
        assembly="ec1",
        kind="fill_committee_place",
        text="co-opt n3",
        subject="ec1",
        person="n3",
    )
    assert "First Congress" in refused.message  # who may act instead
    world.refuse(  # x holds no delegate's seat
        "SR-20",
        "propose_motion",
        motion="fill",
        assembly="c1",
        kind="fill_committee_place",
        text="x",
        subject="ec1",
        person="x",
    )
    world.do(
        "propose_motion",
        motion="fill",
        assembly="c1",
        kind="fill_committee_place",
        text="n3 takes the place",
        subject="ec1",
        person="n3",
    )
    world.do("vote_by_count", motion="fill", yes=4, no=0)
    world.do("close_motion", motion="fill")
    committee = world.state.assemblies["ec1"]
    assert committee.open_vacancies() == []
    assert committee.delegates["n3"].basis == ("deputy:north-1", "delegate:c1")
    assert committee.seated == named_counts(committee) == {"red": 2, "blue": 1}


def test_once_the_congress_has_closed_the_committee_fills_its_place() -> None:
    world = chain_world()
    world.do("close_congress", congress="c1")
    recall(world, "n1", "north-1", "north")
    world.do(
        "propose_motion",
        motion="coopt",
        assembly="ec1",
        kind="fill_committee_place",
        text="co-opt n3",
        subject="ec1",
        person="n3",
    )
    world.do("vote_by_count", motion="coopt", yes=2, no=0)
    world.do("close_motion", motion="coopt")
    assert "n3" in world.state.assemblies["ec1"].delegates


def test_electing_body_only_leaves_the_place_vacant_between_sessions() -> None:
    world = chain_world(committee_place_filled_by="electing_body")
    world.do("close_congress", congress="c1")
    recall(world, "n1", "north-1", "north")
    refused = world.refuse(
        "SR-20",
        "propose_motion",
        motion="coopt",
        assembly="ec1",
        kind="fill_committee_place",
        text="co-opt n3",
        subject="ec1",
        person="n3",
    )
    assert "electing_body" in refused.message


def test_next_on_list_takes_a_recalled_deputys_seat() -> None:
    world = chain_world(deputy_seat_filled_by="next_on_list")
    world.do(
        "register_constituency",
        constituency="west",
        council="north",
        seats=1,
        electorate=100,
    )
    for person, faction in (("w1", "red"), ("w2", "red"), ("w3", "blue")):
        world.do("register_person", person=person, name=person, faction=faction)
        world.do(
            "register_elector",
            person=person,
            birth_date="1890-01-01",
            constituency="north-1",
            categories=["labour"],
        )
    conduct = {
        "day_set_by": "north",
        "commission": ["k"],
        "council_representative": "r",
    }
    world.do(
        "call_election",
        election="w",
        constituency="west",
        seats=1,
        polling_day="1917-11-09",
        candidates=["w1", "w2", "w3"],
        conduct=conduct,
    )
    world.do(
        "count_election",
        at="1917-11-09",
        election="w",
        minutes_signed_by=["k", "r"],
        tallies={"w1": 50, "w3": 30, "w2": 10},
    )
    world.do("verify_election", election="w", confirmed=["w1"])
    types = recall(world, "w1", "west", "north")
    assert types == ["DeputyRecalled", "NextOnListSeated"]  # w2: w1's list (red)
    assert "w2" in world.state.constituencies["west"].holders
    assert world.state.constituencies["west"].by_elections == 0


def test_a_by_election_is_held_within_the_deadline() -> None:
    world = chain_world(by_election_within_days=14)
    recall(world, "n1", "north-1", "north")  # on 7 Nov 1917
    world.do(
        "register_elector",
        person="x",
        birth_date="1890-01-01",
        constituency="north-1",
        categories=["labour"],
    )
    conduct = {
        "day_set_by": "north",
        "commission": ["k"],
        "council_representative": "r",
    }
    fields: dict[str, Any] = {
        "election": "by",
        "constituency": "north-1",
        "seats": 1,
        "candidates": ["x"],
        "conduct": conduct,
    }
    refused = world.refuse("SR-10", "call_election", polling_day="1917-11-22", **fields)
    assert "held by 1917-11-21" in refused.message
    world.do("call_election", polling_day="1917-11-21", **fields)


def test_an_aggregate_constitution_still_credentials_in_bulk() -> None:
    world = World()  # the test worlds are aggregate, as the 1917 sources
    world.do(
        "register_body", body="nat", name="Congress", kind="congress", level="national"
    )
    world.do(
        "register_body",
        body="ec0",
        name="Standing",
        kind="executive_committee",
        level="national",
        parent="nat",
    )
    world.do("register_faction", faction="red", name="Red")
    world.do(
        "convene_congress",
        congress="c1",
        body="nat",
        name="C1",
        number=1,
        convened_by="ec0",
        apportioned=10,
    )
    world.do("appoint_credentials_commission", congress="c1")
    world.do("credential_delegates", congress="c1", faction="red", count=10)
    world.do(
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="EC",
        composition={"red": 5},
    )
    assert world.state.assemblies["c1"].aggregate
    assert world.state.assemblies["ec1"].aggregate


# --- the answer says what the recall did ------------------------------------


def governed_world(**chain: Any) -> World:
    """``chain_world`` with a red government approved by ``c1``, which closed."""
    world = chain_world(**chain)
    world.do(
        "submit_government_list",
        government="gov",
        name="Council",
        assembly="c1",
        nominated_by="red",
        offices=[{"office": "chair", "person": "x"}],
    )
    world.do(
        "propose_motion",
        motion="approve",
        assembly="c1",
        kind="approve_government",
        text="approve",
        subject="gov",
    )
    world.do("vote_by_count", motion="approve", yes=3, no=2)
    world.do("close_motion", motion="approve")
    world.do("close_congress", congress="c1")
    return world


def test_the_answer_lists_the_vacancies_the_by_election_and_the_lost_majority() -> None:
    world = governed_world(by_election_within_days=30)
    before = legitimacy(world.state, "1917-11-07").to_json()
    assert before["majority"] == {
        "body": "First Congress",
        "bloc": ["Red"],
        "held": 3,
        "seated": 5,
        "holds": True,
    }
    assert before["vacancies"] == before["by_elections"] == []
    assert before["aggregate"] is False
    recall(world, "n1", "north-1", "north")
    answer = legitimacy(world.state, "1917-11-07").to_json()
    seq = answer["vacancies"][0]["since_seq"]
    assert answer["vacancies"] == [
        {
            "body": "First Congress",
            "person": "N1",
            "since_seq": seq,
            "rule": "SR-11",
            "replacement": "North sends a replacement (replace_delegate, SR-11)",
        },
        {
            "body": "Committee One",
            "person": "N1",
            "since_seq": seq + 1,
            "rule": "SR-11",
            "replacement": "Committee One fills it (fill_committee_place, SR-20)",
        },
    ]
    assert answer["by_elections"] == [
        {
            "body": "North",
            "constituency": "north-1",
            "person": "N1",
            "since_seq": seq + 2,
            "due": "1917-12-07",
        }
    ]
    assert answer["majority"]["held"] == 2
    assert answer["majority"]["seated"] == 4
    assert answer["majority"]["holds"] is False
    lost = [w for w in answer["warnings"] if "lost its majority" in w]
    assert lost[0].startswith("after the recall of N1 from North, the governing")
    assert answer["government"] is not None  # vacancies do not end it (SR-28)


def test_once_filled_no_vacancy_is_left() -> None:
    world = governed_world()
    recall(world, "n1", "north-1", "north")
    world.do("register_person", person="n4", name="N4", faction="red")
    world.do("seat_deputy", constituency="north-1", person="n4")
    world.do(
        "replace_delegate",
        congress="c1",
        by_body="north",
        delegate="n1",
        replacement="n4",
    )
    world.do(
        "propose_motion",
        motion="coopt",
        assembly="ec1",
        kind="fill_committee_place",
        text="co-opt n4",
        subject="ec1",
        person="n4",
    )
    world.do("vote_by_count", motion="coopt", yes=2, no=0)
    world.do("close_motion", motion="coopt")
    answer = legitimacy(world.state, "1917-11-07").to_json()
    assert answer["vacancies"] == []
    assert answer["majority"]["holds"] is True
    assert not [w for w in answer["warnings"] if "lost its majority" in w]
    assert keys(world, "n4") == ["deputy:north-1", "delegate:c1", "committee:ec1"]
