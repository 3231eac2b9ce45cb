"""Secret ballots over HTTP (SR-7, DESIGN §6): open, cast, close, the result.

- ``POST /api/elections/{election}/open`` and ``…/close``: the secretary of the
  council the election's constituency belongs to;
- ``POST /api/elections/{election}/ballots``: a member (an account bound to a
  person) with the ``ballots:cast`` scope; the engine takes the ballot only
  from an elector on the roll (SR-4, 403) while the poll is open (SR-7, 409),
  once (409). The body names the ballot's shape, which must be the one the
  election's counting method declares (``GET`` shows it as ``ballot``):
  ``{"marks": [...]}`` for plurality (one mark), block vote (1 … seats) and
  approval (any number; ``approve`` is an older name for ``marks``),
  ``{"ranking": [...]}`` for the ranked methods (first choice first), and
  ``{"list": ..., "preferences": [...]}`` for list PR (the registered list
  methods have closed lists: no preferences). A ballot that does not fit is
  refused whole with 422 naming SR-7, never trimmed. The answer (201) carries
  the voter's receipt and the ballot as stored;
- ``GET /api/elections/{election}``: public; no tally while the poll is open;
  once counted (a secret poll closed, or a count of named ballots or tallies)
  ``result`` is the count report in exactly the JSON of ``sovet count --format
  json`` (``services.results``: the same report the web's count sheet shows),
  with ``turnout`` beside it and where the count is in the log. Fractions are
  JSON numbers written digit for digit (``ExactJSONResponse``), never through
  a binary float.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import Ctx, MaybePrincipal, Writer, scoped
from sovet.counting.ballots import MarkedBallot
from sovet.counting.report import dumps_exact
from sovet.errors import NotAuthorized
from sovet.ledger.envelope import StoredEvent
from sovet.services.authz import Principal, check_role
from sovet.services.ballots import (
    cast_ballot,
    close_poll,
    election_council,
    election_view,
    open_poll,
)
from sovet.services.queries import check_time

__all__ = ["router"]

router = APIRouter(prefix="/elections", tags=["elections"])
Voter = Annotated[Principal, Depends(scoped("ballots:cast"))]

MAX_CHOICES = 200
"""The longest ranking or approval set a ballot may carry."""


Choice = Annotated[str, Field(max_length=200)]
Choices = Annotated[list[Choice], Field(max_length=MAX_CHOICES)]


class MarksBallot(BaseModel):
    """Marks (plurality: one; block vote: 1 … seats; approval: any number, at
    least one), in any order. ``approve`` is an older name for ``marks``."""

    model_config = ConfigDict(extra="forbid")
    marks: Choices | None = Field(default=None, description="the candidates marked")
    approve: Choices | None = Field(
        default=None,
        description="older name for marks",
        json_schema_extra={"deprecated": True},
    )

    @model_validator(mode="after")
    def _one_name(self) -> MarksBallot:
        if (self.marks is None) == (self.approve is None):
            raise ValueError("give the marks once, as marks (or approve)")
        return self

    def marked(self) -> MarkedBallot:
        """The ballot as the service checks it."""
        return MarkedBallot("marks", tuple(self.marks or self.approve or ()))


class RankingBallot(BaseModel):
    """A ranking (IRV, STV, Condorcet methods): candidates, first choice first."""

    model_config = ConfigDict(extra="forbid")
    ranking: Choices = Field(description="candidate ids, first choice first")

    def marked(self) -> MarkedBallot:
        """The ballot as the service checks it."""
        return MarkedBallot("ranking", tuple(self.ranking))


class ListBallot(BaseModel):
    """One party list (list PR), with preference votes inside it where the
    method's lists are open (none of the registered methods: leave it empty)."""

    model_config = ConfigDict(extra="forbid")
    list: Choice = Field(description="the id of the list chosen")
    preferences: Choices = Field(
        default_factory=lambda: [],
        description="preference votes for candidates on the list (open lists only)",
    )

    def marked(self) -> MarkedBallot:
        """The ballot as the service checks it."""
        return MarkedBallot("list", (self.list,), tuple(self.preferences))


def _shape(value: Any) -> str | None:
    """Which ballot body ``value`` is, by the key that names its shape."""
    if isinstance(value, BaseModel):
        return {MarksBallot: "marks", RankingBallot: "ranking", ListBallot: "list"}[
            type(value)
        ]
    if not isinstance(value, dict):
        return None
    if "ranking" in value:
        return "ranking"
    if "list" in value:
        return "list"
    if "marks" in value or "approve" in value:
        return "marks"
    return None


BallotBody = Annotated[
    Annotated[MarksBallot, Tag("marks")]
    | Annotated[RankingBallot, Tag("ranking")]
    | Annotated[ListBallot, Tag("list")],
    Discriminator(
        _shape,
        custom_error_type="ballot_shape",
        custom_error_message='a ballot is {"marks": [...]}, {"ranking": [...]} or '
        '{"list": ..., "preferences": [...]}, as the election\'s method declares',
    ),
    Body(),
]


class ExactJSONResponse(JSONResponse):
    """JSON whose ``Decimal`` numbers are written digit for digit (``dumps_exact``)."""

    def render(self, content: Any) -> bytes:
        """The content as compact, exact JSON (UTF-8)."""
        return dumps_exact(content, indent=None).encode("utf-8")


class CloseForm(BaseModel):
    """SR-7: who signed the minutes (commission and council representative)."""

    model_config = ConfigDict(extra="forbid")
    minutes_signed_by: list[Annotated[str, Field(max_length=200)]] = Field(
        max_length=MAX_CHOICES
    )


def _events(stored: list[StoredEvent]) -> list[dict[str, Any]]:
    return [{"seq": e.seq, "hash": e.hash, "type": e.type} for e in stored]


async def _secretary(ctx: Ctx, who: Principal, election: str) -> None:
    council, _ranked = await run_in_threadpool(election_council, ctx.services, election)
    check_role(who, ("secretary",), council)


@router.get("/{election}", response_class=ExactJSONResponse)
async def get_election(
    election: str, ctx: Ctx, _who: MaybePrincipal, at: str | None = None
) -> ExactJSONResponse:
    """SR-7: the election (at ``at``); once counted, ``result`` in the JSON of
    ``sovet count --format json``, and ``turnout``."""
    if at is not None:
        check_time(at, key="at")  # 422, not 500 (found by schemathesis)
    view = await run_in_threadpool(lambda: election_view(ctx.services, election, at=at))
    return ExactJSONResponse(view)


@router.post("/{election}/open")
async def open_election(election: str, ctx: Ctx, who: Writer) -> dict[str, Any]:
    """SR-7: the council's secretary opens the poll."""
    await _secretary(ctx, who, election)
    stored = await run_in_threadpool(open_poll, ctx.services, election)
    ctx.executed(stored)
    return {"election": election, "events": _events(stored)}


@router.post("/{election}/close", response_class=ExactJSONResponse)
async def close_election(
    election: str, form: CloseForm, ctx: Ctx, who: Writer
) -> ExactJSONResponse:
    """SR-7: the secretary closes the poll; the ballots and the count are published."""
    await _secretary(ctx, who, election)
    stored = await run_in_threadpool(
        close_poll, ctx.services, election, form.minutes_signed_by
    )
    ctx.executed(stored)
    view = await run_in_threadpool(election_view, ctx.services, election)
    return ExactJSONResponse(
        {"election": election, "events": _events(stored), "result": view["result"]}
    )


@router.post("/{election}/ballots", status_code=201)
async def cast(election: str, form: BallotBody, ctx: Ctx, who: Voter) -> dict[str, Any]:
    """SR-7 / DESIGN §6: cast the caller's ballot; the answer holds the receipt.

    The body's shape must be the one the election's method declares; a ballot
    that does not fit is refused whole (422, SR-7)."""
    if who.person is None:
        raise NotAuthorized(
            f"{who.name!r} is not a member: the account is linked to no person"
        )
    receipt = await run_in_threadpool(
        cast_ballot, ctx.services, election, who.person, form.marked()
    )
    ctx.executed([receipt.vote_event])
    return receipt.to_json()
