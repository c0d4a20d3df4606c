"""Asynchronous ingest: accept items for screening once they are durably enqueued.

:func:`enqueue` is what ``POST /v1/items`` and ``wenming ingest`` call. On Redis the
items are durable once ``XADD`` returns (Redis keeps them in its append-only file).
The in-process queue is not durable, so there the items are first committed to the
database's outbox (``ingest_outbox``) and only then put on the queue: a crash before
the worker has stored the decision leaves the row, and :func:`republish` (run by every
worker when it starts, and periodically) puts it back on the queue. The worker deletes
the row in the transaction that stores the decision.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson

from wenming.core.model import Item
from wenming.queue.base import DeadLetter, QueueFullError, WorkQueue
from wenming.queue.metrics import Metrics
from wenming.service.errors import ForbiddenError, InvalidError
from wenming.service.keys import Permission, Principal
from wenming.service.work import item_body, item_body_from_payload, item_fields
from wenming.store import PlatformRecord, Store

MAX_ITEMS = 10_000


class Outbox:
    """This process's record of outbox rows already on its in-process queue, so that
    :func:`republish` does not put them there twice."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: set[int] = set()
        #: True while a worker in this process consumes the in-process queue; otherwise
        #: ingest leaves items in the outbox for whichever worker republishes it.
        self.feeding = False

    def mark(self, ids: Sequence[int]) -> None:
        with self._lock:
            self._queued.update(ids)

    def settle(self, ids: Sequence[int]) -> None:
        with self._lock:
            self._queued.difference_update(ids)

    def queued(self, outbox_id: int) -> bool:
        with self._lock:
            return outbox_id in self._queued


@dataclass(frozen=True, slots=True)
class Receipt:
    """What ingest answers: how many items were accepted, and how they were made durable."""

    accepted: int
    queue: str
    durable_in: str  # "redis" or "database outbox"


def enqueue(
    store: Store,
    queue: WorkQueue,
    *,
    platform: PlatformRecord,
    principal: Principal | None,
    items: Sequence[Item],
    outbox: Outbox | None = None,
    metrics: Metrics | None = None,
) -> Receipt:
    """Enqueue ``items`` for ``platform``; returns once they survive a crash.

    Raises :class:`~wenming.queue.base.QueueFullError` or
    :class:`~wenming.queue.base.QueueUnavailableError` when Redis is full or away, and
    the database's own errors when the outbox cannot be written."""
    if principal is not None:
        if not principal.can(Permission.SCREEN):
            raise ForbiddenError(f"role {principal.role.value!r} may not screen")
        if not principal.sees(platform.id):
            raise ForbiddenError(f"this key cannot ingest for platform {platform.name!r}")
    if not items:
        raise InvalidError("items: send at least one item")
    if len(items) > MAX_ITEMS:
        raise InvalidError(f"items: at most {MAX_ITEMS} items per call")
    ids = [it.id for it in items]
    if len(set(ids)) != len(ids):
        raise InvalidError("items: every item id in one request must be different")
    if queue.durable:
        queue.publish([item_body(platform.id, it) for it in items])
        durable_in = "redis"
    else:
        payloads = [orjson.dumps(item_fields(it)).decode() for it in items]
        with store.transaction() as tx:
            oids = tx.work.outbox_add(platform.id, payloads, now=datetime.now(UTC))
        if outbox is not None and outbox.feeding:
            outbox.mark(oids)
            bodies = [
                item_body(platform.id, it, outbox_id=oid)
                for it, oid in zip(items, oids, strict=True)
            ]
            try:
                queue.publish(bodies)
            except QueueFullError:
                outbox.settle(oids)  # safe in the outbox; republish picks them up later
        durable_in = "database outbox"
    if metrics is not None:
        metrics.ingested.inc(len(items))
    return Receipt(accepted=len(items), queue=queue.name, durable_in=durable_in)


def republish(
    store: Store,
    queue: WorkQueue,
    outbox: Outbox,
    *,
    older_than: timedelta = timedelta(0),
    page: int = 1000,
) -> int:
    """Put outbox rows that are not on this process's queue (left by a crash, or written
    by another process) on ``queue``; returns how many."""
    reader = store.work
    cutoff = datetime.now(UTC) - older_than
    after, total = 0, 0
    while True:
        rows = reader.outbox_pending(after_id=after, limit=page)
        if not rows:
            return total
        fresh = [r for r in rows if r.created_at <= cutoff and not outbox.queued(r.id)]
        if fresh:
            outbox.mark([r.id for r in fresh])
            queue.publish([item_body_from_payload(r.platform_id, r.payload, r.id) for r in fresh])
            total += len(fresh)
        after = rows[-1].id


def dead_letters(store: Store, queue: WorkQueue, *, limit: int = 100) -> list[DeadLetter]:
    """The newest dead letters: from the queue (Redis), or from the outbox rows the
    in-process queue gave up on (they outlive the process there)."""
    if queue.durable:
        return queue.dead_letters(limit=limit)
    out = []
    for row in store.work.outbox_dead(limit=limit):
        dead_at = row.dead_at or row.created_at
        out.append(
            DeadLetter(
                id=f"outbox-{row.id}",
                message_id=f"outbox-{row.id}",
                body=item_body_from_payload(row.platform_id, row.payload, row.id),
                error=row.error or "",
                deliveries=queue.max_deliveries,
                consumer="",
                dead_at_ms=int(dead_at.timestamp() * 1000),
            )
        )
    return out


def outbox_bury(store: Store, outbox_id: int, *, error: str) -> None:
    """Give up on an outbox row (dead-letter it): it is kept with ``error``, not republished."""
    with store.transaction() as tx:
        tx.work.outbox_bury(outbox_id, error=error, now=datetime.now(UTC))
