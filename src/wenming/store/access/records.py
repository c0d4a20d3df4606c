"""Records of platforms, API keys and console users (frozen, UTC-aware, detached)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PlatformRecord:
    id: int
    name: str
    title: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """An API key as stored: never the key itself, only its hash and who it is for."""

    id: int
    prefix: str
    role: str
    platform_id: int | None
    platform_name: str | None
    label: str
    rate_limit: float | None
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A console user: a username and a password hash, acting through ``key``."""

    id: int
    username: str
    password_hash: str
    key: KeyRecord
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A console session as stored (never its token: only the token's digest)."""

    token_hash: str
    key_id: int
    username: str | None
    mark: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
