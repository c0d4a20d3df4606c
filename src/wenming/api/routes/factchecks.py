"""The fact-check registry over HTTP: a public feed and search, writes for fact-checkers.

``GET /v1/factchecks`` (the rumor-busting feed, newest first, or with ``q`` the
fact-checks nearest to a text in any language) and ``GET /v1/factchecks/{id}`` (with
how many posts matched it) need no key. ``POST``, ``PUT`` and ``DELETE`` need a
``factchecker`` or ``admin`` key; every edit is a new version (``.../versions``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from wenming.api.schemas import MAX_OFFSET, ErrorOut, Text
from wenming.http.deps import CurrentKey, IndexDep, PublicCaller, StoreDep
from wenming.service import factcheck
from wenming.service.errors import InvalidError
from wenming.service.factcheck import FactCheckView

router = APIRouter(tags=["fact-checks"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404, 422, 429)
}
Verdict = Literal["false", "misleading", "partly_false", "unproven", "true"]
# 190, not the column's 200: the audit entry's subject is "factcheck:" + the id.
MAX_FACTCHECK_ID = 190
FactCheckId = Annotated[str, Path(description="the fact-check's id", max_length=MAX_FACTCHECK_ID)]


class FactCheckIn(BaseModel):
    """A fact-check as a fact-checker publishes it (``id`` comes from the path on PUT)."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[Text, Field(min_length=1, max_length=MAX_FACTCHECK_ID)] | None = None
    claim: Text = Field(min_length=1, max_length=4000, description="the claim as it circulates")
    verdict: Verdict = "unproven"
    title: Text = Field(default="", max_length=1000)
    rebuttal: Text = Field(default="", max_length=4000, description="shown beside matched posts")
    sources: list[Text] = Field(default_factory=list, max_length=50)
    languages: list[Text] = Field(default_factory=list, max_length=20)
    publisher: Text = Field(default="", max_length=200)
    published: Text | None = Field(default=None, description="ISO 8601 date")
    updated: Text | None = Field(default=None, description="ISO 8601 date")
    tags: list[Text] = Field(default_factory=list, max_length=50)


class FactCheckOut(BaseModel):
    id: str
    claim: str
    verdict: Verdict
    title: str
    rebuttal: str
    sources: list[str]
    languages: list[str]
    publisher: str
    published: str | None
    updated: str | None
    tags: list[str]
    version: int
    created_at: datetime
    updated_at: datetime
    matches: int | None = Field(default=None, description="posts that matched it (a count)")
    score: float | None = Field(default=None, description="match score, when searching")


class FactCheckPage(BaseModel):
    total: int
    items: list[FactCheckOut]


class VersionOut(BaseModel):
    version: int
    change: Literal["create", "update", "delete"]
    record: dict[str, Any]
    actor: str
    created_at: datetime


def _out(view: FactCheckView) -> FactCheckOut:
    return FactCheckOut(
        **view.factcheck.to_dict(),
        created_at=view.created_at,
        updated_at=view.updated_at,
        matches=view.matches,
        score=None if view.score is None else round(view.score, 4),
    )


@router.get(
    "/factchecks",
    response_model=FactCheckPage,
    responses=_ERRORS,
    summary="The rumor-busting feed, or search in any language",
)
def factcheck_list(
    _caller: PublicCaller,
    store: StoreDep,
    index: IndexDep,
    q: Annotated[str | None, Query(max_length=2000, description="text, any language")] = None,
    verdict: Verdict | None = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    until: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> FactCheckPage:
    """Newest first; with ``q``, best match first (each with its ``score``)."""
    views, total = factcheck.search(
        store,
        index,
        q=q,
        verdict=verdict,
        tag=tag,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return FactCheckPage(total=total, items=[_out(v) for v in views])


@router.get(
    "/factchecks/{fid}/versions",
    response_model=list[VersionOut],
    responses=_ERRORS,
    summary="Every version of a fact-check",
)
def factcheck_versions(
    fid: FactCheckId, _caller: PublicCaller, store: StoreDep
) -> list[VersionOut]:
    return [
        VersionOut(
            version=v.version,
            change=v.change,  # type: ignore[arg-type]
            record=v.record,
            actor=v.actor,
            created_at=v.created_at,
        )
        for v in factcheck.versions(store, fid)
    ]


@router.get(
    "/factchecks/{fid}",
    response_model=FactCheckOut,
    responses=_ERRORS,
    summary="One fact-check, with how many posts matched it",
)
def factcheck_get(fid: FactCheckId, _caller: PublicCaller, store: StoreDep) -> FactCheckOut:
    return _out(factcheck.get(store, fid))


@router.post(
    "/factchecks",
    response_model=FactCheckOut,
    status_code=201,
    responses=_ERRORS,
    summary="Publish a fact-check (factchecker key)",
)
def factcheck_create(
    body: FactCheckIn, key: CurrentKey, store: StoreDep, index: IndexDep, response: Response
) -> FactCheckOut:
    if not body.id:
        raise InvalidError("id: a new fact-check needs an id")
    factcheck.require_writer(key)
    fc = factcheck.parse(body.model_dump())
    [(stored, _)] = factcheck.put(
        store, index.embedder, [fc], actor=key.actor, now=datetime.now(UTC), create_only=True
    )
    response.headers["Location"] = f"/v1/factchecks/{stored.id}"
    return _out(factcheck.get(store, stored.id))


@router.put(
    "/factchecks/{fid}",
    response_model=FactCheckOut,
    responses=_ERRORS,
    summary="Create or edit a fact-check (factchecker key); edits add a version",
)
def factcheck_put(
    fid: FactCheckId, body: FactCheckIn, key: CurrentKey, store: StoreDep, index: IndexDep
) -> FactCheckOut:
    if body.id not in (None, fid):
        raise InvalidError(f"id: the body says {body.id!r} but the path says {fid!r}")
    factcheck.require_writer(key)
    fc = factcheck.parse({**body.model_dump(), "id": fid})
    factcheck.put(store, index.embedder, [fc], actor=key.actor, now=datetime.now(UTC))
    return _out(factcheck.get(store, fid))


@router.delete(
    "/factchecks/{fid}",
    status_code=204,
    responses=_ERRORS,
    summary="Withdraw a fact-check (factchecker key); its versions are kept",
)
def factcheck_delete(fid: FactCheckId, key: CurrentKey, store: StoreDep) -> Response:
    factcheck.require_writer(key)
    factcheck.delete(store, fid, actor=key.actor, now=datetime.now(UTC))
    return Response(status_code=204)
