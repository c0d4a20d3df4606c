"""Sweeps: re-screen stored items under a new policy version, through the workers.

A sweep is post-publication cleanup: after a policy change, every stored item in scope
(a platform, items posted since a date) goes back through the workers under the new
version and gets a new decision where the verdict is due. :func:`sweep_start` records
the sweep (or finds the unfinished one with the same scope, to resume it);
:func:`sweep_run` pages through the items in id order and publishes them to the
``sweeps`` stream, saving its cursor after every page, so an interrupted sweep resumes
where it stopped. Publishing a page twice is harmless: decisions are idempotent.
Workers serve live traffic before sweeps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from wenming.queue.base import WorkQueue
from wenming.service.work import sweep_body
from wenming.store import Store, SweepRecord


def sweep_start(
    store: Store,
    *,
    policy_version: str,
    policy_source: str,
    platform_id: int | None = None,
    since: datetime | None = None,
    restart: bool = False,
) -> tuple[SweepRecord, bool]:
    """The sweep to run and whether it resumes an interrupted one. ``restart`` cancels
    unfinished sweeps of this policy version and begins again."""
    reader = store.work
    now = datetime.now(UTC)
    if restart:
        with store.transaction() as tx:
            tx.work.sweeps_cancel_open(policy_version=policy_version, now=now)
    else:
        found = reader.sweep_open(
            policy_version=policy_version, platform_id=platform_id, since=since
        )
        if found is not None:
            return found, True
    total = store.items.items_count(platform_id=platform_id, since=since)
    with store.transaction() as tx:
        record = tx.work.sweep_add(
            policy_version=policy_version,
            policy_source=policy_source,
            platform_id=platform_id,
            since=since,
            total=total,
            now=now,
        )
    return record, False


def sweep_run(
    store: Store,
    queue: WorkQueue,
    sweep: SweepRecord,
    *,
    page: int = 1000,
    after_page: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SweepRecord:
    """Publish the sweep's remaining items; ``after_page(n)`` runs once a page of ``n`` is
    published and before the checkpoint moves past it (the embedded mode processes the
    page there, since its queue does not outlive the process)."""
    cursor, enqueued = sweep.cursor, sweep.enqueued
    while should_stop is None or not should_stop():
        rows = store.items.items_page(
            platform_id=sweep.platform_id, since=sweep.since, after=cursor, limit=page
        )
        if not rows:
            break
        queue.publish(
            [
                sweep_body(
                    r,
                    policy_version=sweep.policy_version,
                    policy_source=sweep.policy_source,
                    sweep_id=sweep.id,
                )
                for r in rows
            ]
        )
        if after_page is not None:
            after_page(len(rows))
        cursor, enqueued = rows[-1].id, enqueued + len(rows)
        with store.transaction() as tx:
            tx.work.sweep_advance(
                sweep.id,
                cursor=cursor,
                enqueued=enqueued,
                status="running",
                now=datetime.now(UTC),
            )
    else:
        return store.work.sweep_get(sweep.id) or sweep
    with store.transaction() as tx:
        tx.work.sweep_advance(
            sweep.id, cursor=cursor, enqueued=enqueued, status="enqueued", now=datetime.now(UTC)
        )
    return store.work.sweep_get(sweep.id) or sweep


def sweep_list(store: Store, *, limit: int = 50) -> list[SweepRecord]:
    """Sweeps, newest first, with their progress."""
    return store.work.sweep_list(limit=limit)


def items_in_scope(store: Store, *, platform_id: int | None, since: datetime | None) -> int:
    """How many stored items a sweep or backtest of this scope covers."""
    return store.items.items_count(platform_id=platform_id, since=since)
