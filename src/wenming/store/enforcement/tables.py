"""Tables of enforcement (migration ``0010``).

- ``strikes``: upheld violations counted on a subject's ladder, each with a weight and
  an expiry; an overturned decision removes its strikes.
- ``sanctions``: what a ladder step imposed (warning, mute, suspension, ban,
  restriction, dissolution, notice, rectification deadline, closure), with a
  DSA-style statement of reasons; they end by themselves at ``ends_at``.
- ``minor_accounts``: accounts their platform has flagged as belonging to a minor.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)

from wenming.store.metadata import Document, Timestamp, metadata

strikes = Table(
    "strikes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("ladder", String(64), nullable=False),
    Column("category", String(64), nullable=True),
    Column("severity", Integer, nullable=False),
    Column("weight", Float, nullable=False),
    Column("decision_id", Uuid, nullable=False),
    Column("case_id", ForeignKey("cases.id"), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp, nullable=True),
    Column("removed_at", Timestamp, nullable=True),
    Column("removed_reason", Text, nullable=True),
    Index(None, "subject_id", "created_at"),
    Index(None, "decision_id"),
)

sanctions = Table(
    "sanctions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    Column("subject_id", ForeignKey("subjects.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("ladder", String(64), nullable=False),
    Column("step", Integer, nullable=False),
    Column("category", String(64), nullable=True),
    Column("decision_id", Uuid, nullable=True),
    Column("strike_id", Uuid, nullable=True),
    Column("case_id", ForeignKey("cases.id"), nullable=True),
    # The statement of reasons: what, ground, automated, territorial scope, redress.
    Column("statement", Document, nullable=False),
    Column("automated", Boolean, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("starts_at", Timestamp, nullable=False),
    Column("ends_at", Timestamp, nullable=True),  # expiry, or a rectification deadline
    Column("lifted_at", Timestamp, nullable=True),
    Column("lifted_by", String(200), nullable=True),
    Column("lift_reason", Text, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "subject_id", "created_at"),
    Index(None, "decision_id"),
)

minor_accounts = Table(
    "minor_accounts",
    metadata,
    Column("subject_id", ForeignKey("subjects.id"), primary_key=True),
    Column("age", Integer, nullable=True),
    Column("updated_at", Timestamp, nullable=False),
)
