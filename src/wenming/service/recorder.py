"""Group commit: concurrent screening requests share one write transaction.

Every screening request must be durable before it is answered, and every one appends
to the audit chain, which only one writer can extend at a time. Rather than queue at
the database, requests queue here for one writer thread, which takes everything queued
so far and writes it in one transaction (items, decisions, one audit entry per
request), then wakes the requests. Under load a transaction carries many requests, so
the per-transaction costs (begin, the commit's flush to disk, the audit lock, statement
overhead) are paid once for all of them; without concurrency it is one transaction per
request. If a shared transaction fails, each request is retried alone so that one bad
request cannot fail its neighbours.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from wenming.service import audit
from wenming.store import DecisionRecord, NewDecision, NewItem, PlatformRecord, Store, Tx

#: Called inside the write transaction with the decisions it stored (wenming.service.work
#: has the same hook for the workers).
DecisionHook = Callable[[Tx, PlatformRecord, list[DecisionRecord]], None]


@dataclass(eq=False)
class Recording:
    """One request's writes. Decisions about items not stored yet name their item by
    external id (``item_id`` is filled in once the item has one)."""

    platform: PlatformRecord
    actor: str
    fresh: list[NewItem]
    changed: list[tuple[uuid.UUID, NewItem]]
    known: dict[str, uuid.UUID]
    decisions: list[NewDecision]
    result: list[DecisionRecord] | None = None
    error: BaseException | None = None


_Entry = tuple[Recording, Callable[[], None]]


class Recorder:
    """Writes :class:`Recording` s on one thread, batching concurrent ones."""

    def __init__(
        self, store: Store, *, max_batch: int = 128, hooks: Sequence[DecisionHook] = ()
    ) -> None:
        self._store = store
        self._max_batch = max_batch
        #: Run in each write transaction after its decisions are stored (cases, ...).
        self.hooks: list[DecisionHook] = list(hooks)
        self._queue: queue.SimpleQueue[_Entry | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def record(self, job: Recording) -> list[DecisionRecord]:
        """Write ``job`` (perhaps along with others); returns its stored decisions."""
        done = threading.Event()
        self._submit(job, done.set)
        done.wait()
        return _outcome(job)

    async def record_async(self, job: Recording) -> list[DecisionRecord]:
        """:meth:`record` for coroutines: the event loop stays free during the write."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def resolve() -> None:
            if not done.done():
                done.set_result(None)

        def wake() -> None:
            loop.call_soon_threadsafe(resolve)

        self._submit(job, wake)
        await done
        return _outcome(job)

    @staticmethod
    def write_now(
        store: Store, job: Recording, hooks: Sequence[DecisionHook] = ()
    ) -> list[DecisionRecord]:
        """Write ``job`` in the caller's thread, in its own transaction."""
        _write(store, [job], hooks)
        return _outcome(job)

    def close(self) -> None:
        """Finish what is queued and stop the writer thread."""
        with self._lock:
            self._closed = True
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _submit(self, job: Recording, wake: Callable[[], None]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the recorder is closed")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="wenming-recorder", daemon=True
                )
                self._thread.start()
        self._queue.put((job, wake))

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    entry = self._queue.get_nowait()
                except queue.Empty:
                    break
                if entry is None:
                    stop = True
                    break
                batch.append(entry)
            jobs = [job for job, _ in batch]
            try:
                _write(self._store, jobs, self.hooks)
            except BaseException as exc:  # never leave a caller waiting forever
                for job in jobs:
                    if job.result is None and job.error is None:
                        job.error = exc
            for _, wake in batch:
                # RuntimeError: the caller's event loop has closed meanwhile.
                with contextlib.suppress(RuntimeError):
                    wake()
            if stop:
                return


def _outcome(job: Recording) -> list[DecisionRecord]:
    if job.error is not None:
        raise job.error
    assert job.result is not None
    return job.result


def _write(store: Store, batch: list[Recording], hooks: Sequence[DecisionHook] = ()) -> None:
    """Write ``batch`` together; on failure, each alone. Sets every job's outcome."""
    try:
        results = _write_together(store, batch, hooks)
    except Exception as exc:
        if len(batch) == 1:
            batch[0].error = exc
            return
        for job in batch:
            try:
                job.result = _write_together(store, [job], hooks)[0]
            except Exception as one:
                job.error = one
    else:
        for job, result in zip(batch, results, strict=True):
            job.result = result


def _write_together(
    store: Store, batch: list[Recording], hooks: Sequence[DecisionHook] = ()
) -> list[list[DecisionRecord]]:
    now = datetime.now(UTC)
    by_platform: dict[int, list[int]] = defaultdict(list)
    for n, job in enumerate(batch):
        by_platform[job.platform.id].append(n)
    results: list[list[DecisionRecord]] = [[] for _ in batch]
    changes: list[audit.Change] = []
    with store.transaction() as tx:
        for members in by_platform.values():
            jobs = [batch[n] for n in members]
            platform = jobs[0].platform
            ids = tx.items.items_add(platform.id, [it for j in jobs for it in j.fresh], now=now)
            tx.items.items_update(platform.id, [c for j in jobs for c in j.changed], now=now)
            decisions = [
                replace(d, item_id=j.known.get(d.item_external_id) or ids[d.item_external_id])
                for j in jobs
                for d in j.decisions
            ]
            stored = tx.items.decisions_add(platform, decisions, now=now)
            for hook in hooks:
                hook(tx, platform, stored)
            records = iter(stored)
            for n, job in zip(members, jobs, strict=True):
                results[n] = [next(records) for _ in job.decisions]
        for job, records_of in zip(batch, results, strict=True):
            payload = {"decisions": [[str(d.id), audit.decision_digest(d)] for d in records_of]}
            changes.append(
                audit.Change(job.actor, "screen", f"platform:{job.platform.name}", payload)
            )
        audit.append_many(tx, changes, now=now)
    return results
