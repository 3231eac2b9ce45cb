"""The union of issue 11's workflow, as the test fixture leaves it: ``sovet init
--preset union`` and the accounts — nothing else. Everything after (bodies,
members, elections, the conference, the recall) is done through the web.

Accounts (every password ``PASSWORD``): ``admin`` (administrator); ``sec`` (the
union's secretary: secretary of both branches, the conference and the board);
``okafor``, ``lindqvist``, ``kowalski``, ``patel``, ``doyle`` (members of Branch
North, each linked to their person: they vote in its secret poll).
"""

from __future__ import annotations

from typer.testing import CliRunner

from sovet.cli.app import app as cli
from sovet.services.accounts import open_accounts
from sovet.services.bootstrap import bootstrap

__all__ = [
    "BODIES",
    "MEMBERS_CSV",
    "NORTH_VOTERS",
    "PASSWORD",
    "build_union",
]

PASSWORD = "correct horse battery staple"
NORTH_VOTERS = ("okafor", "lindqvist", "kowalski", "patel", "doyle")
BODIES = ("conference", "board", "north", "south")

MEMBERS_CSV = """person,name,constituency,birth_date,categories,faction
okafor,A. Okafor,north-members,1985-01-01,member,reform
lindqvist,B. Lindqvist,north-members,1985-01-01,member,reform
kowalski,E. Kowalski,north-members,1985-01-01,member,reform
patel,D. Patel,north-members,1985-01-01,member,unity
doyle,C. Doyle,north-members,1985-01-01,member,unity
adeyemi,G. Adeyemi,south-members,1985-01-01,member,reform
chen,H. Chen,south-members,1985-01-01,member,reform
morales,K. Morales,south-members,1985-01-01,member,unity
"""
"""The members, in ``sovet members import``'s format (uploaded on the web)."""


def build_union(db: str) -> None:
    """``sovet init --preset union`` in ``db``, then the accounts above."""
    result = CliRunner().invoke(cli, ["init", "--preset", "union", "--db", db])
    assert result.exit_code == 0, result.output
    with bootstrap(db) as services:
        accounts = open_accounts(services)
        accounts.create_account("admin", PASSWORD)
        accounts.grant("admin", "administrator", None)
        accounts.create_account("sec", PASSWORD)
        for body in BODIES:
            accounts.grant("sec", "secretary", body)
        for person in NORTH_VOTERS:
            accounts.create_account(person, PASSWORD, person=person)
            accounts.grant(person, "member", "north")
