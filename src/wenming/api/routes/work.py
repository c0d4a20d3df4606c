"""The work stream over HTTP: asynchronous ingest, dead letters, queues, backtests, metrics.

``POST /v1/items`` answers 202 once the items are durably enqueued (503 with
``Retry-After`` when Redis is away or the backlog is full, never 500). The other
``/v1`` endpoints here are for operators (admin keys). ``/metrics`` serves the
Prometheus text format without a key, like ``/healthz``: expose it on an internal
network only. :func:`install` also maps "the database or the queue is unavailable",
from any route, to 503.
"""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated, Any

import orjson
import yaml
from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse

from wenming.api.schemas import ErrorOut
from wenming.api.work_schemas import (
    BacktestRequest,
    DeadLetterOut,
    DeadLetters,
    IngestAccepted,
    IngestRequest,
    QueueOut,
    Queues,
    SweepOut,
    Sweeps,
)
from wenming.core.policy import PolicyError
from wenming.http.deps import CurrentKey, RuntimeDep
from wenming.http.errors import error_response
from wenming.queue.base import DeadLetter, QueueError, QueueFullError
from wenming.queue.metrics import CONTENT_TYPE
from wenming.service import backtest as backtest_service
from wenming.service import ingest, keys, screening
from wenming.service import sweep as sweep_service
from wenming.service.errors import ForbiddenError, InvalidError, NotFoundError
from wenming.service.keys import Permission, Principal

log = logging.getLogger("wenming.api")

router = APIRouter(tags=["work stream"])
probes = APIRouter(tags=["health"])

_ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 413, 422, 429, 503)
}
_RETRY_AFTER = "2"


def _admin(key: Principal) -> None:
    if not key.can(Permission.MANAGE):
        raise ForbiddenError("this endpoint needs an admin key")


@router.post(
    "/items",
    status_code=202,
    response_model=IngestAccepted,
    summary="Enqueue items for asynchronous screening",
    responses=_ERRORS,
)
def items_ingest(
    body: IngestRequest,
    key: CurrentKey,
    runtime: RuntimeDep,
    platform: Annotated[
        str | None, Query(description="platform to ingest for; only for keys not bound to one")
    ] = None,
) -> IngestAccepted:
    """Accept 1 to 10,000 items; workers screen them and store the decisions.

    The answer (202) comes once the items are durable: on Redis, appended to the stream;
    on the embedded queue, committed to the database's outbox. Decisions appear at
    ``GET /v1/items/{id}`` as the workers get to them. Re-sending items is safe.
    """
    target = screening.platform_for_screening(runtime.store, key, platform)
    work = runtime.work
    receipt = ingest.enqueue(
        runtime.store,
        work.items,
        platform=target,
        principal=key,
        items=[item.to_item() for item in body.items],
        outbox=work.outbox,
        metrics=work.metrics,
    )
    return IngestAccepted(
        accepted=receipt.accepted, queue=receipt.queue, durable_in=receipt.durable_in
    )


@router.get(
    "/dead-letters",
    response_model=DeadLetters,
    summary="Messages the workers gave up on, with the error",
    responses=_ERRORS,
)
def dead_letters_list(
    key: CurrentKey,
    runtime: RuntimeDep,
    queue: Annotated[str, Query(pattern="^(items|sweeps)$")] = "items",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeadLetters:
    """Newest first. A message is dead-lettered after ``WENMING_MAX_DELIVERIES``
    failed deliveries (an item that crashes a detector, say); the others go on."""
    _admin(key)
    work = runtime.work
    q = work.items if queue == "items" else work.sweeps
    found = ingest.dead_letters(runtime.store, q, limit=limit)
    return DeadLetters(dead_letters=[_dead_out(d, q.name) for d in found])


def _dead_out(d: DeadLetter, queue: str) -> DeadLetterOut:
    body: dict[str, Any] | None
    raw: str | None = None
    try:
        decoded = orjson.loads(d.body)
        body = decoded if isinstance(decoded, dict) else {"value": decoded}
    except orjson.JSONDecodeError:
        body = None
        raw = d.body.decode("utf-8", "replace") if d.body.isascii() else None
        raw = raw or "base64:" + base64.b64encode(d.body).decode()
    return DeadLetterOut(
        id=d.id,
        message_id=d.message_id,
        queue=queue,
        error=d.error,
        deliveries=d.deliveries,
        consumer=d.consumer,
        dead_at=datetime.fromtimestamp(d.dead_at_ms / 1000, UTC),
        body=body,
        raw=raw,
    )


@router.get("/queues", response_model=Queues, summary="Depth, lag and dead letters of each queue")
def queues_list(key: CurrentKey, runtime: RuntimeDep) -> Queues:
    _admin(key)
    out = []
    for q in runtime.work.queues:
        s = q.stats()
        out.append(
            QueueOut(
                name=q.name,
                durable=q.durable,
                depth=s.depth,
                pending=s.pending,
                lag_seconds=round(s.lag_seconds, 3),
                dead=s.dead,
                consumers=s.consumers,
            )
        )
    return Queues(queues=out)


@router.get("/sweeps", response_model=Sweeps, summary="Sweeps and their progress")
def sweeps_list(key: CurrentKey, runtime: RuntimeDep) -> Sweeps:
    _admin(key)
    rows = sweep_service.sweep_list(runtime.store)
    return Sweeps(
        sweeps=[
            SweepOut(
                id=s.id,
                policy_version=s.policy_version,
                platform_id=s.platform_id,
                since=s.since,
                status=s.status,
                total=s.total,
                enqueued=s.enqueued,
                created_at=s.created_at,
                updated_at=s.updated_at,
            )
            for s in rows
        ]
    )


@router.post(
    "/backtests",
    summary="Run a candidate policy over stored items, without acting",
    responses=_ERRORS,
)
def backtests_run(body: BacktestRequest, key: CurrentKey, runtime: RuntimeDep) -> Response:
    """Screens up to ``limit`` stored items with the live and the candidate policy and
    reports verdict flips by category, examples, and precision/recall of both against
    human decisions where there are any. Nothing is written."""
    _admin(key)
    candidate = _candidate(body.policy)
    platform_id = None
    if body.platform is not None:
        found = keys.platform_find(runtime.store, body.platform)
        if found is None:
            raise NotFoundError(f"no platform {body.platform!r}")
        platform_id = found.id
    report = backtest_service.backtest(
        runtime.store,
        runtime.screener,
        candidate,
        platform_id=platform_id,
        since=body.since.astimezone(UTC) if body.since else None,
        limit=body.limit,
        examples_per_flip=body.examples,
    )
    return Response(orjson.dumps(report.to_dict()), media_type="application/json")


def _candidate(text: str) -> Any:
    try:
        return _candidate_unchecked(text)
    except (yaml.YAMLError, TypeError, ValueError, RecursionError) as exc:
        # YAML the loaders choke on (unhashable keys, bad !!binary, self-referencing
        # anchors) is the sender's mistake, not the server's.
        raise InvalidError(
            f"policy: not a usable YAML policy ({exc.__class__.__name__}: {str(exc)[:200]})"
        ) from None


def _candidate_unchecked(text: str) -> Any:
    from wenming.detectors.screener import Screener
    from wenming.policies.loader import parse_policy

    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raw = None  # parse_policy below reports it with the line
    if _names_files(raw):
        raise InvalidError("policy: list files (*_file) are not read over the API; inline them")
    with TemporaryDirectory() as empty:
        try:
            policy = parse_policy(text, source="candidate policy", base_dir=Path(empty))
        except PolicyError as exc:
            raise InvalidError(f"policy: {exc}") from None
    return Screener.build(policy)


def _names_files(node: Any) -> bool:
    if isinstance(node, dict):
        return any(
            (isinstance(k, str) and k.endswith("_file")) or _names_files(v) for k, v in node.items()
        )
    if isinstance(node, list):
        return any(_names_files(v) for v in node)
    return False


@router.get("/shadow", summary="What the shadow policy decided beside the live one")
def shadow_get(key: CurrentKey, runtime: RuntimeDep) -> Response:
    _admin(key)
    candidate = runtime.work.screeners.shadow()
    if candidate is None:
        raise NotFoundError("no shadow policy is set (WENMING_SHADOW_POLICY)")
    report = backtest_service.shadow_report(runtime.store, policy_version=candidate.policy.version)
    return Response(orjson.dumps(report), media_type="application/json")


@probes.get("/metrics", summary="Prometheus metrics of this process", include_in_schema=True)
def metrics(runtime: RuntimeDep) -> Response:
    return Response(runtime.work.metrics.render(), media_type=CONTENT_TYPE)


def install(app: FastAPI) -> None:
    """Add the routes (``/v1`` ones under ``v1``) and the 503 mappings to ``app``."""

    async def on_queue_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, QueueError)
        code = "queue_full" if isinstance(exc, QueueFullError) else "unavailable"
        return error_response(503, code, str(exc), {"Retry-After": _RETRY_AFTER})

    app.add_exception_handler(QueueError, on_queue_error)
    app.include_router(probes)
