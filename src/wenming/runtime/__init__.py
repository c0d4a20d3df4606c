"""The composition root: the one place that builds settings, store and screener.

Every edge (the HTTP app, the commands, later the worker) asks for a :class:`Runtime`
and passes its parts down; nothing else creates engines or reads settings, so tests
build as many independent runtimes as they like. The screener (a compiled policy) is
built on first use, since commands such as ``wenming keys create`` never need it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from wenming.config import Settings
from wenming.core.policy import Policy
from wenming.service.cases import DecisionHook, case_hook
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
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _work: WorkStream | None = None
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

                    self._screener = Screener.from_policy(self.settings.policy)
        return self._screener

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

                    self._work = WorkStream(self.settings, lambda: self.screener)
        return self._work

    def close(self) -> None:
        if self._work is not None:
            self._work.close()
        self.recorder.close()
        self.store.close()
