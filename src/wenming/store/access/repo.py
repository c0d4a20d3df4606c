"""Queries of platforms, API keys and console users (``store.access``, ``tx.access``).

Platforms are never renamed or deleted, so the store remembers those it has found
(only outside a write transaction, whose platform might still roll back).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from wenming.store.access.records import KeyRecord, PlatformRecord, SessionRecord, UserRecord
from wenming.store.access.tables import api_keys, console_sessions, platforms, users
from wenming.store.base import Area, opt_utc, utc

PLATFORM_BY_ID = select(platforms).where(platforms.c.id == bindparam("id"))
PLATFORM_BY_NAME = select(platforms).where(platforms.c.name == bindparam("name"))
PLATFORM_LIST = select(platforms).order_by(platforms.c.name)

KEY_SELECT = select(*api_keys.c, platforms.c.name.label("platform_name")).outerjoin(
    platforms, platforms.c.id == api_keys.c.platform_id
)
KEY_BY_HASH = KEY_SELECT.where(api_keys.c.key_hash == bindparam("key_hash"))
KEY_BY_ID = KEY_SELECT.where(api_keys.c.id == bindparam("id"))
KEY_LIST = KEY_SELECT.order_by(api_keys.c.id)
KEY_REVOKE = (
    update(api_keys)
    .where(api_keys.c.id == bindparam("key_id"), api_keys.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("now"))
)
USER_BY_NAME = (
    select(
        *api_keys.c,
        platforms.c.name.label("platform_name"),
        users.c.id.label("user_id"),
        users.c.username,
        users.c.password_hash,
        users.c.created_at.label("user_created_at"),
    )
    .join(api_keys, api_keys.c.id == users.c.key_id)
    .outerjoin(platforms, platforms.c.id == api_keys.c.platform_id)
    .where(users.c.username == bindparam("username"))
)


def platform(row: Any) -> PlatformRecord:
    return PlatformRecord(id=row.id, name=row.name, title=row.title, created_at=utc(row.created_at))


def key(row: Any) -> KeyRecord:
    return KeyRecord(
        id=row.id,
        prefix=row.prefix,
        role=row.role,
        platform_id=row.platform_id,
        platform_name=row.platform_name,
        label=row.label,
        rate_limit=row.rate_limit,
        created_at=utc(row.created_at),
        revoked_at=opt_utc(row.revoked_at),
    )


class AccessReads(Area):
    """Reads of platforms, keys and users."""

    __slots__ = ()

    def platform_get(self, platform_id: int) -> PlatformRecord | None:
        with self._conn() as conn:
            row = conn.execute(PLATFORM_BY_ID, {"id": platform_id}).first()
        return platform(row) if row else None

    def platform_by_name(self, name: str) -> PlatformRecord | None:
        cache = self.store.platform_cache
        cached = cache.get(name)
        if cached is not None:
            return cached
        with self._conn() as conn:
            row = conn.execute(PLATFORM_BY_NAME, {"name": name}).first()
        if row is None:
            return None
        record = platform(row)
        if self.tx is None:
            cache[name] = record
        return record

    def platform_list(self) -> list[PlatformRecord]:
        with self._conn() as conn:
            return [platform(row) for row in conn.execute(PLATFORM_LIST)]

    def key_by_hash(self, key_hash: str) -> KeyRecord | None:
        with self._conn() as conn:
            row = conn.execute(KEY_BY_HASH, {"key_hash": key_hash}).first()
        return key(row) if row else None

    def key_get(self, key_id: int) -> KeyRecord | None:
        with self._conn() as conn:
            row = conn.execute(KEY_BY_ID, {"id": key_id}).first()
        return key(row) if row else None

    def key_list(self) -> list[KeyRecord]:
        with self._conn() as conn:
            return [key(row) for row in conn.execute(KEY_LIST)]

    def user_get(self, username: str) -> UserRecord | None:
        with self._conn() as conn:
            row = conn.execute(USER_BY_NAME, {"username": username}).first()
        if row is None:
            return None
        return UserRecord(
            id=row.user_id,
            username=row.username,
            password_hash=row.password_hash,
            key=key(row),
            created_at=utc(row.user_created_at),
        )

    def session_get(self, token_hash: str) -> SessionRecord | None:
        stmt = select(console_sessions).where(console_sessions.c.token_hash == token_hash)
        with self._conn() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            return None
        return SessionRecord(
            token_hash=row.token_hash,
            key_id=int(row.key_id),
            username=row.username,
            mark=row.mark,
            created_at=utc(row.created_at),
            expires_at=utc(row.expires_at),
            revoked_at=opt_utc(row.revoked_at),
        )


class AccessWrites(AccessReads):
    """Writes of platforms, keys and users inside a transaction."""

    __slots__ = ()

    def platform_add(self, name: str, *, title: str, now: datetime) -> PlatformRecord:
        stmt = platforms.insert().returning(*platforms.c)
        row = self.conn.execute(stmt, {"name": name, "title": title, "created_at": now}).one()
        return platform(row)

    def platform_reserve(self, name: str, *, title: str, now: datetime) -> PlatformRecord:
        """The platform ``name``, created if missing, safely under concurrent callers."""
        stmt = self._insert(platforms).values(name=name, title=title, created_at=now)
        self.conn.execute(stmt.on_conflict_do_nothing())
        return platform(self.conn.execute(PLATFORM_BY_NAME, {"name": name}).one())

    def key_add(
        self,
        *,
        prefix: str,
        key_hash: str,
        role: str,
        platform_id: int | None,
        label: str,
        rate_limit: float | None,
        now: datetime,
    ) -> int:
        values = {
            "prefix": prefix,
            "key_hash": key_hash,
            "role": role,
            "platform_id": platform_id,
            "label": label,
            "rate_limit": rate_limit,
            "created_at": now,
        }
        stmt = api_keys.insert().returning(api_keys.c.id)
        return int(self.conn.execute(stmt, values).scalar_one())

    def key_revoke(self, key_id: int, *, now: datetime) -> bool:
        result = self.conn.execute(KEY_REVOKE, {"key_id": key_id, "now": now})
        return bool(result.rowcount)

    def user_add(self, *, username: str, password_hash: str, key_id: int, now: datetime) -> None:
        self.conn.execute(
            users.insert().values(
                username=username,
                password_hash=password_hash,
                key_id=key_id,
                created_at=now,
                updated_at=now,
            )
        )

    def user_set_password(self, username: str, *, password_hash: str, now: datetime) -> bool:
        done = self.conn.execute(
            update(users)
            .where(users.c.username == username)
            .values(password_hash=password_hash, updated_at=now)
        )
        return bool(done.rowcount)

    def session_add(
        self,
        *,
        token_hash: str,
        key_id: int,
        username: str | None,
        mark: str | None,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        self.conn.execute(
            console_sessions.insert().values(
                token_hash=token_hash,
                key_id=key_id,
                username=username,
                mark=mark,
                created_at=now,
                expires_at=expires_at,
            )
        )

    def session_revoke(self, token_hash: str, *, now: datetime) -> bool:
        done = self.conn.execute(
            update(console_sessions)
            .where(console_sessions.c.token_hash == token_hash)
            .where(console_sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(done.rowcount)

    def session_purge(self, *, before: datetime) -> int:
        """Forget sessions that expired before ``before``."""
        done = self.conn.execute(
            delete(console_sessions).where(console_sessions.c.expires_at < before)
        )
        return int(done.rowcount or 0)
