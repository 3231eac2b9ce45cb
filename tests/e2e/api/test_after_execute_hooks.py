"""The after-execute hooks (``ApiContext.executed``/``catch_up``) see every
appended event once, in log order, without rereading what this process wrote."""

from __future__ import annotations

from sovet.api.deps import ApiContext
from sovet.ledger.envelope import StoredEvent
from tests.e2e.api.conftest import Api


def _rewound(api: Api, back: int) -> tuple[ApiContext, list[StoredEvent], list[int]]:
    """The app's context with a recording hook, rewound ``back`` events."""
    ctx: ApiContext = api.client.app.state.sovet  # type: ignore[attr-defined]
    seen: list[int] = []
    ctx.after_execute[:] = [lambda events: seen.extend(e.seq for e in events)]
    head = api.head()[0]
    with api.services.uow() as uow:
        last = list(uow.events.read(after_seq=head - back))
    ctx.hooked_seq = head - back
    return ctx, last, seen


def test_events_written_here_run_in_log_order_once_contiguous(api: Api) -> None:
    ctx, (first, second, third), seen = _rewound(api, 3)
    ctx.executed([third])
    ctx.executed([second])
    assert seen == []  # waiting for the first: a request still committing
    ctx.executed([first])
    assert seen == [first.seq, second.seq, third.seq]
    ctx.executed([second])  # seen already: ignored
    ctx.catch_up()  # the head is known: nothing read, nothing run
    assert seen == [first.seq, second.seq, third.seq]
    assert ctx.hooked_seq == third.seq
    assert ctx.pending == {}


def test_a_gap_left_by_another_writer_is_read_from_the_log(api: Api) -> None:
    ctx, (first, second, third), seen = _rewound(api, 3)
    ctx.executed([third])  # first and second came from another process
    assert seen == []
    ctx.catch_up()
    assert seen == [first.seq, second.seq, third.seq]
    assert ctx.hooked_seq == third.seq
    assert ctx.pending == {}
