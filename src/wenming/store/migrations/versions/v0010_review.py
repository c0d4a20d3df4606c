"""Reports, review cases, human decisions, appeals, strikes, sanctions, minor accounts.

Revision ID: 0010
Revises: 0002
Create Date: 2026-11-27

(Numbered 0010 so that revisions other work adds meanwhile fit before it; re-chain
``down_revision`` to the newest of them when merging.)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the column types as they were at this revision.
_doc = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "minor_accounts",
        sa.Column("subject_id", _serial, nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("updated_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_minor_accounts_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_minor_accounts")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_ref", sa.String(length=256), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("subject_id", _serial, nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", _ts, nullable=True),
        sa.Column("excluded_actor", sa.String(length=200), nullable=True),
        sa.Column("appeal_of", sa.Uuid(), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("open_key", sa.String(length=400), nullable=True),
        sa.Column("opened_at", _ts, nullable=False),
        sa.Column("due_at", _ts, nullable=False),
        sa.Column("decided_at", _ts, nullable=True),
        sa.Column("updated_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_cases_item_id_items")),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_cases_platform_id_platforms")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_cases_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("open_key", name=op.f("uq_cases_open_key")),
    )
    op.create_index(op.f("ix_cases_assignee_status"), "cases", ["assignee", "status"])
    op.create_index(op.f("ix_cases_decision_id"), "cases", ["decision_id"])
    op.create_index(
        op.f("ix_cases_platform_id_subject_kind_subject_ref"),
        "cases",
        ["platform_id", "subject_kind", "subject_ref"],
    )
    op.create_index(
        op.f("ix_cases_status_queue_priority"), "cases", ["status", "queue", "priority"]
    )
    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("template", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("age_rating", sa.String(length=8), nullable=False),
        sa.Column("policy_version", sa.String(length=128), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("actor_key_id", _serial, nullable=True),
        sa.Column("appeal_outcome", sa.String(length=16), nullable=True),
        sa.Column("reviews", sa.Uuid(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_key_id"], ["api_keys.id"], name=op.f("fk_case_decisions_actor_key_id_api_keys")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_decisions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_case_decisions_platform_id_platforms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_decisions")),
    )
    op.create_index(op.f("ix_case_decisions_case_id"), "case_decisions", ["case_id"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reporter_key_id", _serial, nullable=True),
        sa.Column("reporter_hash", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("resolved_at", _ts, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_reports_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_reports_platform_id_platforms")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_key_id"], ["api_keys.id"], name=op.f("fk_reports_reporter_key_id_api_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_reports_token_hash")),
    )
    op.create_index(op.f("ix_reports_case_id"), "reports", ["case_id"])
    op.create_index(
        op.f("ix_reports_reporter_key_id_created_at"), "reports", ["reporter_key_id", "created_at"]
    )
    op.create_table(
        "sanctions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("subject_id", _serial, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("ladder", sa.String(length=64), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column("strike_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("statement", _doc, nullable=False),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("starts_at", _ts, nullable=False),
        sa.Column("ends_at", _ts, nullable=True),
        sa.Column("lifted_at", _ts, nullable=True),
        sa.Column("lifted_by", sa.String(length=200), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_sanctions_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_sanctions_platform_id_platforms")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_sanctions_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanctions")),
    )
    op.create_index(op.f("ix_sanctions_decision_id"), "sanctions", ["decision_id"])
    op.create_index(
        op.f("ix_sanctions_subject_id_created_at"), "sanctions", ["subject_id", "created_at"]
    )
    op.create_table(
        "strikes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("subject_id", _serial, nullable=False),
        sa.Column("ladder", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("expires_at", _ts, nullable=True),
        sa.Column("removed_at", _ts, nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_strikes_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_strikes_platform_id_platforms")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name=op.f("fk_strikes_subject_id_subjects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strikes")),
    )
    op.create_index(op.f("ix_strikes_decision_id"), "strikes", ["decision_id"])
    op.create_index(
        op.f("ix_strikes_subject_id_created_at"), "strikes", ["subject_id", "created_at"]
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform_id", _serial, nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("appellant", sa.String(length=16), nullable=False),
        sa.Column("appellant_key_id", _serial, nullable=True),
        sa.Column("report_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("result_decision_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("decided_at", _ts, nullable=True),
        sa.ForeignKeyConstraint(
            ["appellant_key_id"], ["api_keys.id"], name=op.f("fk_appeals_appellant_key_id_api_keys")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_appeals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["platforms.id"], name=op.f("fk_appeals_platform_id_platforms")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_appeals_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    op.create_index(op.f("ix_appeals_case_id"), "appeals", ["case_id"])
    op.create_index(op.f("ix_appeals_decision_id"), "appeals", ["decision_id"])


def downgrade() -> None:
    for name in (
        "appeals",
        "strikes",
        "sanctions",
        "reports",
        "case_decisions",
        "cases",
        "minor_accounts",
    ):
        op.drop_table(name)
