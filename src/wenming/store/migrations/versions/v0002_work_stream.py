"""Work stream: ingest outbox, decision claims, shadow decisions, sweeps.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types as they were at this revision.
_doc = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ingest_outbox",
        sa.Column("id", _serial, autoincrement=True, nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("dead_at", _ts, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_ingest_outbox_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_outbox")),
    )
    op.create_table(
        "decision_claims",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("policy_version", sa.String(128), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_decision_claims_item_id_items")
        ),
        sa.PrimaryKeyConstraint(
            "item_id", "text_hash", "policy_version", name=op.f("pk_decision_claims")
        ),
    )
    op.create_table(
        "shadow_decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("policy_version", sa.String(128), nullable=False),
        sa.Column("live_policy_version", sa.String(128), nullable=False),
        sa.Column("live_verdict", sa.String(16), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("live_labels", _doc, nullable=False),
        sa.Column("labels", _doc, nullable=False),
        sa.Column("scores", _doc, nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_shadow_decisions_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["platforms.id"],
            name=op.f("fk_shadow_decisions_platform_id_platforms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shadow_decisions")),
        sa.UniqueConstraint(
            "item_id",
            "text_hash",
            "policy_version",
            name=op.f("uq_shadow_decisions_item_id_text_hash_policy_version"),
        ),
    )
    op.create_index(
        op.f("ix_shadow_decisions_policy_version_created_at"),
        "shadow_decisions",
        ["policy_version", "created_at"],
    )
    op.create_table(
        "sweeps",
        sa.Column("id", _serial, autoincrement=True, nullable=False),
        sa.Column("policy_version", sa.String(128), nullable=False),
        sa.Column("policy_source", sa.Text(), nullable=False),
        sa.Column("platform_id", _serial, nullable=True),
        sa.Column("since", _ts, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("cursor", sa.Uuid(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("enqueued", sa.Integer(), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_sweeps_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweeps")),
    )
    op.create_index(op.f("ix_sweeps_policy_version_status"), "sweeps", ["policy_version", "status"])


def downgrade() -> None:
    op.drop_table("sweeps")
    op.drop_table("shadow_decisions")
    op.drop_table("decision_claims")
    op.drop_table("ingest_outbox")
