"""Queries of subjects, items and decisions (``store.items``, ``tx.items``).

The screening hot path lives here: :meth:`ItemReads.item_refs` finds, in one query,
everything idempotent screening needs; :meth:`ItemWrites.items_add` and
:meth:`ItemWrites.decisions_add` write batches below SQLAlchemy's per-row machinery
(:mod:`.bulk`). Subjects (accounts, groups) are created on first sight and their ids
remembered once their transaction has committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from wenming.store.access.records import PlatformRecord
from wenming.store.base import new_id
from wenming.store.items import bulk, raw
from wenming.store.items import statements as r
from wenming.store.items import tables as t
from wenming.store.items.records import (
    DecisionRecord,
    ItemRecord,
    ItemRef,
    NewDecision,
    NewItem,
)
from wenming.store.items.scans import ItemScans

_ITEM_JSON = frozenset({"urls"})
_DECISION_JSON = frozenset({"labels", "scores", "evidence", "reasons"})
# Built once: constructing a statement costs more than running it on the hot path.
_SUBJECT_INSERT = {
    "postgresql": postgresql.insert(t.subjects).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(t.subjects).on_conflict_do_nothing(),
}


class ItemReads(ItemScans):
    """Reads of items and decisions."""

    __slots__ = ()

    def item_refs(
        self, platform: PlatformRecord, external_ids: Sequence[str], *, policy_version: str
    ) -> dict[str, ItemRef]:
        """The stored items among ``external_ids``, each with its decisions under
        ``policy_version`` (newest per text hash): everything idempotent screening needs,
        in one query."""
        if not external_ids:
            return {}
        # The screening hot path: straight to the driver (see :mod:`.raw`).
        conn = self.tx.conn if self.tx is not None else None
        return raw.item_refs(
            self.store.engine, conn, platform.id, platform.name, external_ids, policy_version
        )

    def item_get(self, platform_id: int, external_id: str) -> ItemRecord | None:
        params = {"platform_id": platform_id, "external_id": external_id}
        with self._conn() as conn:
            row = conn.execute(r.ITEM_BY_EXTERNAL_ID, params).first()
        return r.item(row) if row else None

    def decision_get(self, decision_id: uuid.UUID) -> DecisionRecord | None:
        with self._conn() as conn:
            row = conn.execute(r.DECISION_BY_ID, {"id": decision_id}).first()
        return r.decision(row) if row else None

    def decision_list(self, ids: Sequence[uuid.UUID]) -> list[DecisionRecord]:
        if not ids:
            return []
        with self._conn() as conn:
            return [r.decision(row) for row in conn.execute(r.DECISION_BY_IDS, {"ids": list(ids)})]

    def decision_list_for_item(
        self, item_id: uuid.UUID, *, limit: int = 100
    ) -> list[DecisionRecord]:
        """An item's decisions, newest first."""
        with self._conn() as conn:
            rows = conn.execute(r.DECISIONS_OF_ITEM, {"item_id": item_id, "limit": limit})
            return [r.decision(row) for row in rows]

    def decision_list_for_author(self, subject_id: int, *, limit: int = 20) -> list[DecisionRecord]:
        """Decisions on an account's items, newest first."""
        stmt = (
            r.DECISION_SELECT.where(t.items.c.author_id == subject_id)
            .order_by(t.decisions.c.created_at.desc(), t.decisions.c.id.desc())
            .limit(limit)
        )
        with self._conn() as conn:
            return [r.decision(row) for row in conn.execute(stmt)]

    def decision_count(self) -> int:
        with self._conn() as conn:
            return int(conn.execute(r.DECISION_COUNT).scalar_one())


class ItemWrites(ItemReads):
    """Writes of subjects, items and decisions inside a transaction."""

    __slots__ = ()

    def subject_ids(
        self, platform_id: int, wanted: Iterable[tuple[str, str]], *, now: datetime
    ) -> dict[tuple[str, str], int]:
        """Ids of the subjects named as (kind, id), creating those not seen before."""
        assert self.tx is not None
        known, fresh = self.store.subject_cache, self.tx.new_subjects
        out: dict[tuple[str, str], int] = {}
        missing: list[tuple[str, str]] = []
        for kind, ext in set(wanted):
            sid = known.get((platform_id, kind, ext)) or fresh.get((platform_id, kind, ext))
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
            self.conn.execute(_SUBJECT_INSERT[self.dialect], rows)
            found = self.conn.execute(
                r.SUBJECT_IDS, {"platform_id": platform_id, "ids": sorted({e for _, e in missing})}
            )
            wanted_set = set(missing)
            for row in found:
                if (row.kind, row.external_id) in wanted_set:
                    out[(row.kind, row.external_id)] = row.id
                    fresh[(platform_id, row.kind, row.external_id)] = row.id
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
        if self.dialect == "postgresql":
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
        keep = ("text", "text_hash", "author_id", "group_id", "lang", "urls", "posted_at")
        for item_id, it in changed:
            row = r.item_row(platform_id, it, subjects, now, item_id)
            params.append({"item_id": item_id, "updated_at": now, **{k: row[k] for k in keep}})
        self.conn.execute(r.ITEM_UPDATE, params)

    def decisions_add(
        self, platform: PlatformRecord, new: Sequence[NewDecision], *, now: datetime
    ) -> list[DecisionRecord]:
        records = [_decision_record(d, platform, now) for d in new]
        if self.dialect == "postgresql" and len(records) > 1:
            bulk.decisions_copy(self.conn, [r.decision_row(d) for d in records])
        elif self.dialect == "sqlite" and records:
            rows = [r.decision_row(d) for d in records]
            bulk.sqlite_insert(self.conn, t.decisions, rows, json_columns=_DECISION_JSON)
        elif records:
            self.conn.execute(r.DECISION_INSERT, [r.decision_row(d) for d in records])
        return records


def _decision_record(d: NewDecision, platform: PlatformRecord, now: datetime) -> DecisionRecord:
    return DecisionRecord(
        id=new_id(),
        platform_id=platform.id,
        platform_name=platform.name,
        item_id=d.item_id,
        item_external_id=d.item_external_id,
        text_hash=d.text_hash,
        verdict=d.verdict,
        labels=d.labels,
        scores=d.scores,
        evidence=d.evidence,
        reasons=d.reasons,
        policy_version=d.policy_version,
        automated=d.automated,
        actor_key_id=d.actor_key_id,
        actor_user=d.actor_user,
        statement=d.statement,
        created_at=now,
    )
