"""The tables of the system of record, as SQLAlchemy Core metadata.

Platforms are the tenants; every item, subject and decision belongs to one. Items are
keyed by the platform's own id (``external_id``); decisions are append-only and carry
what was decided, why, under which policy version and by whom. Subjects are the
accounts, groups and sites that later sanctions act on. The audit log is a hash chain
(see :mod:`wenming.service.audit`). Ids of the two big tables are UUIDv7s, so they
sort by time and PostgreSQL can range-partition on them by month without changing a
key (``docs/operations.md``). Migrations in ``migrations/`` must match this file; a test
compares them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

# Names for constraints and indexes, so migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# JSONB on PostgreSQL (queryable, GIN-indexable); JSON text elsewhere.
Document = JSON().with_variant(JSONB(), "postgresql")
# 64-bit ids on PostgreSQL; SQLite needs INTEGER for an auto-incrementing rowid alias.
SerialId = BigInteger().with_variant(Integer(), "sqlite")
Timestamp = DateTime(timezone=True)

platforms = Table(
    "platforms",
    metadata,
    Column("id", SerialId, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

subjects = Table(
    "subjects",
    metadata,
    Column("id", SerialId, primary_key=True, autoincrement=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    # account | group | site; sanctions, reports and risk scores hang on this row.
    Column("kind", String(16), nullable=False),
    Column("external_id", String(256), nullable=False),
    Column("display_name", String(200), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    UniqueConstraint("platform_id", "kind", "external_id"),
)

items = Table(
    "items",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    Column("external_id", String(256), nullable=False),
    Column("text", Text, nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("author_id", ForeignKey("subjects.id"), nullable=True),
    Column("group_id", ForeignKey("subjects.id"), nullable=True),
    Column("lang", String(35), nullable=True),
    Column("urls", Document, nullable=False),
    Column("posted_at", Timestamp, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    UniqueConstraint("platform_id", "external_id"),
    Index(None, "author_id"),
    Index(None, "group_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", SerialId, primary_key=True, autoincrement=True),
    # The first characters of the key, kept in clear so people can tell keys apart.
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("platform_id", ForeignKey("platforms.id"), nullable=True),
    Column("label", String(200), nullable=False),
    Column("rate_limit", Float, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("revoked_at", Timestamp, nullable=True),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    Column("item_id", ForeignKey("items.id"), nullable=False),
    # The hash of the text this decision was about; items can be edited.
    Column("text_hash", String(64), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("labels", Document, nullable=False),
    Column("scores", Document, nullable=False),
    Column("evidence", Document, nullable=False),
    Column("reasons", Document, nullable=False),
    Column("policy_version", String(128), nullable=False),
    Column("automated", Boolean, nullable=False),
    Column("actor_key_id", ForeignKey("api_keys.id"), nullable=True),
    Column("actor_user", String(200), nullable=True),
    Column("statement", Text, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "item_id", "created_at"),
    Index(None, "platform_id", "created_at"),
)

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
    Index(None, "action", "seq"),
)

# The work stream's, review's and fact-checks' tables live in their own modules on this
# metadata (imported last, since they build on the names above).
from wenming.store import factchecks as _factchecks  # noqa: E402,F401
from wenming.store import reviewtables as _reviewtables  # noqa: E402,F401
from wenming.store import usertables as _usertables  # noqa: E402,F401
from wenming.store import worktables as _worktables  # noqa: E402,F401
