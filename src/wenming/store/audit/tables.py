"""The ``audit_entries`` table: an append-only hash chain (see :mod:`wenming.service.audit`)."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Index, String, Table

from wenming.store.metadata import Timestamp, metadata

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("ts", Timestamp, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(200), nullable=False),
    # Plain JSON, not JSONB: the chain hashes it and JSONB would reorder nothing we rely
    # on, but text keeps the stored form exactly what was written.
    Column("payload", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # HMAC of the hash under the audit key kept outside the database (migration 0014).
    Column("mac", String(80), nullable=True),
    Index(None, "action", "seq"),
)
