"""The closed sets of values pages show as words: statuses, kinds, levels, roles.

The value itself stays the data (ids, JSON, forms); ``word(value)`` is how a
page says it in the reader's language — a value listed here translated, any
other (a body kind a preset invents) with its underscores as spaces.
"""

from __future__ import annotations

import re

from sovet.domain.kernel.calendar import display
from sovet.i18n import gettext

__all__ = ["N_", "WORDS", "word"]


def N_(message: str) -> str:  # noqa: N802  (gettext's name for the marker)
    """Mark ``message`` for translation where it is shown (``word``)."""
    return message


WORDS: dict[str, str] = {
    # election, poll, petition, motion, government and offer statuses
    "called": N_("called"),
    "counted": N_("counted"),
    "verified": N_("verified"),
    "annulled": N_("annulled"),
    "open": N_("open"),
    "closed": N_("closed"),
    "succeeded": N_("succeeded"),
    "adopted": N_("adopted"),
    "rejected": N_("rejected"),
    "proposed": N_("proposed"),
    "approved": N_("approved"),
    "ended": N_("ended"),
    "declined": N_("declined"),
    "accepted": N_("accepted"),
    "withdrawn": N_("withdrawn"),
    # sessions and bodies
    "congress": N_("congress"),
    "executive_committee": N_("executive committee"),
    "sitting": N_("sitting"),
    "council": N_("council"),
    "organisation": N_("organisation"),
    "branch": N_("branch"),
    "city": N_("city"),
    # levels
    "local": N_("local"),
    "gubernia": N_("gubernia"),
    "national": N_("national"),
    "convention": N_("convention"),
    # recall modes (SR-10)
    "re_election": N_("re-election"),
    "petition_ends_mandate": N_("petition ends mandate"),
    "recall_vote": N_("recall vote"),
    # motions: kinds, majorities, bases, votes (SR-19)
    "adopt_demand": N_("adopt demand"),
    "approve_government": N_("approve government"),
    "confidence": N_("confidence"),
    "confirm_government": N_("confirm government"),
    "decision": N_("decision"),
    "fill_committee_place": N_("fill committee place"),
    "fill_vacancy": N_("fill vacancy"),
    "general": N_("general"),
    "programme": N_("programme"),
    "recall_committee_member": N_("recall committee member"),
    "recall_officer": N_("recall officer"),
    "rename_government": N_("rename government"),
    "withdraw_government": N_("withdraw government"),
    "simple": N_("simple"),
    "absolute": N_("absolute"),
    "two_thirds": N_("two-thirds"),
    "votes_cast": N_("votes cast"),
    "present": N_("present"),
    "seated": N_("seated"),
    "decisive": N_("decisive"),
    "consultative": N_("consultative"),
    "yes": N_("yes"),
    "no": N_("no"),
    "abstain": N_("abstain"),
    # account roles
    "member": N_("member"),
    "deputy": N_("deputy"),
    "secretary": N_("secretary"),
    "credentials_committee": N_("credentials committee"),
    "auditor": N_("auditor"),
    "administrator": N_("administrator"),
}
"""Each known value and its English word (the catalogue's message)."""


def word(value: str | None) -> str:
    """``value`` as a word in the current language ("" for None)."""
    if not value:
        return ""
    known = WORDS.get(value)
    return gettext(known) if known is not None else value.replace("_", " ")


MONTHS: dict[str, str] = {
    "Jan": N_("Jan"),
    "Feb": N_("Feb"),
    "Mar": N_("Mar"),
    "Apr": N_("Apr"),
    "May": N_("May"),
    "Jun": N_("Jun"),
    "Jul": N_("Jul"),
    "Aug": N_("Aug"),
    "Sep": N_("Sep"),
    "Oct": N_("Oct"),
    "Nov": N_("Nov"),
    "Dec": N_("Dec"),
}
"""The months as ``calendar.display`` abbreviates them (in English)."""

_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")


def said_day(at: str | None) -> str:
    """``calendar.display(at)`` with the months in the current language
    ("25 Oct (7 Nov) 1917" → "25 окт. (7 нояб.) 1917"); "" for None."""
    if not at:
        return ""
    return _MONTH.sub(lambda found: gettext(MONTHS[found.group(1)]), display(at))
