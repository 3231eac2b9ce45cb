"""PrefLib ordinal files (``.soi .soc .toi .toc``, the 2022 format), streamed.

A file starts with ``# KEY: value`` metadata (``# NUMBER ALTERNATIVES: m`` is
required, ``# ALTERNATIVE NAME i: name`` names alternative ``i``, ``# TITLE:``
titles it), then one line per distinct order: ``count: a,b,{c,d},e`` with
alternatives numbered from 1 and ``{...}`` grouping alternatives ranked equal.

Ties (``.toi .toc`` only): a ranked ballot is kept up to its first tie. A count
under SR-7 transfers a ballot to its next preference; once the next preference
is a tie the voter has not said which candidate comes next, so, as the Scottish
and ERS rules do for an unclear next preference, the ballot stops there (a
ballot tied at the top is not counted). Splitting the vote among tied
candidates would be a different method, not a reading of the file. A
one-element group ``{c}`` is not a tie. Every truncation is reported in
``BallotFile.notes``. Ties in ``.soi``/``.soc`` (strict orders), a repeated or
unknown alternative, or a total that contradicts ``# NUMBER VOTERS`` are refused
with ``BallotFileError``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sovet.ballots.common import (
    BLOCK_HINT,
    MAX_CANDIDATES,
    BallotFile,
    build_profile,
    decode,
    file_size,
    first_line_of,
    open_ballots,
    progress_bar,
    whole,
)
from sovet.errors import BallotFileError, says

__all__ = ["PREFLIB_SUFFIXES", "read_preflib"]

PREFLIB_SUFFIXES = (".soi", ".soc", ".toi", ".toc")


def read_preflib(path: str | Path, *, progress: bool = False) -> BallotFile:
    """SR-7: read a PrefLib 2022 ordinal file into a compressed profile."""
    source = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in PREFLIB_SUFFIXES:
        raise BallotFileError(
            says(
                "not a PrefLib ordinal file ({suffixes})",
                suffixes=", ".join(PREFLIB_SUFFIXES),
            ),
            source=source,
        )
    meta: dict[str, str] = {}
    names: dict[int, str] = {}
    grouped: Counter[bytes] = Counter()
    line = 0
    start = 0
    with (
        open_ballots(path) as handle,
        progress_bar(progress, file_size(handle), f"reading {source}") as advance,
    ):
        block = handle.readlines(BLOCK_HINT)
        while block:
            if start == 0:
                for i, raw in enumerate(block):
                    if raw.startswith(b"#"):
                        _metadata(raw, source, line + i + 1, meta, names)
                    elif raw.strip():
                        start = line + i + 1
                        grouped.update(block[i:])
                        break
            else:
                grouped.update(block)
            line += len(block)
            advance(handle.tell())
            block = handle.readlines(BLOCK_HINT)
    m = _alternatives(meta, source)
    bad = [i for i in names if not 1 <= i <= m]
    if bad:
        raise BallotFileError(
            says("ALTERNATIVE NAME {bad} is outside 1 … {m}", bad=bad[0], m=m),
            source=source,
        )
    notes: list[str] = []
    missing = [i for i in range(1, m + 1) if i not in names]
    if missing:
        notes.append(f"{len(missing)} alternative(s) without a name: named by number")
    candidates = tuple(names.get(i, f"Alternative {i}") for i in range(1, m + 1))
    if len(set(candidates)) != m:
        raise BallotFileError(
            says("two alternatives have the same name"), source=source
        )
    rankings: dict[tuple[int, ...], int] = {}
    ties_allowed = suffix in (".toi", ".toc")
    truncated = dropped = 0
    for raw, copies in grouped.items():
        if not raw.strip():
            continue
        try:
            weight, ranking, tied = _order(raw, m, ties_allowed)
        except ValueError as exc:
            where = first_line_of(path, raw, start)
            raise BallotFileError(
                says(
                    "{exc}: {text!r}",
                    exc=exc,
                    text=raw.decode("utf-8", "replace").strip()[:60],
                ),
                source=source,
                line=where,
            ) from None
        weight *= copies
        truncated += weight if tied else 0
        if ranking:
            rankings[ranking] = rankings.get(ranking, 0) + weight
        else:
            dropped += weight
    total = sum(rankings.values()) + dropped
    declared = meta.get("NUMBER VOTERS")
    voters = None if declared is None else whole(declared.strip(), 18)
    if voters is not None and voters != total:
        raise BallotFileError(
            says(
                "# NUMBER VOTERS says {voters} but the orders total {total}",
                voters=voters,
                total=total,
            ),
            source=source,
        )
    if truncated:
        notes.append(f"{truncated} ballot(s) kept only up to their first tie")
    if dropped:
        notes.append(f"{dropped} ballot(s) with no strict first preference dropped")
    title = meta.get("TITLE", "")
    profile = build_profile(candidates, rankings, frozenset(), source)
    return BallotFile(
        title, candidates, None, frozenset(), profile, source, tuple(notes)
    )


def _metadata(
    raw: bytes, source: str, line: int, meta: dict[str, str], names: dict[int, str]
) -> None:
    """Record one ``# KEY: value`` line (unknown keys are kept, not checked)."""
    text = decode(raw, source, line)[1:].strip()
    key, sep, value = text.partition(":")
    if not sep:
        return
    key, value = key.strip().upper(), value.strip()
    if key.startswith("ALTERNATIVE NAME"):
        number = key.removeprefix("ALTERNATIVE NAME").strip()
        index = whole(number, 9)
        if index is None:
            raise BallotFileError(
                says(
                    "'# ALTERNATIVE NAME i:' needs a number, not {number!r}",
                    number=number,
                ),
                source=source,
                line=line,
            )
        if index in names:
            raise BallotFileError(
                says("alternative {index} is named twice", index=index),
                source=source,
                line=line,
            )
        names[index] = value
    else:
        meta[key] = value


def _alternatives(meta: dict[str, str], source: str) -> int:
    value = meta.get("NUMBER ALTERNATIVES")
    if value is None:
        raise BallotFileError(
            says(
                "no '# NUMBER ALTERNATIVES:' line (PrefLib 2022 metadata is required)"
            ),
            source=source,
        )
    m = whole(value, 9)
    if m is None or not 1 <= m <= MAX_CANDIDATES:
        raise BallotFileError(
            says(
                "'# NUMBER ALTERNATIVES:' must be a whole number 1 … "
                "{most}, not {value!r}",
                most=MAX_CANDIDATES,
                value=value,
            ),
            source=source,
        )
    return m


def _order(raw: bytes, m: int, ties_allowed: bool) -> tuple[int, tuple[int, ...], bool]:
    """Parse ``count: order``: ``(count, strict prefix as 0-based, had a tie)``."""
    head, sep, body = raw.partition(b":")
    if not sep:
        raise ValueError("an order line must be 'count: a,b,...'")
    head = head.strip()
    if whole(head) is None:
        raise ValueError(
            f"the count {head.decode('utf-8', 'replace')!r} is not a whole number"
        )
    weight = int(head)
    body = body.strip()
    if not body:
        return weight, (), False
    if b"{" not in body and b"}" not in body:
        try:
            ranking = [int(t) for t in body.split(b",")]
        except ValueError:
            raise ValueError(
                "alternatives must be numbers separated by commas"
            ) from None
        _check(ranking, m)
        return weight, tuple(c - 1 for c in ranking), False
    groups = _groups(body)
    if not ties_allowed and any(len(g) > 1 for g in groups):
        raise ValueError(
            "ties '{…}' are not allowed in a strict-order file (.soi/.soc)"
        )
    _check([c for g in groups for c in g], m)
    prefix: list[int] = []
    for group in groups:
        if len(group) > 1:
            return weight, tuple(prefix), True
        prefix.append(group[0] - 1)
    return weight, tuple(prefix), False


def _groups(body: bytes) -> list[list[int]]:
    """Split ``a,{b,c},d`` into groups ``[[a], [b, c], [d]]``."""
    groups: list[list[int]] = []
    current: list[int] | None = None
    for token in body.split(b","):
        token = token.strip()
        opens, closes = token.startswith(b"{"), token.endswith(b"}")
        core = token.strip(b"{}").strip()
        if (opens and current is not None) or (
            closes and current is None and not opens
        ):
            raise ValueError("unbalanced '{' '}'")
        if whole(core, 9) is None:
            raise ValueError(
                f"{token.decode('utf-8', 'replace')!r} is not an alternative"
            )
        if opens:
            current = []
        if current is None:
            groups.append([int(core)])
        else:
            current.append(int(core))
            if closes:
                groups.append(current)
                current = None
    if current is not None:
        raise ValueError("unbalanced '{' '}'")
    return groups


def _check(ranking: list[int], m: int) -> None:
    """Every alternative in ``1 … m`` and none repeated."""
    for c in ranking:
        if not 1 <= c <= m:
            raise ValueError(f"alternative {c} is not in 1 … {m}")
    if len(set(ranking)) != len(ranking):
        raise ValueError("an alternative appears twice in one order")
