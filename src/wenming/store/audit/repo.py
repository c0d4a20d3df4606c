"""Queries of the audit log: pages, the latest entry (of an action), search, and the
chain's head, locked for appending.

On PostgreSQL :meth:`AuditWrites.audit_head` takes a transaction-scoped advisory lock so
that concurrent appenders line up; SQLite's write transaction is already exclusive.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, or_, select, text

from wenming.store.audit.records import AuditRecord
from wenming.store.audit.tables import audit_entries as _a
from wenming.store.base import Area, utc
from wenming.store.enforcement.tables import sanctions, strikes
from wenming.store.factchecks.tables import factcheck_versions
from wenming.store.items.tables import decisions
from wenming.store.review.tables import case_decisions

# Key of the PostgreSQL advisory lock that serialises appends to the audit chain.
_AUDIT_LOCK = 0x77656E6D  # "wenm"

AUDIT_PAGE = (
    select(_a).where(_a.c.seq > bindparam("after")).order_by(_a.c.seq).limit(bindparam("limit"))
)
AUDIT_LATEST = select(_a).order_by(_a.c.seq.desc()).limit(1)
AUDIT_LATEST_OF = (
    select(_a).where(_a.c.action == bindparam("action")).order_by(_a.c.seq.desc()).limit(1)
)
AUDIT_HEAD = select(_a.c.seq, _a.c.hash).order_by(_a.c.seq.desc()).limit(1)
AUDIT_INSERT = _a.insert()
AUDIT_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def audit(row: Any) -> AuditRecord:
    return AuditRecord(
        seq=int(row.seq),
        ts=utc(row.ts),
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        payload=dict(row.payload),
        prev_hash=row.prev_hash,
        hash=row.hash,
        mac=row.mac,
    )


def audit_row(e: AuditRecord) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "ts": e.ts,
        "actor": e.actor,
        "action": e.action,
        "subject": e.subject,
        "payload": e.payload,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
        "mac": e.mac,
    }


# Subject kinds whose label is "<kind>:<platform>/<ref>" (see the services' audit calls).
_PLATFORM_KINDS = ("account", "group", "item")


class AuditReads(Area):
    """Reads of the audit log (``store.audit``)."""

    __slots__ = ()

    def audit_list(self, *, after_seq: int = 0, limit: int = 1000) -> list[AuditRecord]:
        """Entries in chain order after ``after_seq``."""
        with self._conn() as conn:
            rows = conn.execute(AUDIT_PAGE, {"after": after_seq, "limit": limit})
            return [audit(row) for row in rows]

    def audit_latest(self, action: str | None = None) -> AuditRecord | None:
        with self._conn() as conn:
            if action is None:
                row = conn.execute(AUDIT_LATEST).first()
            else:
                row = conn.execute(AUDIT_LATEST_OF, {"action": action}).first()
        return audit(row) if row else None

    def audit_search(
        self, *, subject: str | None = None, limit: int = 200, platform_name: str | None = None
    ) -> list[AuditRecord]:
        """The newest entries, optionally those whose subject contains ``subject``.
        With ``platform_name`` (a platform-bound reader), only entries whose subject is that
        platform or one of its accounts, groups or items: keys, users, policy, fact-checks,
        sites and entries named by a case or decision id are not a tenant's to read."""
        stmt = select(_a).order_by(_a.c.seq.desc()).limit(limit)
        if subject:
            stmt = stmt.where(_a.c.subject.contains(subject, autoescape=True))
        if platform_name is not None:
            own = [_a.c.subject == f"platform:{platform_name}"]
            own += [
                _a.c.subject.startswith(f"{k}:{platform_name}/", autoescape=True)
                for k in _PLATFORM_KINDS
            ]
            stmt = stmt.where(or_(*own))
        with self._conn() as conn:
            return [audit(row) for row in conn.execute(stmt)]

    # -- what the log must account for (``wenming audit verify``) ------------------------

    def evidence_decision_ids(self) -> set[uuid.UUID]:
        with self._conn() as conn:
            return {row[0] for row in conn.execute(select(decisions.c.id))}

    def evidence_case_decisions(self) -> dict[uuid.UUID, str]:
        """Case decision id → verdict."""
        c = case_decisions.c
        with self._conn() as conn:
            return {row[0]: row[1] for row in conn.execute(select(c.id, c.verdict))}

    def evidence_strike_ids(self) -> set[uuid.UUID]:
        with self._conn() as conn:
            return {row[0] for row in conn.execute(select(strikes.c.id))}

    def evidence_sanctions(self) -> dict[uuid.UUID, str]:
        """Sanction id → action."""
        s = sanctions.c
        with self._conn() as conn:
            return {row[0]: row[1] for row in conn.execute(select(s.id, s.action))}

    def evidence_factcheck_versions(self) -> set[tuple[str, int]]:
        v = factcheck_versions.c
        with self._conn() as conn:
            return {(row[0], row[1]) for row in conn.execute(select(v.factcheck_id, v.version))}


class AuditWrites(AuditReads):
    """Appends to the audit log inside a transaction (``tx.audit``)."""

    __slots__ = ()

    def audit_head(self) -> tuple[int, str] | None:
        """The last link of the chain, locked until this transaction ends so that
        concurrent appenders line up (SQLite's write transaction is already exclusive)."""
        if self.dialect == "postgresql":
            self.conn.execute(AUDIT_LOCK, {"k": _AUDIT_LOCK})
        row = self.conn.execute(AUDIT_HEAD).first()
        return (int(row.seq), str(row.hash)) if row else None

    def audit_add(self, entries: Sequence[AuditRecord]) -> None:
        if entries:
            self.conn.execute(AUDIT_INSERT, [audit_row(e) for e in entries])
