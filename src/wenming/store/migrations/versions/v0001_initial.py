"""Initial tables: platforms, subjects, items, API keys, decisions, audit entries.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types as they were at this revision (tables.py may move on).
_doc = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "platforms",
        sa.Column("id", _serial, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platforms")),
        sa.UniqueConstraint("name", name=op.f("uq_platforms_name")),
    )
    op.create_table(
        "subjects",
        sa.Column("id", _serial, autoincrement=True, nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(256), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_subjects_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subjects")),
        sa.UniqueConstraint(
            "platform_id",
            "kind",
            "external_id",
            name=op.f("uq_subjects_platform_id_kind_external_id"),
        ),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", _serial, autoincrement=True, nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("platform_id", _serial, nullable=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("rate_limit", sa.Float(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("revoked_at", _ts, nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_api_keys_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("external_id", sa.String(256), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("author_id", _serial, nullable=True),
        sa.Column("group_id", _serial, nullable=True),
        sa.Column("lang", sa.String(35), nullable=True),
        sa.Column("urls", _doc, nullable=False),
        sa.Column("posted_at", _ts, nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["subjects.id"], name=op.f("fk_items_author_id_subjects")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["subjects.id"], name=op.f("fk_items_group_id_subjects")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_items_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint(
            "platform_id", "external_id", name=op.f("uq_items_platform_id_external_id")
        ),
    )
    op.create_index(op.f("ix_items_author_id"), "items", ["author_id"])
    op.create_index(op.f("ix_items_group_id"), "items", ["group_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("labels", _doc, nullable=False),
        sa.Column("scores", _doc, nullable=False),
        sa.Column("evidence", _doc, nullable=False),
        sa.Column("reasons", _doc, nullable=False),
        sa.Column("policy_version", sa.String(128), nullable=False),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("actor_key_id", _serial, nullable=True),
        sa.Column("actor_user", sa.String(200), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_key_id"], ["api_keys.id"], name=op.f("fk_decisions_actor_key_id_api_keys")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_decisions_item_id_items")),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_decisions_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(op.f("ix_decisions_item_id_created_at"), "decisions", ["item_id", "created_at"])
    op.create_index(
        op.f("ix_decisions_platform_id_created_at"), "decisions", ["platform_id", "created_at"]
    )
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ts", _ts, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
    )
    op.create_index(op.f("ix_audit_entries_action_seq"), "audit_entries", ["action", "seq"])


def downgrade() -> None:
    op.drop_table("audit_entries")
    op.drop_table("decisions")
    op.drop_table("items")
    op.drop_table("api_keys")
    op.drop_table("subjects")
    op.drop_table("platforms")
