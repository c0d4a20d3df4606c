"""The stateless worker: read the work stream, process batches, acknowledge, repeat.

A :class:`Worker` serves its queues in priority order (live items before sweeps). Each
step it reads a batch, hands it to :class:`~wenming.service.work.Processor`,
acknowledges what was stored and reports failures to the queue (which dead-letters a
message after ``max_deliveries``). Every few seconds it also takes over messages left
unacknowledged by a dead worker (reclaim), trims acknowledged entries and, on the
in-process queue, republishes the database outbox. When the database or Redis is away
it backs off (exponentially, with jitter, up to ``backoff_max_s``) and retries the same
batch; nothing is acknowledged that was not stored. ``wenming worker`` runs one per
process; :func:`embedded` runs one in a thread beside the API of ``wenming serve``.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from wenming.queue.base import Message, QueueUnavailableError, WorkQueue
from wenming.runtime import Runtime
from wenming.runtime.streams import WorkStream
from wenming.service import ingest
from wenming.service.work import DecisionHook, Outcome, Processor
from wenming.store import unavailable

log = logging.getLogger("wenming.worker.loop")


def default_name() -> str:
    """``host-pid``: unique among live workers; a restarted worker gets a new name, and
    what its predecessor left pending is reclaimed after the idle time."""
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class WorkerConfig:
    name: str = field(default_factory=default_name)
    batch: int = 500
    block_ms: int = 1000
    reclaim_idle_ms: int = 30_000
    housekeeping_s: float = 5.0
    backoff_max_s: float = 5.0
    #: outbox rows younger than this are left to the process that wrote them
    outbox_grace_s: float = 10.0


@dataclass
class WorkerStats:
    batches: int = 0
    acked: int = 0
    decided: int = 0
    replayed: int = 0
    failed: int = 0
    dead: int = 0
    reclaimed: int = 0
    backoffs: int = 0


class Worker:
    """One consumer of the work stream; see the module docstring."""

    def __init__(
        self,
        runtime: Runtime,
        config: WorkerConfig | None = None,
        *,
        hooks: tuple[DecisionHook, ...] | None = None,
    ) -> None:
        self.runtime = runtime
        # By default the runtime's hooks (cases for items held for review), as on the
        # synchronous screening path.
        hooks = runtime.decision_hooks if hooks is None else hooks
        self.work: WorkStream = runtime.work
        self.config = config or WorkerConfig()
        self.queues = self.work.queues
        self.stats = WorkerStats()
        self.processor = Processor(
            runtime.store,
            self.work.screeners,
            actor=f"worker:{self.config.name}",
            metrics=self.work.metrics,
            hooks=hooks,
        )
        if not self.work.durable:
            self.work.outbox.feeding = True
        self._stop = threading.Event()
        self._next_housekeeping = 0.0
        self._first_republish = True
        self._unacked: dict[str, list[str]] = {}
        self._delay = 0.0

    # -- control ---------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        """Work until :meth:`stop` is called."""
        log.info(
            "worker %s started on %s", self.config.name, ", ".join(q.name for q in self.queues)
        )
        while not self._stop.is_set():
            self.step()
        log.info("worker %s stopped", self.config.name)

    def drain(self, *, timeout_s: float = 600.0) -> bool:
        """Work until every queue is empty and nothing is pending (or ``timeout_s``);
        True when drained. The embedded commands use it on the in-process queue."""
        deadline = time.monotonic() + timeout_s
        while not self._stop.is_set() and time.monotonic() < deadline:
            if self.step() == 0 and not self._unacked:
                stats = [q.stats() for q in self.queues]
                if all(s.depth == 0 and s.pending == 0 for s in stats):
                    return True
        return False

    # -- one step ----------------------------------------------------------------------

    def step(self) -> int:
        """Housekeeping when due, then one batch; returns how many messages it handled."""
        try:
            self._retry_acks()
            handled = 0
            if time.monotonic() >= self._next_housekeeping:
                handled += self._housekeeping()
            for q in self.queues:
                got = q.consume(self.config.name, count=self.config.batch, block_ms=0)
                if got:
                    self._handle(q, got)
                    return handled + len(got)
            if not handled:  # idle: wait for live traffic
                live = self.queues[0]
                got = live.consume(
                    self.config.name, count=self.config.batch, block_ms=self.config.block_ms
                )
                if got:
                    self._handle(live, got)
                handled = len(got)
            self._delay = 0.0
            return handled
        except QueueUnavailableError as exc:
            self._back_off("queue", exc)
            return 0

    def _housekeeping(self) -> int:
        handled = 0
        for q in self.queues:
            got = q.reclaim(
                self.config.name, min_idle_ms=self.config.reclaim_idle_ms, count=self.config.batch
            )
            if got:
                self.stats.reclaimed += len(got)
                self.work.metrics.redeliveries.labels(q.name).inc(len(got))
                self._handle(q, got)
                handled += len(got)
            q.trim()
        if not self.work.durable:
            grace = 0.0 if self._first_republish else self.config.outbox_grace_s
            try:
                ingest.republish(
                    self.runtime.store,
                    self.work.items,
                    self.work.outbox,
                    older_than=timedelta(seconds=grace),
                )
                self._first_republish = False
            except Exception as exc:
                if not unavailable(exc):
                    raise
                self._back_off("database", exc)
        self._next_housekeeping = time.monotonic() + self.config.housekeeping_s
        return handled

    def _handle(self, q: WorkQueue, batch: list[Message]) -> None:
        outcome = self._process(batch)
        if outcome is None:  # stopping while the database is away: leave them pending
            return
        self.stats.batches += 1
        self.stats.decided += outcome.decided
        self.stats.replayed += outcome.replayed
        self.work.metrics.replayed.inc(outcome.replayed)
        started = time.perf_counter()
        self._ack(q, outcome.done)
        self.work.metrics.stage_seconds.labels("ack").observe(time.perf_counter() - started)
        if outcome.outbox_ids:
            self.work.outbox.settle(outcome.outbox_ids)
        for failure in outcome.failed:
            self.stats.failed += 1
            self.work.metrics.failures.labels(q.name).inc()
            log.warning(
                "message %s failed (delivery %d): %s",
                failure.message.id,
                failure.message.deliveries,
                failure.error,
            )
            if q.fail(failure.message, failure.error, consumer=self.config.name):
                self.stats.dead += 1
                self.work.metrics.dead_lettered.labels(q.name).inc()
                oid = failure.work.outbox_id if failure.work else None
                if oid is not None:
                    self._bury_outbox(oid, failure.error)

    def _process(self, batch: list[Message]) -> Outcome | None:
        while True:
            try:
                outcome = self.processor.process(batch)
            except Exception as exc:
                if not unavailable(exc):
                    raise
                self._back_off("database", exc)
                if self._stop.is_set():
                    return None
                continue
            self._delay = 0.0
            return outcome

    def _ack(self, q: WorkQueue, ids: list[str]) -> None:
        if not ids:
            return
        try:
            self.stats.acked += q.ack(ids)
        except QueueUnavailableError:
            # Stored but not acknowledged: retried next step (or redelivered, then replayed).
            self._unacked.setdefault(q.name, []).extend(ids)
            raise

    def _retry_acks(self) -> None:
        for q in self.queues:
            ids = self._unacked.pop(q.name, None)
            if ids:
                self._ack(q, ids)

    def _bury_outbox(self, outbox_id: int, error: str) -> None:
        try:
            ingest.outbox_bury(self.runtime.store, outbox_id, error=error)
        except Exception as exc:  # it stays in the outbox and is tried again on restart
            log.warning("could not mark outbox row %s dead: %s", outbox_id, exc)
        self.work.outbox.settle([outbox_id])

    def _back_off(self, cause: str, exc: BaseException) -> None:
        self._delay = min(self.config.backoff_max_s, max(0.05, self._delay * 2))
        wait = self._delay * random.uniform(0.5, 1.0)
        self.stats.backoffs += 1
        self.work.metrics.backoffs.labels(cause).inc()
        log.warning("%s unavailable (%s); retrying in %.2fs", cause, exc.__class__.__name__, wait)
        self._stop.wait(wait)


@contextmanager
def embedded(runtime: Runtime, config: WorkerConfig | None = None) -> Iterator[Worker | None]:
    """Run a worker in a thread while the block runs, on the in-process queue only (with
    Redis, workers are their own processes: ``wenming worker``)."""
    if runtime.work.durable:
        yield None
        return
    worker = Worker(runtime, config or WorkerConfig(name=f"{default_name()}-embedded"))
    thread = threading.Thread(target=worker.run, name="wenming-worker", daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join(timeout=30)
