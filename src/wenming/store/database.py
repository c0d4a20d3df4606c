"""The store: one object per database, with one repository per area.

Reads go through ``store.<area>`` (``store.items``, ``store.review``, …), each in its own
short transaction. Writes happen inside ``with store.transaction() as tx:`` through
``tx.<area>``, the same repositories with their writes added, all on the one
transaction, so a use case commits its items, decisions and audit entries together or
not at all. Queries are SQLAlchemy Core (no ORM session, no identity map); rows become
frozen records at once. Both SQLite and PostgreSQL run the same statements; the few
dialect differences (upserts, locks, bulk writes) stay inside the area modules.

| area | holds |
| --- | --- |
| ``access`` | platforms (tenants), API keys, console users |
| ``items`` | subjects, items, decisions; search, scans, training examples |
| ``audit`` | the hash-chained audit log |
| ``review`` | reports, cases, case decisions, appeals |
| ``enforcement`` | subjects' strikes, sanctions, minor flags, youth-mode ratings |
| ``factchecks`` | the fact-check registry and its versions |
| ``work`` | the ingest outbox, decision claims, shadow decisions, sweeps |
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from wenming.store.access.records import PlatformRecord
from wenming.store.access.repo import AccessReads, AccessWrites
from wenming.store.audit.repo import AuditReads, AuditWrites
from wenming.store.enforcement.repo import EnforcementReads, EnforcementWrites
from wenming.store.engine import BEGIN_MODE, engine_create
from wenming.store.factchecks.repo import FactCheckReads, FactCheckWrites
from wenming.store.items.repo import ItemReads, ItemWrites
from wenming.store.review.repo import ReviewReads, ReviewWrites
from wenming.store.work.repo import WorkReads, WorkWrites

_SUBJECT_CACHE_MAX = 200_000
_PING = text("SELECT 1")

SubjectKey = tuple[int, str, str]  # platform id, kind, the platform's own id


class Store:
    """The system of record on one engine. Build with :meth:`open`; close when done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        #: The key audit entries are MAC'd with as they are written (set by the runtime
        #: from WENMING_AUDIT_KEY; never stored in the database).
        self.audit_key: bytes | None = None
        # SQLite allows one writer: queue writers here rather than in SQLite's busy
        # handler, whose sleeps would dominate tail latency.
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else None
        # Platforms and subjects are never renamed or deleted, so found ids can be
        # remembered (subjects only once their transaction has committed).
        self.platform_cache: dict[str, PlatformRecord] = {}
        self.subject_cache: dict[SubjectKey, int] = {}
        self.access = AccessReads(self)
        self.items = ItemReads(self)
        self.audit = AuditReads(self)
        self.review = ReviewReads(self)
        self.enforcement = EnforcementReads(self)
        self.factchecks = FactCheckReads(self)
        self.work = WorkReads(self)

    @classmethod
    def open(cls, url: str, *, schema: str | None = None, pool_size: int = 10) -> Store:
        return cls(engine_create(url, schema=schema, pool_size=pool_size))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction; commits on normal exit, rolls back on an exception."""
        if self._write_lock is not None:
            with self._write_lock:
                yield from self._transaction()
        else:
            yield from self._transaction()

    def _transaction(self) -> Iterator[Tx]:
        with self.engine.connect() as conn:
            conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            with conn.begin():
                tx = Tx(self, conn)
                yield tx
        if len(self.subject_cache) > _SUBJECT_CACHE_MAX:
            self.subject_cache.clear()
        self.subject_cache.update(tx.new_subjects)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(_PING)
        except Exception:
            return False
        return True


class Tx:
    """One write transaction, from :meth:`Store.transaction`: every area's repository,
    reads and writes, on its connection."""

    def __init__(self, store: Store, conn: Connection) -> None:
        self.store = store
        self.conn = conn
        self.new_subjects: dict[SubjectKey, int] = {}
        self.access = AccessWrites(store, self)
        self.items = ItemWrites(store, self)
        self.audit = AuditWrites(store, self)
        self.review = ReviewWrites(store, self)
        self.enforcement = EnforcementWrites(store, self)
        self.factchecks = FactCheckWrites(store, self)
        self.work = WorkWrites(store, self)
