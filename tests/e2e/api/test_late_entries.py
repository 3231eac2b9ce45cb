"""Late entries and corrections over the API (issue 9, SR-28).

A secretary enters yesterday's minutes after today's act: marked ``"late":
true`` it is checked against the state at its own time, and a later act it
invalidates is voided by an ``ActVoided`` event naming the rule and the entry.
A late entry outside ``records.late_entry_days`` or by someone who does not
record the minutes is refused with nothing written; so is a backdated act not
marked late (as before). A correction (``annul_entry``) annuls a mistaken
entry, with a reason, and voids what depended on it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.api.conftest import Api

REGISTER = "/api/constituencies/commands/register_constituency"
ANNUL = "/api/bodies/commands/annul_entry"
COUNCIL = "petrograd-soviet"


def _day(days_ago: float) -> str:
    when = datetime.now(UTC) - timedelta(days=days_ago)
    return when.replace(tzinfo=None).isoformat(timespec="seconds")


def _register(api: Api, headers: dict[str, str], **fields: Any) -> Any:
    body = {"council": COUNCIL, "seats": 1, "electorate": 100, **fields}
    return api.client.post(REGISTER, json=body, headers=headers)


def _log_from(api: Api, headers: dict[str, str], seq: int) -> list[dict[str, Any]]:
    page = api.client.get(f"/api/log?after={seq - 1}&limit=50", headers=headers)
    assert page.status_code == 200, page.text
    events: list[dict[str, Any]] = page.json()["events"]
    return events


def _secretary(api: Api) -> dict[str, str]:
    return api.token(api.user("sec", "secretary", COUNCIL), "read", "commands:write")


def test_a_late_entry_voids_the_later_act_it_invalidates(api: Api) -> None:
    headers = _secretary(api)
    today = _register(api, headers, constituency="works-7")
    assert today.status_code == 200, today.text
    today_seq = today.json()["events"][0]["seq"]
    # Yesterday's minutes: the same constituency, registered a day earlier.
    late = _register(api, headers, constituency="works-7", at=_day(1), late=True)
    assert late.status_code == 200, late.text
    types = [e["type"] for e in late.json()["events"]]
    assert types == ["ConstituencyRegistered", "ActVoided"]
    entry_seq = late.json()["events"][0]["seq"]
    void = _log_from(api, headers, entry_seq + 1)[0]
    assert void["payload"]["seqs"] == [today_seq]
    assert void["payload"]["by"] == entry_seq
    assert void["payload"]["rule"].startswith("SR-")
    answer = api.client.get("/api/legitimacy", headers=headers).json()
    assert any(f"seq {today_seq} does not count" in w for w in answer["warnings"])
    assert answer["as_known_at"] is None
    # As the records stood before the late entry, nothing was voided.
    before = _log_from(api, headers, today_seq)[0]["appended_at"]
    then = api.client.get(
        "/api/legitimacy", params={"as_known_at": before}, headers=headers
    ).json()
    assert then["as_known_at"] == before
    assert not any("does not count" in w for w in then["warnings"])
    page = api.client.get("/", params={"as_known_at": before[:10]})
    assert page.status_code == 200, page.text
    assert "as the records stood on" in page.text
    # The late entry is what counts: the log keeps both, the fold one.
    later = _register(api, headers, constituency="works-8")
    assert later.status_code == 200, later.text


def test_a_backdated_act_not_marked_late_is_refused_as_before(api: Api) -> None:
    headers = _secretary(api)
    assert _register(api, headers, constituency="a").status_code == 200
    before = api.head()
    refused = _register(api, headers, constituency="b", at=_day(1))
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["rule"] == "SR-28"
    assert "late" in refused.json()["error"]["message"]
    assert api.head() == before


def test_a_late_entry_outside_the_window_is_refused(api: Api) -> None:
    headers = _secretary(api)
    assert _register(api, headers, constituency="a").status_code == 200
    before = api.head()
    old = _register(api, headers, constituency="b", at=_day(30), late=True)
    assert old.status_code == 409, old.text
    error = old.json()["error"]
    assert error["rule"] == "SR-28"
    assert "late_entry_days" in error["message"]
    assert api.head() == before


def test_a_late_entry_needs_the_secretary(api: Api) -> None:
    headers = _secretary(api)
    assert _register(api, headers, constituency="a").status_code == 200
    before = api.head()
    deputy = api.token(
        api.user("dep", "credentials_committee", COUNCIL), "read", "commands:write"
    )
    refused = _register(api, deputy, constituency="b", at=_day(1), late=True)
    assert refused.status_code == 403, refused.text
    assert "late entry" in refused.json()["error"]["message"]
    other = api.token(
        api.user("other", "secretary", "moscow-soviet"), "read", "commands:write"
    )
    assert (
        _register(api, other, constituency="c", at=_day(1), late=True).status_code
        == 403
    )
    assert api.head() == before


def test_a_correction_annuls_an_entry_by_the_secretary_with_a_reason(api: Api) -> None:
    headers = _secretary(api)
    made = _register(api, headers, constituency="typo")
    assert made.status_code == 200, made.text
    seq = made.json()["events"][0]["seq"]
    member = api.token(api.user("mem", "member", COUNCIL), "read", "commands:write")
    no_reason = api.client.post(
        ANNUL, json={"body": COUNCIL, "entry": seq, "reason": " "}, headers=headers
    )
    assert no_reason.status_code == 409, no_reason.text
    assert no_reason.json()["error"]["rule"] == "SR-28"
    refused = api.client.post(
        ANNUL, json={"body": COUNCIL, "entry": seq, "reason": "typo"}, headers=member
    )
    assert refused.status_code == 403, refused.text
    annulled = api.client.post(
        ANNUL,
        json={"body": COUNCIL, "entry": seq, "reason": "entered twice by mistake"},
        headers=headers,
    )
    assert annulled.status_code == 200, annulled.text
    events = annulled.json()["events"]
    assert events[0]["type"] == "EntryAnnulled"
    assert [e["type"] for e in events] == ["EntryAnnulled"]  # nothing rested on it
    answer = api.client.get("/api/legitimacy", headers=headers).json()
    assert any(f"seq {seq} does not count" in w for w in answer["warnings"])
    # The id is free again: the annulled registration no longer counts.
    again = _register(api, headers, constituency="typo")
    assert again.status_code == 200, again.text
