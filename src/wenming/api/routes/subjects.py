"""Enforcement records: accounts, groups and sites, their sanctions; minor flags."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from wenming.api.enforcement_schemas import (
    LiftIn,
    MinorIn,
    SanctionChanges,
    SanctionOut,
    SubjectStateOut,
    sanction_changes_out,
    sanction_out,
    subject_state_out,
)
from wenming.api.schemas import ErrorOut, Instant
from wenming.http.deps import CurrentKey, RuntimeDep
from wenming.service import enforcement, minors

router = APIRouter(tags=["enforcement"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404, 422, 429)
}
_Id = Annotated[str, Path(description="the platform's own id (may contain /)")]


def _state(
    kind: str, platform: str, ref: str, key: CurrentKey, runtime: RuntimeDep
) -> SubjectStateOut:
    state = enforcement.subject_state(
        runtime.store,
        runtime.policy,
        key,
        kind=kind,
        platform=platform,
        ref=ref,
        now=runtime.clock(),
    )
    return subject_state_out(state)


@router.get(
    "/accounts/{platform}/{account_id:path}",
    response_model=SubjectStateOut,
    summary="An account: sanctions in force, history, strikes, ladder standing",
    responses=_ERRORS,
)
def account_get(
    platform: str, account_id: _Id, key: CurrentKey, runtime: RuntimeDep
) -> SubjectStateOut:
    return _state("account", platform, account_id, key, runtime)


@router.put(
    "/minors/{platform}/{account_id:path}",
    status_code=204,
    summary="Flag an account as a minor's (or clear the flag)",
    responses=_ERRORS,
)
def minor_put(
    platform: str, account_id: _Id, body: MinorIn, key: CurrentKey, runtime: RuntimeDep
) -> Response:
    minors.minor_set(
        runtime.store,
        key,
        platform=platform,
        account=account_id,
        minor=body.minor,
        age=body.age,
        now=runtime.clock(),
    )
    return Response(status_code=204)


@router.get(
    "/groups/{platform}/{group_id:path}",
    response_model=SubjectStateOut,
    summary="A group: restrictions in force, history, strikes, ladder standing",
    responses=_ERRORS,
)
def group_get(
    platform: str, group_id: _Id, key: CurrentKey, runtime: RuntimeDep
) -> SubjectStateOut:
    return _state("group", platform, group_id, key, runtime)


@router.get(
    "/sites/{domain}",
    response_model=SubjectStateOut,
    summary="A site (registrable domain): notices, deadlines, restrictions, violation rate",
    responses=_ERRORS,
)
def site_get(domain: str, key: CurrentKey, runtime: RuntimeDep) -> SubjectStateOut:
    return _state("site", enforcement.SITE_PLATFORM, domain, key, runtime)


@router.get(
    "/sanctions",
    response_model=SanctionChanges,
    summary="Sanctions imposed or lifted since a time, for a platform to enforce",
    responses=_ERRORS,
)
def sanctions_changed(
    key: CurrentKey,
    runtime: RuntimeDep,
    since: Annotated[Instant, Query(description="ISO 8601; changes at or after it")],
    platform: Annotated[str | None, Query(description="for keys not bound to one")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> SanctionChanges:
    changes = enforcement.sanction_changes(
        runtime.store, key, platform=platform, since=since, limit=limit
    )
    return sanction_changes_out(changes, runtime.clock())


@router.post(
    "/sanctions/{sanction_id}/lift",
    response_model=SanctionOut,
    summary="Lift a sanction by hand (admins), with the reason on record",
    responses=_ERRORS,
)
def sanction_lift(
    sanction_id: uuid.UUID, body: LiftIn, key: CurrentKey, runtime: RuntimeDep
) -> SanctionOut:
    now = runtime.clock()
    lifted = enforcement.lift(runtime.store, key, sanction_id, reason=body.reason, now=now)
    return sanction_out(lifted, now)
