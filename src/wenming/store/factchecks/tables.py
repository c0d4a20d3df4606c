"""The fact-check registry's tables (migration ``0011``).

- ``factchecks``: the current version of each fact-check, its embedding (float16
  bytes, with the model recipe and the hash of the embedded text, so unchanged rows
  are never re-embedded) and ``deleted_at`` for withdrawn ones (kept for history).
- ``factcheck_versions``: every version ever written, as the JSON record, who wrote
  it and when: edits are versioned, never overwritten.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from wenming.store.metadata import Document, Timestamp, metadata

factchecks = Table(
    "factchecks",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("claim", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("rebuttal", Text, nullable=False),
    Column("sources", Document, nullable=False),
    Column("languages", Document, nullable=False),
    Column("publisher", String(200), nullable=False),
    Column("date_published", String(40), nullable=True),
    Column("date_modified", String(40), nullable=True),
    Column("tags", Document, nullable=False),
    Column("version", Integer, nullable=False),
    # Registration order: duplicates collapse onto the earliest, feeds sort by it.
    Column("seq", Integer, nullable=False),
    Column("embedding", LargeBinary, nullable=True),
    Column("embedding_recipe", String(200), nullable=True),
    Column("embedding_hash", String(16), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("deleted_at", Timestamp, nullable=True),
    Index(None, "verdict"),
    Index(None, "updated_at"),
    Index(None, "seq"),
)

factcheck_versions = Table(
    "factcheck_versions",
    metadata,
    Column("factcheck_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    # create | update | delete
    Column("change", String(16), nullable=False),
    Column("record", Document, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    PrimaryKeyConstraint("factcheck_id", "version"),
)
