"""The composition root: the one place that builds settings, store, screener and streams.

It may import everything below the edges (service, engine wing, store, queue, core);
:mod:`.streams` wires the work stream (queues, metrics, outbox, sweep screeners).
Every edge (the HTTP app, the commands, the worker) asks for a :class:`Runtime`
and passes its parts down; nothing else creates engines or reads settings, so tests
build as many independent runtimes as they like. The screener (a compiled policy) is
built on first use, since commands such as ``wenming keys create`` never need it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wenming.config import Settings
from wenming.core.policy import Policy
from wenming.detectors.base import Registry, Resources
from wenming.service.cases import DecisionHook, case_hook
from wenming.service.factcheck import FactCheckIndex, StoreFactChecks
from wenming.service.keys import KeyVerifier
from wenming.service.recorder import Recorder
from wenming.service.screening import ScreenerLike
from wenming.store import Store, migrate

if TYPE_CHECKING:
    from wenming.runtime.streams import WorkStream


class NotMigratedError(RuntimeError):
    """The database is behind the code: ``wenming db upgrade`` (or ``serve``) fixes it."""


@dataclass
class Runtime:
    """Settings, store, screener and the shared writers, built once and passed down."""

    settings: Settings
    store: Store
    keys: KeyVerifier
    recorder: Recorder
    _screener: ScreenerLike | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _work: WorkStream | None = None
    _registry: Registry | None = None
    _resources: Resources | None = None
    _factcheck_index: FactCheckIndex | None = None
    #: What "now" is for use cases that keep time (SLAs, sanction expiry); tests move it.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self.recorder.hooks = list(self.decision_hooks)

    @classmethod
    def build(
        cls,
        settings: Settings | None = None,
        *,
        screener: ScreenerLike | None = None,
        migrate_db: bool = False,
    ) -> Runtime:
        """Build from ``settings`` (default: the environment); ``migrate_db`` applies
        pending migrations, otherwise an outdated database raises
        :class:`NotMigratedError`."""
        settings = settings or Settings()
        store = Store.open(
            settings.sqlalchemy_url,
            schema=settings.database_schema,
            pool_size=settings.database_pool_size,
        )
        store.audit_key = settings.audit_mac_key()
        try:
            if migrate_db:
                migrate.upgrade(store.engine)
            else:
                at, want = migrate.current(store.engine), migrate.head()
                if at != want:
                    raise NotMigratedError(
                        f"the database is at revision {at or 'none'}, this wenming needs "
                        f"{want}: run `wenming db upgrade` (`wenming serve` does it on start)"
                    )
        except BaseException:
            store.close()
            raise
        keys = KeyVerifier(
            store,
            secret=settings.secret_key.get_secret_value(),
            ttl=settings.key_cache_seconds,
        )
        return cls(
            settings=settings,
            store=store,
            keys=keys,
            recorder=Recorder(store),
            _screener=screener,
        )

    @property
    def screener(self) -> ScreenerLike:
        """The policy screener, loaded from ``settings.policy`` on first use."""
        if self._screener is None:
            with self._lock:
                if self._screener is None:
                    from wenming.detectors.screener import Screener

                    self._screener = Screener.from_policy(
                        self.settings.policy, registry=self.registry, resources=self.resources
                    )
        return self._screener

    def screener_for(self, path: Path) -> ScreenerLike:
        """A screener for another policy file (sweeps, shadow mode), sharing this runtime's
        plugins and resources."""
        from wenming.detectors.screener import Screener

        return Screener.from_policy(path, registry=self.registry, resources=self.resources)

    @property
    def resources(self) -> Resources:
        """What the detectors share: settings, one embedding engine, and the fact-check
        database as the live registry the claims detector matches against."""
        with self._lock:
            if self._resources is None:
                self._resources = resources_for(self.settings)
                self._resources.factchecks = StoreFactChecks(self.factcheck_index, self.store)
            return self._resources

    @property
    def factcheck_index(self) -> FactCheckIndex:
        """The fact-check index search and screening share, on the resources' e5 engine."""
        with self._lock:
            if self._factcheck_index is None:
                self._factcheck_index = FactCheckIndex(
                    self.resources.embedder(),
                    check_seconds=self.settings.factchecks_check_seconds,
                )
            return self._factcheck_index

    @property
    def registry(self) -> Registry:
        """The installed detector plugins, discovered once per runtime."""
        if self._registry is None:
            self._registry = Registry.from_entry_points()
        return self._registry

    @property
    def policy(self) -> Policy:
        """The policy in force (the screener's), with its queues, ladders and templates."""
        found = self.screener.policy
        return found if isinstance(found, Policy) else Policy(name="none", categories={})

    @property
    def decision_hooks(self) -> tuple[DecisionHook, ...]:
        """What runs in the transaction that stores new decisions, on every write path
        (the screening recorder, the workers): opening cases for items held for review."""
        return (case_hook(lambda: self.policy),)

    @property
    def work(self) -> WorkStream:
        """The work stream (queues, metrics, outbox, sweep and shadow screeners), built on
        first use: on Redis when ``settings.redis_url`` is set, in process otherwise."""
        if self._work is None:
            with self._lock:
                if self._work is None:
                    from wenming.runtime.streams import WorkStream

                    self._work = WorkStream(
                        self.settings, lambda: self.screener, load=self.screener_for
                    )
        return self._work

    def close(self) -> None:
        if self._work is not None:
            self._work.close()
        self.recorder.close()
        self.store.close()


def resources_for(settings: Settings) -> Resources:
    """The detectors' resources from the settings, without a live fact-check database
    (what ``wenming screen`` and the other file commands use)."""
    return Resources(
        cascade=settings.cascade,
        model_path=tuple(Path(p) for p in settings.model_path.split(os.pathsep) if p),
        embed_threads=settings.embed_threads,
        factchecks_dir=settings.factchecks_dir,
    )
