"""The work-stream half of the composition root: queues, metrics, outbox and screeners.

:class:`WorkStream` is built by :attr:`wenming.runtime.Runtime.work` on first use (the
commands that never touch the stream, such as ``wenming keys``, never open Redis). It
picks the queue adapter from the settings (``WENMING_REDIS_URL``), owns the Prometheus
registry, and resolves policies for sweeps and the shadow mode.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from wenming.config import Settings
from wenming.queue import WorkQueue, open_queue
from wenming.queue.metrics import Metrics
from wenming.service.ingest import Outbox
from wenming.service.screening import ScreenerLike


class PolicyScreeners:
    """The live screener, screeners for the policy versions sweeps name, and the shadow."""

    def __init__(
        self,
        live: Callable[[], ScreenerLike],
        *,
        shadow: Path | None = None,
        load: Callable[[Path], ScreenerLike] | None = None,
    ) -> None:
        self._live = live
        self._load = load or _load
        self._shadow_path = shadow
        self._shadow: ScreenerLike | None = None
        self._by_source: dict[str, ScreenerLike] = {}
        self._lock = threading.Lock()

    def live(self) -> ScreenerLike:
        return self._live()

    def for_version(self, version: str, source: str) -> ScreenerLike:
        live = self._live()
        if live.policy.version == version:
            return live
        with self._lock:
            found = self._by_source.get(source)
            if found is None or found.policy.version != version:
                found = self._by_source[source] = self._load(Path(source))
        if found.policy.version != version:
            raise ValueError(
                f"the policy at {source} is now version {found.policy.version}, "
                f"but the sweep asked for {version}"
            )
        return found

    def shadow(self) -> ScreenerLike | None:
        if self._shadow_path is None:
            return None
        if self._shadow is None:
            with self._lock:
                if self._shadow is None:
                    self._shadow = self._load(self._shadow_path)
        return self._shadow


def _load(path: Path) -> ScreenerLike:
    from wenming.detectors.screener import Screener

    return Screener.from_policy(path)


class WorkStream:
    """Queues (``items`` for live traffic, ``sweeps`` for re-screening), metrics, the
    outbox bookkeeping of the in-process queue, and the screeners."""

    def __init__(
        self,
        settings: Settings,
        live: Callable[[], ScreenerLike],
        *,
        load: Callable[[Path], ScreenerLike] | None = None,
    ) -> None:
        self.settings = settings

        def make(name: str) -> WorkQueue:
            return open_queue(
                name,
                redis_url=settings.redis_url,
                prefix=settings.stream_prefix,
                max_deliveries=settings.max_deliveries,
                maxlen=settings.stream_maxlen,
            )

        self.items = make("items")
        self.sweeps = make("sweeps")
        self.metrics = Metrics()
        self.metrics.watch(self.queues)
        self.outbox = Outbox()
        self.screeners = PolicyScreeners(live, shadow=settings.shadow_policy, load=load)

    @property
    def queues(self) -> list[WorkQueue]:
        """Every queue, live traffic first (workers serve them in this order)."""
        return [self.items, self.sweeps]

    @property
    def durable(self) -> bool:
        return self.items.durable

    def close(self) -> None:
        for q in self.queues:
            q.close()
