"""Console users: a username and a password hash, each backed by an API key.

A user acts through its key (role, platform and every record an action leaves point at
the key, with the username beside it), so the service layer has one notion of caller.
Passwords are hashed with scrypt (standard library) and a per-user salt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from wenming.store.records import KeyRecord
from wenming.store.rows import key as key_record
from wenming.store.rows import utc
from wenming.store.sql import Store
from wenming.store.tables import api_keys, platforms
from wenming.store.usertables import users


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    username: str
    password_hash: str
    key: KeyRecord
    created_at: datetime


def user_get(store: Store, username: str) -> UserRecord | None:
    stmt = (
        select(*api_keys.c, platforms.c.name.label("platform_name"),
               users.c.id.label("user_id"), users.c.username,
               users.c.password_hash, users.c.created_at.label("user_created_at"))
        .join(api_keys, api_keys.c.id == users.c.key_id)
        .outerjoin(platforms, platforms.c.id == api_keys.c.platform_id)
        .where(users.c.username == username)
    )
    with store.engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        return None
    return UserRecord(id=row.user_id, username=row.username, password_hash=row.password_hash,
                      key=key_record(row), created_at=utc(row.user_created_at))


def user_add(store: Store, *, username: str, password_hash: str, key_id: int,
             now: datetime) -> None:
    with store.transaction() as tx:
        tx.conn.execute(insert(users).values(username=username, password_hash=password_hash,
                                             key_id=key_id, created_at=now, updated_at=now))


def user_set_password(store: Store, username: str, *, password_hash: str,
                      now: datetime) -> bool:
    with store.transaction() as tx:
        done = tx.conn.execute(update(users).where(users.c.username == username)
                               .values(password_hash=password_hash, updated_at=now))
    return bool(done.rowcount)
