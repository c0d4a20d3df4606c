"""Tables of the work stream: the ingest outbox, decision claims, shadow decisions, sweeps.

They arrive with migration ``0002``.

- ``ingest_outbox``: with the in-process queue, an item accepted by ``POST /v1/items``
  is committed here before the answer; the worker deletes the row in the transaction
  that stores the decision, and a restarted process republishes what is left.
- ``decision_claims``: one row per (item, text, policy version) that has an automated
  decision from the work stream. Its primary key makes a redelivered or concurrently
  reclaimed message a no-op instead of a second decision.
- ``shadow_decisions``: what a candidate policy would have decided, beside the live one.
- ``sweeps``: a re-screening run over stored items, with its checkpoint.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from wenming.store.metadata import Document, SerialId, Timestamp, metadata

ingest_outbox = Table(
    "ingest_outbox",
    metadata,
    Column("id", SerialId, primary_key=True, autoincrement=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    # The item as the queue message carries it (JSON text).
    Column("payload", Text, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    # Set when the item was given up on (dead-lettered); such rows are not republished.
    Column("dead_at", Timestamp, nullable=True),
    Column("error", Text, nullable=True),
)

decision_claims = Table(
    "decision_claims",
    metadata,
    Column("item_id", ForeignKey("items.id"), primary_key=True),
    Column("text_hash", String(64), primary_key=True),
    Column("policy_version", String(128), primary_key=True),
    Column("created_at", Timestamp, nullable=False),
)

shadow_decisions = Table(
    "shadow_decisions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    Column("item_id", ForeignKey("items.id"), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("policy_version", String(128), nullable=False),
    Column("live_policy_version", String(128), nullable=False),
    Column("live_verdict", String(16), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("live_labels", Document, nullable=False),
    Column("labels", Document, nullable=False),
    Column("scores", Document, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    UniqueConstraint("item_id", "text_hash", "policy_version"),
    Index(None, "policy_version", "created_at"),
)

sweeps = Table(
    "sweeps",
    metadata,
    Column("id", SerialId, primary_key=True, autoincrement=True),
    Column("policy_version", String(128), nullable=False),
    Column("policy_source", Text, nullable=False),
    Column("platform_id", ForeignKey("platforms.id"), nullable=True),
    Column("since", Timestamp, nullable=True),
    # running: enqueueing; enqueued: every item is on the stream; cancelled.
    Column("status", String(16), nullable=False),
    # The checkpoint: the last item id (UUIDv7, time-ordered) handed to the workers.
    Column("cursor", Uuid, nullable=True),
    Column("total", Integer, nullable=False),
    Column("enqueued", Integer, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Index(None, "policy_version", "status"),
)
