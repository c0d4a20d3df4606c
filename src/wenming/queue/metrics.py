"""Prometheus metrics of the work stream, on a registry of each runtime's own.

:class:`Metrics` holds the counters and histograms the ingest path and the workers
record (items screened by verdict, stage latencies, redeliveries, dead letters, back-offs)
and, at scrape time, reads each queue's gauges (depth, pending, lag, dead letters). No
module-level registry: tests build as many as they like. The API serves it at
``/metrics``; ``wenming worker --metrics-port`` serves a worker's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from wenming.queue.base import QueueError, WorkQueue

# Stage latencies per batch run from a millisecond to tens of seconds.
_BATCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """The work stream's metrics; ``render()`` gives the Prometheus text format."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self.ingested = Counter(
            "wenming_items_ingested", "Items accepted for asynchronous screening", registry=reg
        )
        self.screened = Counter(
            "wenming_items_screened",
            "Items the workers screened and decided, by verdict",
            ["verdict"],
            registry=reg,
        )
        self.replayed = Counter(
            "wenming_items_replayed",
            "Items whose decision was already stored (redelivered or re-sent)",
            registry=reg,
        )
        self.stage_seconds = Histogram(
            "wenming_stage_seconds",
            "Time a worker spends on one batch in each stage "
            "(decode, lookup, screen, shadow, store, ack)",
            ["stage"],
            buckets=_BATCH_BUCKETS,
            registry=reg,
        )
        self.queue_wait_seconds = Histogram(
            "wenming_queue_wait_seconds",
            "Time from enqueue to the start of processing, per item",
            buckets=_WAIT_BUCKETS,
            registry=reg,
        )
        self.redeliveries = Counter(
            "wenming_redeliveries",
            "Messages taken over from a consumer that died or failed (reclaimed)",
            ["queue"],
            registry=reg,
        )
        self.dead_lettered = Counter(
            "wenming_dead_lettered",
            "Messages given up on and moved to the dead-letter stream",
            ["queue"],
            registry=reg,
        )
        self.failures = Counter(
            "wenming_processing_failures",
            "Items whose processing failed (they are retried, then dead-lettered)",
            ["queue"],
            registry=reg,
        )
        self.backoffs = Counter(
            "wenming_backoffs",
            "Times a worker waited because the database or the queue was unavailable",
            ["cause"],
            registry=reg,
        )

    def watch(self, queues: Sequence[WorkQueue]) -> None:
        """Report ``queues``' gauges on every scrape."""
        self.registry.register(_QueueGauges(list(queues)))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _QueueGauges(Collector):
    def __init__(self, queues: list[WorkQueue]) -> None:
        self._queues = queues

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterable[Metric]:
        labels = ["queue"]
        up = GaugeMetricFamily("wenming_queue_up", "1 when the queue answers", labels=labels)
        depth = GaugeMetricFamily(
            "wenming_queue_depth", "Messages published and not yet delivered", labels=labels
        )
        pending = GaugeMetricFamily(
            "wenming_queue_pending", "Messages delivered and not yet acknowledged", labels=labels
        )
        lag = GaugeMetricFamily(
            "wenming_queue_lag_seconds",
            "Age of the oldest message not yet acknowledged",
            labels=labels,
        )
        dead = GaugeMetricFamily(
            "wenming_queue_dead_letters", "Messages in the dead-letter stream", labels=labels
        )
        for q in self._queues:
            try:
                s = q.stats()
            except QueueError:
                up.add_metric([q.name], 0)
                continue
            up.add_metric([q.name], 1)
            depth.add_metric([q.name], s.depth)
            pending.add_metric([q.name], s.pending)
            lag.add_metric([q.name], s.lag_seconds)
            dead.add_metric([q.name], s.dead)
        return [up, depth, pending, lag, dead]
