"""The ``users`` table: console users, each backed by an API key (see :mod:`.users`)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, String, Table

from wenming.store.tables import SerialId, metadata

users = Table(
    "users",
    metadata,
    Column("id", SerialId, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("key_id", ForeignKey("api_keys.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
