"""The after-execute hooks (``ApiContext.executed``/``catch_up``) see every
appended event once, in log order, without rereading what this process wrote."""

from __future__ import annotations

from dataclasses import replace

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


def test_the_position_is_saved_at_once_after_an_ended_deputy_else_each_second(
    api: Api,
) -> None:
    """A cast need not pay a second commit for the accounts' position: events
    that end no deputy change nothing when replayed after a restart, so their
    position is saved at most every ``save_every`` seconds; a recall's at once,
    and the last one at shutdown (``flush``)."""
    ctx, (first, second, third), _seen = _rewound(api, 3)
    saves: list[int] = []
    ctx.saved = saves.append
    ctx.saved_at, ctx.save_every = float("-inf"), 3600.0
    ctx.executed([first])  # the first save: an hour since "never"
    ctx.executed([second])  # within the hour, nothing ended: not saved
    assert saves == [first.seq]
    ctx.executed([replace(third, type="DeputyRecalled")])
    assert saves == [first.seq, third.seq]  # a recall: saved at once
    ctx.hooked_seq = second.seq
    ctx.flush()
    assert saves == [first.seq, third.seq, second.seq]
