"""Fact-check registry: factchecks (current versions, embeddings) and factcheck_versions.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types as they were at this revision.
_doc = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "factchecks",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("rebuttal", sa.Text(), nullable=False),
        sa.Column("sources", _doc, nullable=False),
        sa.Column("languages", _doc, nullable=False),
        sa.Column("publisher", sa.String(200), nullable=False),
        sa.Column("date_published", sa.String(40), nullable=True),
        sa.Column("date_modified", sa.String(40), nullable=True),
        sa.Column("tags", _doc, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("embedding_recipe", sa.String(200), nullable=True),
        sa.Column("embedding_hash", sa.String(16), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.Column("deleted_at", _ts, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factchecks")),
    )
    op.create_index(op.f("ix_factchecks_verdict"), "factchecks", ["verdict"])
    op.create_index(op.f("ix_factchecks_updated_at"), "factchecks", ["updated_at"])
    op.create_index(op.f("ix_factchecks_seq"), "factchecks", ["seq"])
    op.create_table(
        "factcheck_versions",
        sa.Column("factcheck_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("record", _doc, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("factcheck_id", "version", name=op.f("pk_factcheck_versions")),
    )


def downgrade() -> None:
    op.drop_table("factcheck_versions")
    op.drop_index(op.f("ix_factchecks_seq"), table_name="factchecks")
    op.drop_index(op.f("ix_factchecks_updated_at"), table_name="factchecks")
    op.drop_index(op.f("ix_factchecks_verdict"), table_name="factchecks")
    op.drop_table("factchecks")
