"""Tables of what platforms send and what was decided: subjects, items, decisions.

Every item, subject and decision belongs to one platform. Items are keyed by the
platform's own id (``external_id``); decisions are append-only and carry what was
decided, why, under which policy version and by whom. Subjects are the accounts,
groups and sites that later sanctions act on. Ids of the two big tables are UUIDv7s,
so they sort by time and PostgreSQL can range-partition on them by month without
changing a key (``docs/operations.md``). Migrations in ``migrations/`` must match; a
test compares them.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from wenming.store.metadata import Document, SerialId, Timestamp, metadata

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
