"""The SQL repository: every query the service needs, named noun first.

:class:`Store` answers reads, each in its own short transaction; writes happen inside
``with store.transaction() as tx:`` on a :class:`Tx`, so a use case commits its items,
decisions and audit entries together or not at all. Queries are SQLAlchemy Core (no ORM
session, no identity map), prepared once in :mod:`.rows`; rows become frozen records at
once. Both SQLite and PostgreSQL run the same statements; the few dialect differences
(upsert, the audit lock) are confined to this module.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite

from wenming.store import bulk
from wenming.store import rows as r
from wenming.store import tables as t
from wenming.store.engine import BEGIN_MODE, engine_create
from wenming.store.records import (
    AuditRecord,
    DecisionRecord,
    ItemRecord,
    ItemRef,
    KeyRecord,
    NewDecision,
    NewItem,
    PlatformRecord,
    new_id,
)

# Key of the PostgreSQL advisory lock that serialises appends to the audit chain.
_AUDIT_LOCK = 0x77656E6D  # "wenm"
_SUBJECT_CACHE_MAX = 200_000

_ITEM_JSON = frozenset({"urls"})
_DECISION_JSON = frozenset({"labels", "scores", "evidence", "reasons"})

SubjectKey = tuple[int, str, str]  # platform id, kind, the platform's own id


class Store:
    """The system of record on one engine. Build with :meth:`open`; close when done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # SQLite allows one writer: queue writers here rather than in SQLite's busy
        # handler, whose sleeps would dominate tail latency.
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else None
        # Platforms and subjects are never renamed or deleted, so found ids can be
        # remembered (subjects only once their transaction has committed).
        self._platforms: dict[str, PlatformRecord] = {}
        self._subjects: dict[SubjectKey, int] = {}
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        self._subject_insert = insert(t.subjects).on_conflict_do_nothing()

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
        if len(self._subjects) > _SUBJECT_CACHE_MAX:
            self._subjects.clear()
        self._subjects.update(tx.new_subjects)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self._read() as conn:
                conn.execute(r.PING)
        except Exception:
            return False
        return True

    # -- platforms -------------------------------------------------------------------

    def platform_get(self, platform_id: int) -> PlatformRecord | None:
        with self._read() as conn:
            row = conn.execute(r.PLATFORM_BY_ID, {"id": platform_id}).first()
        return r.platform(row) if row else None

    def platform_by_name(self, name: str) -> PlatformRecord | None:
        cached = self._platforms.get(name)
        if cached is not None:
            return cached
        with self._read() as conn:
            row = conn.execute(r.PLATFORM_BY_NAME, {"name": name}).first()
        if row is None:
            return None
        record = self._platforms[name] = r.platform(row)
        return record

    def platform_list(self) -> list[PlatformRecord]:
        with self._read() as conn:
            return [r.platform(row) for row in conn.execute(r.PLATFORM_LIST)]

    # -- keys ------------------------------------------------------------------------

    def key_by_hash(self, key_hash: str) -> KeyRecord | None:
        with self._read() as conn:
            row = conn.execute(r.KEY_BY_HASH, {"key_hash": key_hash}).first()
        return r.key(row) if row else None

    def key_list(self) -> list[KeyRecord]:
        with self._read() as conn:
            return [r.key(row) for row in conn.execute(r.KEY_LIST)]

    # -- items and decisions ---------------------------------------------------------

    def item_refs(
        self, platform: PlatformRecord, external_ids: Sequence[str], *, policy_version: str
    ) -> dict[str, ItemRef]:
        """The stored items among ``external_ids``, each with its decisions under
        ``policy_version`` (newest per text hash): everything idempotent screening needs,
        in one query."""
        if not external_ids:
            return {}
        params = {"platform_id": platform.id, "ids": list(external_ids), "pv": policy_version}
        with self._read() as conn:
            rows = conn.execute(r.ITEM_REFS, params).all()
        out: dict[str, ItemRef] = {}
        for row in rows:
            ref = out.get(row.item_external_id)
            if ref is None:
                ref = out[row.item_external_id] = ItemRef(
                    id=row.item_id, external_id=row.item_external_id, text_hash=row.item_text_hash
                )
            if row.id is not None and row.text_hash not in ref.decided:
                ref.decided[row.text_hash] = r.decision(row, platform.name)
        return out

    def item_get(self, platform_id: int, external_id: str) -> ItemRecord | None:
        params = {"platform_id": platform_id, "external_id": external_id}
        with self._read() as conn:
            row = conn.execute(r.ITEM_BY_EXTERNAL_ID, params).first()
        return r.item(row) if row else None

    def decision_get(self, decision_id: uuid.UUID) -> DecisionRecord | None:
        with self._read() as conn:
            row = conn.execute(r.DECISION_BY_ID, {"id": decision_id}).first()
        return r.decision(row) if row else None

    def decision_list(self, ids: Sequence[uuid.UUID]) -> list[DecisionRecord]:
        if not ids:
            return []
        with self._read() as conn:
            return [r.decision(row) for row in conn.execute(r.DECISION_BY_IDS, {"ids": list(ids)})]

    def decision_list_for_item(
        self, item_id: uuid.UUID, *, limit: int = 100
    ) -> list[DecisionRecord]:
        """An item's decisions, newest first."""
        with self._read() as conn:
            rows = conn.execute(r.DECISIONS_OF_ITEM, {"item_id": item_id, "limit": limit})
            return [r.decision(row) for row in rows]

    def decision_count(self) -> int:
        with self._read() as conn:
            return int(conn.execute(r.DECISION_COUNT).scalar_one())

    # -- audit -----------------------------------------------------------------------

    def audit_list(self, *, after_seq: int = 0, limit: int = 1000) -> list[AuditRecord]:
        with self._read() as conn:
            rows = conn.execute(r.AUDIT_PAGE, {"after": after_seq, "limit": limit})
            return [r.audit(row) for row in rows]

    def audit_latest(self, action: str | None = None) -> AuditRecord | None:
        with self._read() as conn:
            if action is None:
                row = conn.execute(r.AUDIT_LATEST).first()
            else:
                row = conn.execute(r.AUDIT_LATEST_OF, {"action": action}).first()
        return r.audit(row) if row else None


class Tx:
    """Writes inside one transaction; obtained from :meth:`Store.transaction`."""

    def __init__(self, store: Store, conn: Connection) -> None:
        self.store = store
        self.conn = conn
        self.new_subjects: dict[SubjectKey, int] = {}

    def platform_by_name(self, name: str) -> PlatformRecord | None:
        row = self.conn.execute(r.PLATFORM_BY_NAME, {"name": name}).first()
        return r.platform(row) if row else None

    def platform_add(self, name: str, *, title: str, now: datetime) -> PlatformRecord:
        stmt = t.platforms.insert().returning(*t.platforms.c)
        row = self.conn.execute(stmt, {"name": name, "title": title, "created_at": now}).one()
        return r.platform(row)

    def key_add(
        self,
        *,
        prefix: str,
        key_hash: str,
        role: str,
        platform_id: int | None,
        label: str,
        rate_limit: float | None,
        now: datetime,
    ) -> int:
        values = {
            "prefix": prefix, "key_hash": key_hash, "role": role, "platform_id": platform_id,
            "label": label, "rate_limit": rate_limit, "created_at": now,
        }  # fmt: skip
        stmt = t.api_keys.insert().returning(t.api_keys.c.id)
        return int(self.conn.execute(stmt, values).scalar_one())

    def key_get(self, key_id: int) -> KeyRecord | None:
        row = self.conn.execute(r.KEY_BY_ID, {"id": key_id}).first()
        return r.key(row) if row else None

    def key_revoke(self, key_id: int, *, now: datetime) -> bool:
        result = self.conn.execute(r.KEY_REVOKE, {"key_id": key_id, "now": now})
        return bool(result.rowcount)

    def subject_ids(
        self, platform_id: int, wanted: Iterable[tuple[str, str]], *, now: datetime
    ) -> dict[tuple[str, str], int]:
        """Ids of the subjects named as (kind, id), creating those not seen before."""
        known = self.store._subjects
        out: dict[tuple[str, str], int] = {}
        missing: list[tuple[str, str]] = []
        for kind, ext in set(wanted):
            sid = known.get((platform_id, kind, ext)) or self.new_subjects.get(
                (platform_id, kind, ext)
            )
            if sid is None:
                missing.append((kind, ext))
            else:
                out[(kind, ext)] = sid
        if missing:
            missing.sort()
            rows = [
                {"platform_id": platform_id, "kind": k, "external_id": e, "created_at": now}
                for k, e in missing
            ]
            self.conn.execute(self.store._subject_insert, rows)
            found = self.conn.execute(
                r.SUBJECT_IDS, {"platform_id": platform_id, "ids": sorted({e for _, e in missing})}
            )
            wanted_set = set(missing)
            for row in found:
                if (row.kind, row.external_id) in wanted_set:
                    out[(row.kind, row.external_id)] = row.id
                    self.new_subjects[(platform_id, row.kind, row.external_id)] = row.id
        return out

    def _subjects_of(
        self, platform_id: int, items: Iterable[NewItem], now: datetime
    ) -> dict[tuple[str, str], int]:
        wanted: list[tuple[str, str]] = []
        for it in items:
            if it.author:
                wanted.append(("account", it.author))
            if it.group:
                wanted.append(("group", it.group))
        return self.subject_ids(platform_id, wanted, now=now) if wanted else {}

    def items_add(
        self, platform_id: int, new: Sequence[NewItem], *, now: datetime
    ) -> dict[str, uuid.UUID]:
        """Insert items not stored yet; returns every one's id, including items that a
        concurrent writer stored first (their rows are left as they are)."""
        if not new:
            return {}
        subjects = self._subjects_of(platform_id, new, now)
        unique = list({it.external_id: it for it in reversed(new)}.values())
        rows = [r.item_row(platform_id, it, subjects, now, new_id()) for it in unique]
        if self.store.dialect == "postgresql":
            inserted = bulk.items_insert(self.conn, rows)
        else:
            count = bulk.sqlite_insert(
                self.conn, t.items, rows, json_columns=_ITEM_JSON, ignore_conflicts=True
            )
            # Fewer rows than sent: some were stored meanwhile; ask which below.
            inserted = {row["external_id"] for row in rows} if count == len(rows) else set()
        ids = {row["external_id"]: row["id"] for row in rows if row["external_id"] in inserted}
        raced = [row["external_id"] for row in rows if row["external_id"] not in inserted]
        if raced:
            found = self.conn.execute(r.ITEM_IDS, {"platform_id": platform_id, "ids": raced})
            ids.update({row.external_id: row.id for row in found})
        return ids

    def items_update(
        self, platform_id: int, changed: Sequence[tuple[uuid.UUID, NewItem]], *, now: datetime
    ) -> None:
        """Replace the content of stored items (a platform re-sent an edited post)."""
        if not changed:
            return
        subjects = self._subjects_of(platform_id, (it for _, it in changed), now)
        params = []
        for item_id, it in changed:
            row = r.item_row(platform_id, it, subjects, now, item_id)
            keep = ("text", "text_hash", "author_id", "group_id", "lang", "urls", "posted_at")
            params.append({"item_id": item_id, "updated_at": now, **{k: row[k] for k in keep}})
        self.conn.execute(r.ITEM_UPDATE, params)

    def decisions_add(
        self, platform: PlatformRecord, new: Sequence[NewDecision], *, now: datetime
    ) -> list[DecisionRecord]:
        records = [_decision_record(d, platform, now) for d in new]
        if self.store.dialect == "postgresql" and len(records) > 1:
            bulk.decisions_copy(self.conn, [r.decision_row(d) for d in records])
        elif self.store.dialect == "sqlite" and records:
            rows = [r.decision_row(d) for d in records]
            bulk.sqlite_insert(self.conn, t.decisions, rows, json_columns=_DECISION_JSON)
        elif records:
            self.conn.execute(r.DECISION_INSERT, [r.decision_row(d) for d in records])
        return records

    def audit_head(self) -> tuple[int, str] | None:
        """The last link of the chain, locked until this transaction ends so that
        concurrent appenders line up (SQLite's write transaction is already exclusive)."""
        if self.store.dialect == "postgresql":
            self.conn.execute(r.AUDIT_LOCK, {"k": _AUDIT_LOCK})
        row = self.conn.execute(r.AUDIT_HEAD).first()
        return (int(row.seq), str(row.hash)) if row else None

    def audit_add(self, entries: Sequence[AuditRecord]) -> None:
        if entries:
            self.conn.execute(r.AUDIT_INSERT, [r.audit_row(e) for e in entries])


def _decision_record(d: NewDecision, platform: PlatformRecord, now: datetime) -> DecisionRecord:
    return DecisionRecord(
        id=new_id(), platform_id=platform.id, platform_name=platform.name, item_id=d.item_id,
        item_external_id=d.item_external_id, text_hash=d.text_hash, verdict=d.verdict,
        labels=d.labels, scores=d.scores, evidence=d.evidence, reasons=d.reasons,
        policy_version=d.policy_version, automated=d.automated, actor_key_id=d.actor_key_id,
        actor_user=d.actor_user, statement=d.statement, created_at=now,
    )  # fmt: skip
