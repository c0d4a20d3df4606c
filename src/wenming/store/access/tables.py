"""Tables of who may use the system: ``platforms`` (the tenants), ``api_keys`` and the
console ``users``, each of whom acts through a key, and their server-side
``console_sessions`` (migrations ``0001``, ``0012`` and ``0013``)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, String, Table

from wenming.store.metadata import SerialId, Timestamp, metadata

platforms = Table(
    "platforms",
    metadata,
    Column("id", SerialId, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("created_at", Timestamp, nullable=False),
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

# A console sign-in: the cookie holds a random token, the table only its digest. Revoked
# at sign-out, expiring, and checked against the key (and the password) on every request.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("key_id", ForeignKey("api_keys.id"), nullable=False),
    Column("username", String(64), nullable=True),
    Column("mark", String(64), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("expires_at", Timestamp, nullable=False),
    Column("revoked_at", Timestamp, nullable=True),
)
