"""One contract for every store (eventsourcing's ``tests/persistence.py`` shape).

A subclass named ``Test…`` provides the fixture ``make_uow``: a function that
returns a new unit of work on one shared, initially empty database. Every test
here then runs against that backend (memory, SQLite, PostgreSQL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from sovet.errors import CanonicalEncodingError, ConcurrencyConflict, StorageError
from sovet.ledger.canonical import canonical_json
from sovet.ledger.chain import verify
from sovet.ledger.checkpoint import CheckpointRecord, SignedCheckpoint
from sovet.ledger.envelope import GENESIS_HASH, NewEvent
from sovet.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]

PAYLOAD = {
    "name": "Совет рабочих и солдатских депутатов",
    "escapes": 'quote " backslash \\ newline \n tab \t nul \x00 del \x7f',
    "astral": "🜁 𝔖",
    "votes": [0, -1, 2**63 - 1, 2**80],
    "empty": {"list": [], "object": {}},
    "flags": [True, False, None],
    "z": 1,
    "a": 2,
}


def _event(stream: str, n: int = 0, at: str = "1917-11-08T02:00:00+03:00") -> NewEvent:
    return NewEvent(stream, "DeputyElected", {"n": n, "who": f"d{n}"}, at)


def _checkpoint(size: int) -> SignedCheckpoint:
    return SignedCheckpoint(size, "a" * 64, "b" * 64, "c" * 128, "d" * 64)


class EventStoreContract:
    """The behaviour every ``EventStore`` + ``UnitOfWork`` pair must show."""

    def test_empty_store(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            assert uow.events.head() == (0, GENESIS_HASH)
            assert list(uow.events.read()) == []
            assert uow.events.stream_version("nobody") == 0
            assert uow.projections.all("deputy") == {}
            assert uow.checkpoints.list() == []
            assert uow.events.append([]) == []

    def test_append_assigns_seq_versions_and_links(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            stored = uow.events.append([_event("a", 1), _event("b", 2), _event("a", 3)])
            uow.commit()
        assert [(e.seq, e.stream_id, e.version) for e in stored] == [
            (1, "a", 1),
            (2, "b", 1),
            (3, "a", 2),
        ]
        assert stored[0].prev_hash == GENESIS_HASH
        assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
        with make_uow() as uow:
            assert list(uow.events.read()) == stored
            assert uow.events.head() == (3, stored[-1].hash)
            assert uow.events.stream_version("a") == 2
            assert uow.events.stream_version("b") == 1

    def test_later_appends_continue_the_chain(self, make_uow: UowFactory) -> None:
        for round_ in range(3):
            with make_uow() as uow:
                uow.events.append([_event("s", round_), _event(f"t{round_}", round_)])
                uow.commit()
        with make_uow() as uow:
            events = list(uow.events.read())
            assert [e.seq for e in events] == list(range(1, 7))
            assert [e.version for e in events if e.stream_id == "s"] == [1, 2, 3]
            assert (
                verify(uow.events.read()) == uow.events.head() == (6, events[-1].hash)
            )

    def test_read_after_seq_and_limit(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            uow.events.append([_event("s", i) for i in range(10)])
            assert [e.seq for e in uow.events.read(after_seq=7)] == [8, 9, 10]
            assert [e.seq for e in uow.events.read(after_seq=2, limit=3)] == [3, 4, 5]
            assert list(uow.events.read(after_seq=10)) == []
            assert list(uow.events.read(limit=0)) == []

    def test_append_after_a_read_in_the_same_unit(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            uow.events.append([_event("s", i) for i in range(3)])
            uow.commit()
        with make_uow() as uow:
            seen = list(uow.events.read())
            partial = uow.events.read()
            next(partial)  # a read left open must not disturb the append either
            uow.events.append([_event("s", 9)], expected_versions={"s": len(seen)})
            uow.projections.put("deputy", "d9", {"n": 9})
            uow.commit()
        with make_uow() as uow:
            assert [e.payload["n"] for e in uow.events.read()] == [0, 1, 2, 9]
            assert verify(uow.events.read())[0] == 4

    def test_expected_version_matches(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            uow.events.append([_event("s")], expected_versions={"s": 0})
            uow.events.append([_event("s")], expected_versions={"s": 1, "other": 0})
            uow.commit()
        with make_uow() as uow:
            assert uow.events.stream_version("s") == 2

    def test_stale_expected_version_conflicts(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            uow.events.append([_event("s")])
            uow.commit()
        with (
            make_uow() as uow,
            pytest.raises(ConcurrencyConflict, match="'s' is at version 1"),
        ):
            uow.events.append([_event("t"), _event("s")], expected_versions={"s": 0})
        with make_uow() as uow:
            assert uow.events.head()[0] == 1
            assert uow.events.stream_version("t") == 0

    def test_interleaved_writer_of_the_same_version_conflicts(
        self, make_uow: UowFactory
    ) -> None:
        first, second = make_uow(), make_uow()
        with first, second:
            first.events.append([_event("s", 1)], expected_versions={"s": 0})
            first.commit()

            def second_writes() -> None:
                # The conflict may surface at the append (SQL) or the commit (memory).
                second.events.append([_event("s", 2)], expected_versions={"s": 0})
                second.commit()

            with pytest.raises(ConcurrencyConflict):
                second_writes()
        with make_uow() as uow:
            events = list(uow.events.read())
            assert [(e.stream_id, e.payload["n"]) for e in events] == [("s", 1)]
            assert verify(events)[0] == 1

    def test_racing_threads_one_wins_the_other_conflicts(
        self, make_uow: UowFactory
    ) -> None:
        barrier = threading.Barrier(2, timeout=30)
        outcomes: list[str] = []
        lock = threading.Lock()

        def writer(n: int) -> None:
            try:
                with make_uow() as uow:
                    seen = uow.events.stream_version("s")
                    barrier.wait()
                    uow.events.append(
                        [_event("s", n), _event(f"side-{n}", n)],
                        expected_versions={"s": seen},
                    )
                    uow.projections.put("deputy", f"d{n}", {"n": n})
                    uow.commit()
                result = "ok"
            except ConcurrencyConflict:
                result = "conflict"
            except Exception as e:  # any other error fails the test below
                result = f"error {type(e).__name__}: {e}"
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(outcomes) == ["conflict", "ok"]
        with make_uow() as uow:
            events = list(uow.events.read())
            assert len(events) == 2
            winner = events[0].payload["n"]
            assert [e.stream_id for e in events] == ["s", f"side-{winner}"]
            assert verify(events)[0] == 2
            assert uow.projections.all("deputy") == {f"d{winner}": {"n": winner}}

    def test_exit_without_commit_discards_everything(
        self, make_uow: UowFactory
    ) -> None:
        with make_uow() as uow:
            uow.events.append([_event("s")])
            uow.projections.put("deputy", "d1", {"seated": True})
            uow.checkpoints.add(_checkpoint(1))
            assert uow.events.head()[0] == 1
            assert uow.projections.get("deputy", "d1") == {"seated": True}
        self._assert_empty(make_uow)

    def test_error_inside_the_unit_rolls_back(self, make_uow: UowFactory) -> None:
        def work() -> None:
            with make_uow() as uow:
                uow.events.append([_event("s")])
                uow.projections.put("deputy", "d1", 1)
                uow.checkpoints.add(_checkpoint(1))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            work()
        self._assert_empty(make_uow)

    def test_rollback_then_commit_keeps_nothing(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            uow.events.append([_event("s")])
            uow.projections.put("deputy", "d1", 1)
            uow.checkpoints.add(_checkpoint(1))
            uow.rollback()
            uow.commit()
        self._assert_empty(make_uow)

    def _assert_empty(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            assert uow.events.head() == (0, GENESIS_HASH)
            assert uow.projections.all("deputy") == {}
            assert uow.checkpoints.list() == []

    def test_commit_keeps_events_rows_and_checkpoints_together(
        self, make_uow: UowFactory
    ) -> None:
        with make_uow() as uow:
            stored = uow.events.append([_event("s")])
            uow.projections.put("deputy", "d1", {"seat": 1})
            uow.checkpoints.add(_checkpoint(1))
            uow.commit()
        with make_uow() as uow:
            assert list(uow.events.read()) == stored
            assert uow.projections.all("deputy") == {"d1": {"seat": 1}}
            assert uow.checkpoints.list() == [_checkpoint(1)]

    def test_unit_is_reusable_and_nestable(self, make_uow: UowFactory) -> None:
        uow = make_uow()
        with uow:
            uow.events.append([_event("s", 1)])
            with uow:
                uow.events.append([_event("s", 2)])
            uow.commit()
        with uow:
            uow.events.append([_event("s", 3)])
        with uow:
            assert [e.payload["n"] for e in uow.events.read()] == [1, 2]

    def test_payload_round_trips_byte_identical(self, make_uow: UowFactory) -> None:
        event = NewEvent("s", "Typed", PAYLOAD, "1917-10-25T22:40:00+03:00")
        with make_uow() as uow:
            uow.events.append([event])
            uow.commit()
        with make_uow() as uow:
            (read,) = list(uow.events.read())
        assert read.payload == PAYLOAD
        assert canonical_json(read.payload) == canonical_json(PAYLOAD)
        assert (read.type, read.recorded_at) == (event.type, event.recorded_at)

    def test_appended_payload_is_what_a_read_returns(
        self, make_uow: UowFactory
    ) -> None:
        """Live state must equal replay: append returns the canonical payload.

        A payload built with keys out of order comes back from ``append`` with
        the key order (and values) of a later read, so folding what ``append``
        returned gives the same state, summaries included, as folding the log.
        """
        payload = {"z": 1, "a": {"y": [3, 1], "b": "x"}, "m": None}
        with make_uow() as uow:
            (live,) = uow.events.append([NewEvent("s", "T", payload, "1917")])
            uow.commit()
        with make_uow() as uow:
            (read,) = list(uow.events.read())
        assert live.payload == read.payload == payload
        assert list(live.payload) == list(read.payload) == ["a", "m", "z"]
        assert list(live.payload["a"]) == list(read.payload["a"]) == ["b", "y"]
        assert live.payload is not payload

    def test_read_payloads_are_copies(self, make_uow: UowFactory) -> None:
        payload = {"list": [1]}
        with make_uow() as uow:
            uow.events.append([NewEvent("s", "T", payload, "1917")])
            payload["list"].append(2)
            (read,) = list(uow.events.read())
            read.payload["list"].append(3)
            uow.commit()
        with make_uow() as uow:
            (read,) = list(uow.events.read())
            assert read.payload == {"list": [1]}
            assert verify([read])[0] == 1

    def test_payload_without_canonical_form_is_refused(
        self, make_uow: UowFactory
    ) -> None:
        with make_uow() as uow:
            uow.events.append([_event("s")])
            with pytest.raises(CanonicalEncodingError, match=r"share"):
                uow.events.append(
                    [_event("s"), NewEvent("s", "T", {"share": 0.5}, "x")]
                )
            assert uow.events.head()[0] == 1
            uow.commit()
        with make_uow() as uow:
            assert uow.events.head()[0] == 1

    def test_projection_rows(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            rows = uow.projections
            rows.put("deputy", "b", {"v": 1})
            rows.put("deputy", "a", [1, "x"])
            rows.put("deputy", "b", {"v": 2})
            rows.put("body", "a", None)
            assert rows.get("deputy", "b") == {"v": 2}
            assert rows.get("deputy", "zz") is None
            assert rows.all("deputy") == {"a": [1, "x"], "b": {"v": 2}}
            assert list(rows.all("deputy")) == ["a", "b"]
            rows.delete("deputy", "a")
            rows.delete("deputy", "never")
            uow.commit()
        with make_uow() as uow:
            assert uow.projections.all("deputy") == {"b": {"v": 2}}
            assert uow.projections.all("body") == {"a": None}
            uow.projections.clear()
            assert uow.projections.all("deputy") == {}
            uow.commit()
        with make_uow() as uow:
            assert uow.projections.all("body") == {}

    def test_projection_values_need_a_canonical_form(
        self, make_uow: UowFactory
    ) -> None:
        with make_uow() as uow, pytest.raises(CanonicalEncodingError):
            uow.projections.put("deputy", "a", {"x": 1.5})

    def test_checkpoints_in_size_order_one_per_size(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            uow.checkpoints.add(_checkpoint(5))
            uow.checkpoints.add(_checkpoint(2))
            uow.commit()
        with make_uow() as uow:
            assert [c.size for c in uow.checkpoints.list()] == [2, 5]
            with pytest.raises(StorageError, match="size 5"):
                uow.checkpoints.add(_checkpoint(5))

    def test_the_latest_checkpoint_keeps_its_time_and_compact_range(
        self, make_uow: UowFactory
    ) -> None:
        with make_uow() as uow:
            assert uow.checkpoints.latest() is None
            uow.checkpoints.lock_signing()  # held to the unit's end, or nothing
            uow.checkpoints.add(_checkpoint(3), appended_at="2026-11-27T10:00:00")
            uow.checkpoints.add(
                _checkpoint(6),
                appended_at="2026-11-27T10:00:05+00:00",
                peaks=["e" * 64, "f" * 64],
            )
            uow.checkpoints.add(_checkpoint(1))
            uow.commit()
        with make_uow() as uow:
            uow.checkpoints.lock_signing()
            latest = uow.checkpoints.latest()
            assert latest == CheckpointRecord(
                _checkpoint(6), "2026-11-27T10:00:05+00:00", ("e" * 64, "f" * 64)
            )
            assert uow.checkpoints.list() == [_checkpoint(s) for s in (1, 3, 6)]

    def test_bulk_append(self, make_uow: UowFactory) -> None:
        batch = [_event(f"s{i % 50}", i) for i in range(2_000)]
        with make_uow() as uow:
            uow.events.append(batch[:1_000])
            uow.events.append(batch[1_000:])
            uow.commit()
        with make_uow() as uow:
            assert verify(uow.events.read())[0] == 2_000
            assert uow.events.stream_version("s7") == 40

    def test_rows_are_the_events_as_the_fold_reads_them(
        self, make_uow: UowFactory
    ) -> None:
        with make_uow() as uow:
            uow.events.append(
                [
                    NewEvent("a", "PayloadKept", PAYLOAD, "1917-11-08"),
                    _event("b", 2),
                    NewEvent("a", "Empty", {}, "1917-11-09T10:00:00+03:00"),
                    _event("c", 4),
                ]
            )
            uow.commit()
        with make_uow() as uow:
            events = list(uow.events.read())
            rows = list(uow.events.read_rows())
            window = list(uow.events.read_rows(1, 3))
        assert rows == [
            (
                e.seq,
                e.type,
                canonical_json(e.payload).decode("utf-8"),
                e.effective_at,
                e.hash,
                e.appended_at,
            )
            for e in events
        ]
        assert window == rows[1:3]

    def test_rows_by_seq_come_in_the_order_asked(self, make_uow: UowFactory) -> None:
        with make_uow() as uow:
            uow.events.append([_event("s", n) for n in range(5)])
            uow.commit()
        with make_uow() as uow:
            assert [r[0] for r in uow.events.read_rows_at([4, 1, 5, 2])] == [4, 1, 5, 2]
            with pytest.raises(StorageError, match="event 9"):
                list(uow.events.read_rows_at([1, 9]))
