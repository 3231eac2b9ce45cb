"""Rich output for the engine commands: dates, narrative steps, legitimacy, log.

Everything here renders plain data (the JSON of DESIGN §4, stored events), so the
commands stay thin: parse, call a service, render.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from sovet.errors import ChainBroken, InputError, RuleViolation, SovetError
from sovet.i18n import gettext, refusal, translate
from sovet.i18n import gettext as _

if TYPE_CHECKING:
    from sovet.ledger.envelope import StoredEvent

__all__ = [
    "Narrator",
    "chain_lines",
    "format_date",
    "render_chain",
    "render_error",
    "render_legitimacy",
    "render_legitimacy_change",
    "render_log",
    "render_seats",
    "render_step",
]


def format_date(value: str) -> str:
    """A Gregorian ISO date as the sources give it: ``26 Oct (8 Nov) 1917``.

    Before Russia's calendar change (14 Feb 1918 N.S.) the Julian (O.S.) date
    comes first and the Gregorian in brackets; later dates are Gregorian only
    (``domain.calendar.display``), the months in the CLI's language.
    """
    from sovet.services.words import said_day

    return said_day(value)


def render_error(console: Console, error: SovetError) -> None:
    """One clean message for a refused command: the rule id (or file/line) first.

    Printed with soft wrapping, so a message stays one line a script can grep.
    The sentence is in the user's language; ``refused (SR-n):``, the rule id
    and the values are the same in every language (scripts read them).
    """
    if isinstance(error, RuleViolation):
        title = f"refused ({error.rule})"
        body = escape(translate(error.message))
        if error.value is not None:
            offending = gettext("offending value: {value}").format(
                value=repr(error.value)
            )
            body += f" [dim]({escape(offending)})[/dim]"
    elif isinstance(error, ChainBroken):
        title = gettext("verification failed at event {seq}").format(seq=error.seq)
        body = escape(translate(error.reason))
    elif isinstance(error, InputError):
        title = gettext("bad input")
        body = escape(refusal(error))
    else:
        title = type(error).__name__
        body = escape(refusal(error))
    console.print(f"[bold red]{escape(title)}:[/bold red] {body}", soft_wrap=True)


def render_step(
    console: Console,
    number: int,
    at: str,
    command: str,
    changes: Sequence[str],
) -> None:
    """One narrative step: its date, the command, and what it changed."""
    console.print(
        f"[bold]{number:>2}.[/bold] [cyan]{format_date(at)}[/cyan]  "
        f"[bold]{escape(command)}[/bold]"
    )
    for line in changes:
        console.print(f"      • {escape(line)}")


class Narrator:
    """Prints the steps of a run; a run of the same registration command on one
    day (``register_…``, ``credential_…``) shares one header line."""

    GROUPED = ("register_", "credential_")

    def __init__(self, console: Console) -> None:
        self.console = console
        self._run: list[tuple[int, str, str, Sequence[str]]] = []

    def step(self, number: int, at: str, command: str, changes: Sequence[str]) -> None:
        """Narrate one applied step (possibly held back to join a group)."""
        run = self._run
        if run and (command != run[0][2] or at[:10] != run[0][1][:10]):
            self.flush()
        if command.startswith(self.GROUPED):
            self._run.append((number, at, command, changes))
        else:
            render_step(self.console, number, at, command, changes)

    def flush(self) -> None:
        """Print the held-back group, if any."""
        run, self._run = self._run, []
        if len(run) == 1:
            render_step(self.console, *run[0])
        elif run:
            first, at, command, _ = run[0]
            self.console.print(
                f"[bold]{first}–{run[-1][0]}.[/bold] [cyan]{format_date(at)}[/cyan]  "
                f"[bold]{escape(command)}[/bold] ×{len(run)}"
            )
            for item in run:
                for line in item[3]:
                    self.console.print(f"      • {escape(line)}")


def _offices_table(offices: Iterable[Mapping[str, Any]]) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    for header in (gettext("Office"), gettext("Person"), gettext("Faction")):
        table.add_column(header)
    for office in offices:
        person = office.get("person")
        table.add_row(
            escape(str(office.get("office", ""))),
            escape(str(person)) if person else _vacant(),
            escape(str(office.get("faction") or "")),
        )
    return table


def _vacant() -> str:
    vacant = escape(gettext("vacant"))
    return f"[red]{vacant}[/red]"


def render_legitimacy(
    console: Console, answer: Mapping[str, Any], *, label: str = ""
) -> None:
    """SR-28: the legitimacy answer (DESIGN §4 JSON) as text, proof included."""
    when = format_date(answer["at"])
    head = label + gettext("Who legitimately governs on {date}").format(date=when)
    console.rule(f"[bold]{escape(head)}[/bold]")
    known = answer.get("as_known_at")
    if known:
        line = gettext(
            "as the records stood at {time} (acts entered since do not count)"
        ).format(time=known)
        console.print(escape(line), soft_wrap=True)
    government = answer.get("government")
    if not government:
        none = gettext("No legitimate government.")
        console.print(f"[bold red]{escape(none)}[/bold red]")
    else:
        console.print(f"[bold green]{escape(str(government['name']))}[/bold green]")
        approved = answer.get("approved_by") or {}
        if approved:
            if approved.get("for") is None:
                tally = gettext("count not recorded in the sources")
            else:
                tally = gettext("{yes} for, {no} against, {abstain} abstaining").format(
                    yes=approved.get("for"),
                    no=approved.get("against"),
                    abstain=approved.get("abstain"),
                )
            line = gettext(
                "approved by {body} (event {seq}): {tally}; {seated} seated"
            ).format(
                body=approved.get("body"),
                seq=approved.get("event_seq"),
                tally=tally,
                seated=approved.get("seated"),
            )
            console.print(escape(line))
        bloc = ", ".join(str(b) for b in answer.get("bloc") or []) or "—"
        console.print(escape(gettext("bloc: {factions}").format(factions=bloc)))
        offices = list(government.get("offices") or [])
        vacant = [o for o in offices if not o.get("person")]
        console.print(_offices_table(offices))
        if vacant:
            names = ", ".join(str(o.get("office")) for o in vacant)
            head = escape(gettext("vacant offices:"))
            console.print(f"{head} [red]{escape(names)}[/red]")
    ends = answer.get("ends_when") or []
    if ends:
        head = escape(gettext("ends when (SR-26):"))
        console.print(f"[bold]{head}[/bold]")
        for line in ends:
            console.print(f"  – {escape(translate(line))}")
    render_chain(console, answer)
    for warning in answer.get("warnings") or []:
        head = escape(gettext("warning:"))
        console.print(f"[yellow]{head}[/yellow] {escape(translate(warning))}")
    proof = answer.get("proof") or []
    if proof:
        head = gettext("proof ({count} events, seq and hash):").format(count=len(proof))
        console.print(f"[bold]{escape(head)}[/bold]")
        for item in proof:
            console.print(
                f"  [bold]{item.get('seq'):>4}[/bold] {item.get('hash')}",
                overflow="fold",
            )
            console.print(
                f"       [cyan]{escape(str(item.get('type')))}[/cyan] — "
                f"{escape(str(item.get('summary')))}"
            )


def _said(value: object) -> str:
    """A value of an answer as text: a sentence (``errors.says``) in the
    reader's language, anything else as it is."""
    return translate(value) if isinstance(value, str) else str(value)


def chain_lines(answer: Mapping[str, Any]) -> list[str]:
    """What recalls did, as plain lines: the majority, the vacant seats, the
    by-elections due and the aggregate mark (the answer's ``majority``,
    ``vacancies``, ``by_elections``, ``aggregate``)."""
    lines: list[str] = []
    held = answer.get("majority")
    if held:
        bloc = " + ".join(str(b) for b in held.get("bloc") or []) or _("the bloc")
        verdict = (
            _("keeps its majority")
            if held.get("holds")
            else _("has LOST its majority (SR-27)")
        )
        text = _(
            "majority: {bloc} hold {held} of {seated} seated decisive delegates "
            "at {body}: it {verdict}"
        )
        lines.append(
            text.format(
                bloc=bloc,
                held=held.get("held"),
                seated=held.get("seated"),
                body=held.get("body"),
                verdict=verdict,
            )
        )
    for item in answer.get("vacancies") or []:
        text = _("vacant: {person}'s seat at {body} since event {seq} ({rule}); {then}")
        lines.append(
            text.format(
                person=item.get("person"),
                body=item.get("body"),
                seq=item.get("since_seq"),
                rule=item.get("rule"),
                then=_said(item.get("replacement")),
            )
        )
    for item in answer.get("by_elections") or []:
        due = _(", to be held by {due}").format(due=item.get("due"))
        text = _(
            "by-election due: {person}'s seat in {constituency} ({body}) since "
            "event {seq}{due} (SR-10)"
        )
        lines.append(
            text.format(
                person=item.get("person"),
                constituency=item.get("constituency"),
                body=item.get("body"),
                seq=item.get("since_seq"),
                due=due if item.get("due") else "",
            )
        )
    if answer.get("aggregate"):
        lines.append(
            _(
                "aggregate: seats are recorded as counts per faction, not by "
                "person (the sources give no names), so a recall is not followed "
                "up the chain"
            )
        )
    return lines


def render_chain(console: Console, answer: Mapping[str, Any]) -> None:
    """``chain_lines``, one per line (the answer's part on recalls and seats)."""
    for line in chain_lines(answer):
        head, _, rest = line.partition(": ")
        console.print(f"[bold]{escape(head)}:[/bold] {escape(rest)}")


def render_seats(console: Console, person: str, at: str, found: Sequence[Any]) -> None:
    """``sovet seats``: each seat or office with the event that gave it."""
    head = _("Seats of {person} on {date}").format(person=person, date=format_date(at))
    console.rule(f"[bold]{escape(head)}[/bold]")
    if not found:
        console.print(escape(_("no seat and no office")))
        return
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(_("body"))
    table.add_column(_("role"))
    table.add_column(_("since (event)"))
    for line in found:
        since = line.since
        given = f"{since.seq}: {since.summary}" if since is not None else ""
        table.add_row(escape(line.body), escape(line.role), escape(given))
    console.print(table)


def _governs(answer: Mapping[str, Any]) -> str:
    government = answer.get("government")
    if not government:
        return _("no legitimate government")
    bloc = ", ".join(str(b) for b in answer.get("bloc") or []) or _("no faction")
    return f"{government.get('name')} ({bloc})"


def render_legitimacy_change(
    console: Console,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    explanation: Mapping[str, Any],
) -> None:
    """``whatif``: who would govern, and what the commands would change —
    seats, majorities, offices, who may act — or why nothing would."""
    console.print(
        Panel(
            escape(
                _(
                    "HYPOTHETICAL — these commands were applied to a copy of the "
                    "log; the database is untouched."
                )
            ),
            border_style="magenta",
            expand=False,
        )
    )
    when = format_date(str(after.get("at", "")))
    recorded, hypothetical = escape(_governs(before)), escape(_governs(after))
    head = escape(_("recorded on {date}:").format(date=when))
    console.print(f"[bold]{head}[/bold] {recorded}")
    head = escape(_("HYPOTHETICAL:"))
    console.print(f"[bold magenta]{head}[/bold magenta] {hypothetical}")
    lines = explanation.get("lines") or []
    if explanation.get("changed"):
        head = escape(_("what would change:"))
        console.print(f"[magenta]{head}[/magenta]")
    elif lines:
        head = escape(_("what would happen (legitimacy unchanged):"))
        console.print(f"[magenta]{head}[/magenta]")
    for line in lines:
        console.print(f"  – {escape(_said(line))}")
    if not explanation.get("changed"):
        reason = escape(_said(explanation.get("reason") or ""))
        head = escape(_("no change in legitimacy:"))
        console.print(f"[magenta]{head}[/magenta] {reason}")


_INVISIBLE = {
    c: f"\\u{c:04x}"
    for c in (
        *range(0x20),
        *range(0x7F, 0xA0),
        0x200E,
        0x200F,
        *range(0x2028, 0x202F),
        *range(0x2066, 0x206A),
    )
}
"""Controls, line separators and bidi overrides, shown as ``\\u`` escapes."""


def _visible(text: str) -> str:
    """``text`` for one terminal line: no control can break or reorder it
    (issue 5, item 17: a name cannot forge a log line); the log keeps it verbatim."""
    return escape(text.translate(_INVISIBLE))


def render_log(
    console: Console, events: Iterable[StoredEvent], summaries: Mapping[int, str]
) -> None:
    """A page of the log: seq, hash prefix, type and stream, then the summary."""
    shown = 0
    for event in events:
        shown += 1
        console.print(
            f"[bold]{event.seq:>6}[/bold] {event.hash[:16]} "
            f"[cyan]{_visible(event.type)}[/cyan] "
            f"[dim]{_visible(event.stream_id)}[/dim]"
        )
        console.print(f"         {_visible(summaries.get(event.seq, ''))}")
    if not shown:
        console.print(escape(_("no events in that range")))
