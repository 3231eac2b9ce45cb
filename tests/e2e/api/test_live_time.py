"""No client can freeze the log (issue 9): a live act takes effect now.

Before: one ``POST …/commands/open_recall_petition`` with ``"at": "9999-12-31"``
by a plain member made every later write fail (acts are recorded in time
order). Now ``at`` may be left out (the act takes effect now), and a time
beyond the clock skew ahead of the server's clock is refused with nothing
written, so later acts still go through.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.api.conftest import Api

REGISTER = "/api/constituencies/commands/register_constituency"
BODY = {
    "council": "petrograd-soviet",
    "seats": 2,
    "electorate": 1000,
}


def test_a_far_future_act_is_refused_and_later_acts_still_work(api: Api) -> None:
    headers = api.token(api.user("root", "administrator"), "read", "commands:write")
    before = api.head()
    far = api.client.post(
        REGISTER,
        json={**BODY, "constituency": "far", "at": "9999-12-31"},
        headers=headers,
    )
    assert far.status_code == 409, far.text
    error = far.json()["error"]
    assert error["rule"] == "SR-28"
    assert "in the future" in error["message"]
    assert api.head() == before
    now = api.client.post(
        REGISTER, json={**BODY, "constituency": "near"}, headers=headers
    )
    assert now.status_code == 200, now.text


def test_an_act_without_at_takes_effect_now(api: Api) -> None:
    headers = api.token(api.user("root", "administrator"), "read", "commands:write")
    made = api.client.post(
        REGISTER, json={**BODY, "constituency": "now"}, headers=headers
    )
    assert made.status_code == 200, made.text
    seq = made.json()["events"][0]["seq"]
    page = api.client.get(f"/api/log?after={seq - 1}&limit=1", headers=headers)
    recorded = page.json()["events"][0]["recorded_at"]
    when = datetime.fromisoformat(recorded).replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - when).total_seconds()) < 120
