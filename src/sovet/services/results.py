"""An election's published count as the one report every edge renders (SR-7).

``election_report(services, record)`` finds the election's ``ElectionCounted``
entry in the log and returns its ``CountReport`` (``sovet.counting.report``)
with the turnout and where it was published; ``GET /api/elections/{id}``, the
web's count sheet and ``sovet count`` all render a ``CountReport``, so they
cannot disagree.

Where the report comes from:

- **A secret poll** publishes its ballots (``PollClosed``) before its count.
  The report is the count of that published batch by the election's method,
  recomputed here exactly as the close computed it (same profile, same
  method, same tie-break), and checked against the published count (elected,
  every stage's tallies, who was elected and excluded at each stage, the
  non-transferable votes, the quota): a published count that does not follow
  from the published ballots is a ``ChainBroken``, never shown. The recount
  gives what the log entry does not keep — each stage's transfer and each tie
  as the method recorded it — so the report is the whole ``CountResult``.
- **A count of named ballots or of tallies** (``count_election``) keeps only
  its stage tallies, its elected and its ties as text in the log (not its
  ballots). The report is rebuilt from those; if the entry recorded no stage
  table, ``stages_known`` is False and nobody is placed at a stage (the web
  says so rather than guessing; see ``CountReport``).

Reports are kept by the hash of their count's log entry (the hash fixes the
whole log before it, so equal hashes have equal reports).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from sovet.counting.report import CountReport, JsonValue, count_report
from sovet.counting.types import CountResult, Profile, Round
from sovet.domain import event_from_stored
from sovet.domain.elections.conduct import count_profile, stages_of
from sovet.domain.elections.polling import ElectionCounted, ElectionRecord
from sovet.domain.elections.polls import PollClosed, parse_key, ranking_key
from sovet.errors import ChainBroken, NotFound, says
from sovet.ledger.envelope import StoredEvent
from sovet.services.bootstrap import Services

__all__ = ["ElectionReport", "election_report", "election_report_from"]

_KEPT = 32
"""Reports kept in memory (keyed by the hash of their count's log entry)."""


@dataclass(frozen=True, slots=True)
class ElectionReport:
    """SR-7: an election's count report, its turnout and its place in the log."""

    election: str
    report: CountReport
    ballots_cast: int
    registered: int
    counted: tuple[int, str]
    """The ``ElectionCounted`` entry: (seq, hash)."""
    published: tuple[int, str] | None
    """The ``PollClosed`` entry of a secret poll: (seq, hash)."""
    merkle_root: str | None
    recorded_ties: tuple[str, ...]
    """The ties as the log entry words them."""
    source: Literal["published-ballots", "log-entry"]

    def turnout(self) -> dict[str, JsonValue]:
        """``{ballots_cast, registered}``."""
        return {"ballots_cast": self.ballots_cast, "registered": self.registered}

    def publication(self) -> dict[str, JsonValue]:
        """Where the count and its ballots are in the log, and how it was read."""
        seq, digest = self.counted
        return {
            "counted": {"seq": seq, "hash": digest},
            "published": None
            if self.published is None
            else {"seq": self.published[0], "hash": self.published[1]},
            "merkle_root": self.merkle_root,
            "recounted_from_published_ballots": self.source == "published-ballots",
            "stages_recorded": self.report.stages_known,
            "ties_recorded": list(self.recorded_ties),
        }


class _Kept:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reports: OrderedDict[str, ElectionReport] = OrderedDict()

    def get(self, key: str) -> ElectionReport | None:
        with self.lock:
            found = self.reports.get(key)
            if found is not None:
                self.reports.move_to_end(key)
            return found

    def put(self, key: str, report: ElectionReport) -> None:
        with self.lock:
            self.reports[key] = report
            while len(self.reports) > _KEPT:
                self.reports.popitem(last=False)


_REPORTS = _Kept()


def _read(services: Services, seq: int) -> StoredEvent:
    with services.uow() as uow:
        found = list(uow.events.read(after_seq=seq - 1, limit=1))
    if not found:
        raise NotFound("SR-7", says("event {seq} is not in the log", seq=seq), seq)
    return found[0]


def election_report(
    services: Services, record: ElectionRecord
) -> ElectionReport | None:
    """SR-7: the count report of ``record``, or None before it is counted."""
    return election_report_from(lambda seq: _read(services, seq), record)


def election_report_from(
    read: Callable[[int], StoredEvent], record: ElectionRecord
) -> ElectionReport | None:
    """SR-7: ``election_report``, reading the log's entries with ``read(seq)``
    (the minutes read them from the folded state's log)."""
    counted = next(
        (r for r in reversed(record.refs) if r.type == "ElectionCounted"), None
    )
    if counted is None:
        return None
    stored = read(counted.seq)
    if stored.hash != counted.hash:
        raise ChainBroken(counted.seq, f"the count of {record.id!r} is not this entry")
    kept = _REPORTS.get(stored.hash)
    if kept is not None:
        return kept
    event = event_from_stored(stored)
    if not isinstance(event, ElectionCounted):
        raise ChainBroken(counted.seq, f"the count of {record.id!r} is not here")
    closed = record.published
    if closed is not None and closed.seq < counted.seq:
        batch = event_from_stored(read(closed.seq))
        if not isinstance(batch, PollClosed):
            raise ChainBroken(closed.seq, f"the ballots of {record.id!r} are not here")
        result = _recount(record, batch, event, counted.seq)
        found = ElectionReport(
            record.id,
            count_report(result),
            event.ballots_cast,
            event.registered,
            (counted.seq, counted.hash),
            (closed.seq, closed.hash),
            batch.merkle_root,
            tuple(event.ties),
            "published-ballots",
        )
    else:
        found = ElectionReport(
            record.id,
            count_report(_from_entry(record, event), stages_known=bool(event.stages)),
            event.ballots_cast,
            event.registered,
            (counted.seq, counted.hash),
            None,
            None,
            tuple(event.ties),
            "log-entry",
        )
    _REPORTS.put(stored.hash, found)
    return found


def _recount(
    record: ElectionRecord, batch: PollClosed, event: ElectionCounted, seq: int
) -> CountResult:
    """The close's count of the published batch, checked against the entry."""
    candidates = tuple(record.candidates)
    index = {name: i for i, name in enumerate(candidates)}
    keys: Counter[str] = Counter(ranking_key(b.ranking) for b in batch.ballots)
    profile = Profile.from_ballots(
        candidates, (([index[c] for c in parse_key(k)], n) for k, n in keys.items())
    )
    result = count_profile(event.method, profile, seats=record.seats)
    same = (
        tuple(result.elected) == tuple(event.elected)
        and [dict(r.tallies) for r in result.rounds] == [dict(r) for r in event.rounds]
        and (not event.stages or stages_of(result) == tuple(event.stages))
        and result.quota == event.quota
    )
    if not same:
        raise ChainBroken(
            seq,
            f"the published count of {record.id!r} does not follow from its "
            f"published ballots (recounted by {event.method})",
        )
    return result


def _from_entry(record: ElectionRecord, event: ElectionCounted) -> CountResult:
    """A count of named ballots or tallies as its log entry keeps it."""
    stages = list(event.stages)
    rounds: list[Round] = []
    for number, tallies in enumerate(event.rounds, start=1):
        stage = stages[number - 1] if number <= len(stages) else None
        rounds.append(
            Round(
                number,
                dict(tallies),
                tuple(stage.elected) if stage else (),
                tuple(stage.excluded) if stage else (),
                None,
                stage.exhausted if stage else Fraction(0),
            )
        )
    candidates = tuple(record.candidates)
    candidates += tuple(c for r in event.rounds for c in r if c not in candidates)
    return CountResult(
        method=event.method,
        seats=record.seats,
        candidates=tuple(dict.fromkeys(candidates)),
        elected=tuple(event.elected),
        rounds=tuple(rounds),
        quota=event.quota,
        exhausted=rounds[-1].exhausted if rounds else Fraction(0),
    )
