"""Console sessions kept on the server: start at sign-in, check on every request, end.

The browser's cookie holds only a random token; the database holds its digest, which
key (and, for a password sign-in, which user and a fingerprint of their password) it
stands for, when it expires and whether it was revoked. Signing in always starts a new
session (the token rotates), signing out revokes it for good, and a revoked key or a
changed password ends every session that rests on it. The API key itself is never put
in a cookie.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from wenming.core.digests import token_hash
from wenming.service import users
from wenming.service.keys import Principal, Role
from wenming.store import Store

PREFIX = "wms_"


@dataclass(frozen=True, slots=True)
class Session:
    """Who a live session signs in: the principal, and the username if by password."""

    principal: Principal
    username: str | None


def start(
    store: Store,
    principal: Principal,
    *,
    username: str | None,
    now: datetime,
    lifetime: timedelta,
) -> str:
    """A new session for ``principal``; returns the token the cookie carries."""
    token = PREFIX + secrets.token_urlsafe(32)
    mark = users.fingerprint(store, username) if username is not None else None
    with store.transaction() as tx:
        tx.access.session_add(
            token_hash=token_hash(token),
            key_id=principal.key.id,
            username=username,
            mark=mark,
            now=now,
            expires_at=now + lifetime,
        )
        # Sign-ins are rare next to requests: a good moment to forget long-expired rows.
        tx.access.session_purge(before=now - timedelta(days=7))
    return token


def resolve(store: Store, token: str, *, now: datetime) -> Session | None:
    """The session behind ``token`` if it is live: not revoked, not expired, its key not
    revoked and, for a password session, the password unchanged."""
    if not token.startswith(PREFIX):
        return None
    found = store.access.session_get(token_hash(token))
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    if found.username is not None:
        principal = users.session_principal(store, found.username, found.mark)
        if principal is None or principal.key.id != found.key_id:
            return None
        return Session(principal, found.username)
    key = store.access.key_get(found.key_id)
    if key is None or key.revoked_at is not None:
        return None
    return Session(Principal(key=key, role=Role(key.role)), None)


def end(store: Store, token: str, *, now: datetime) -> bool:
    """Revoke the session behind ``token`` (sign-out); ``False`` if it was not live."""
    if not token.startswith(PREFIX):
        return False
    with store.transaction() as tx:
        return tx.access.session_revoke(token_hash(token), now=now)
