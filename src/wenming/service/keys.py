"""API keys and roles: who may call the service, and what each role may do.

A key is a random token shown once when created; the store keeps only an HMAC of it
(peppered with the server secret), a short clear prefix to tell keys apart, the role,
and the platform the key is bound to. A key bound to a platform sees that platform's
data only, whatever its role. :class:`KeyVerifier` checks tokens on the request path
and caches good ones for a few seconds.
"""

from __future__ import annotations

import enum
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from wenming.core.digests import hash_token
from wenming.service import audit
from wenming.service.errors import InvalidError, NotFoundError
from wenming.store import KeyRecord, PlatformRecord, Store, Tx

TOKEN_PREFIX = "wm_"
_PLATFORM_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Role(enum.StrEnum):
    """What a key is for. ``flagger`` files reports in the trusted-flagger lane."""

    ADMIN = "admin"
    PLATFORM = "platform"
    MODERATOR = "moderator"
    FACTCHECKER = "factchecker"
    VIEWER = "viewer"
    FLAGGER = "flagger"


class Permission(enum.StrEnum):
    SCREEN = "screen"
    READ = "read"
    MANAGE = "manage"
    REVIEW = "review"  # work review queues: claim, decide, re-review appeals
    FLAG = "flag"  # file reports in the trusted-flagger lane


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.PLATFORM: frozenset({Permission.SCREEN, Permission.READ}),
    Role.MODERATOR: frozenset({Permission.READ, Permission.REVIEW}),
    Role.FACTCHECKER: frozenset({Permission.READ}),
    Role.VIEWER: frozenset({Permission.READ}),
    Role.FLAGGER: frozenset({Permission.FLAG}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a verified key."""

    key: KeyRecord
    role: Role

    @property
    def actor(self) -> str:
        return f"key:{self.key.id}"

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def sees(self, platform_id: int) -> bool:
        """Tenancy: a key bound to a platform sees only that platform."""
        return self.key.platform_id is None or self.key.platform_id == platform_id


@dataclass(frozen=True, slots=True)
class CreatedKey:
    token: str
    key: KeyRecord
    platform_created: bool


def platform_find(store: Store, name: str) -> PlatformRecord | None:
    """The platform called ``name``, if there is one."""
    return store.access.platform_by_name(name)


def platform_names(store: Store) -> list[str]:
    """The tenants' names, in order (reserved platforms, named ``_…``, left out)."""
    return [p.name for p in store.access.platform_list() if not p.name.startswith("_")]


def key_list(store: Store) -> list[KeyRecord]:
    """Every key ever made, revoked ones included, oldest first."""
    return store.access.key_list()


def platform_ensure(
    tx: Tx, name: str, *, actor: str, now: datetime, title: str | None = None
) -> tuple[PlatformRecord, bool]:
    """The platform called ``name``, created (and audited) if it does not exist yet."""
    found = tx.access.platform_by_name(name)
    if found is not None:
        return found, False
    if not _PLATFORM_NAME.match(name):
        raise InvalidError(
            f"invalid platform name {name!r}: use lowercase letters, digits, '-' and '_'"
        )
    platform = tx.access.platform_add(name, title=title or name, now=now)
    audit.append(
        tx,
        actor=actor,
        action="platform.create",
        subject=f"platform:{name}",
        payload={"id": platform.id, "name": name, "title": platform.title},
        now=now,
    )
    return platform, True


def create(
    store: Store,
    *,
    secret: str,
    role: Role,
    platform: str | None,
    label: str,
    rate_limit: float | None = None,
    actor: str,
    now: datetime,
) -> CreatedKey:
    """Make a new key; its token is returned here and never stored."""
    if role is Role.PLATFORM and not platform:
        raise InvalidError("a platform key needs a platform (--platform NAME)")
    if rate_limit is not None and rate_limit < 0:
        raise InvalidError("rate limit must be 0 (unlimited) or more requests per second")
    token = TOKEN_PREFIX + secrets.token_urlsafe(30)
    with store.transaction() as tx:
        created = False
        platform_id = None
        if platform:
            record, created = platform_ensure(tx, platform, actor=actor, now=now)
            platform_id = record.id
        key_id = tx.access.key_add(
            prefix=token[:11],
            key_hash=hash_token(secret, token),
            role=role.value,
            platform_id=platform_id,
            label=label,
            rate_limit=rate_limit,
            now=now,
        )
        audit.append(
            tx,
            actor=actor,
            action="key.create",
            subject=f"key:{key_id}",
            payload={
                "role": role.value,
                "platform": platform,
                "label": label,
                "prefix": token[:11],
            },
            now=now,
        )
        key = tx.access.key_get(key_id)
    assert key is not None
    return CreatedKey(token=token, key=key, platform_created=created)


def revoke(store: Store, key_id: int, *, actor: str, now: datetime) -> None:
    with store.transaction() as tx:
        if not tx.access.key_revoke(key_id, now=now):
            raise NotFoundError(f"no active key with id {key_id}")
        audit.append(
            tx, actor=actor, action="key.revoke", subject=f"key:{key_id}", payload={}, now=now
        )


class KeyVerifier:
    """Turns bearer tokens into principals, caching good keys for ``ttl`` seconds."""

    def __init__(self, store: Store, *, secret: str, ttl: float = 5.0) -> None:
        self._store = store
        self._secret = secret
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def verify(self, token: str) -> Principal | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        digest = hash_token(self._secret, token)
        now = time.monotonic()
        hit = self._cache.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        key = self._store.access.key_by_hash(digest)
        if key is None or key.revoked_at is not None:
            with self._lock:
                self._cache.pop(digest, None)
            return None
        principal = Principal(key=key, role=Role(key.role))
        if self._ttl > 0:
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[digest] = (now + self._ttl, principal)
        return principal
