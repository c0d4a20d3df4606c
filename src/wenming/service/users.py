"""Console users: sign in with a username and password instead of pasting an API key.

Each user is backed by an API key made for it (its role and platform are the key's), so
every action a user takes is recorded under that key with the username beside it.
Passwords are hashed with scrypt and a random salt; only the hash is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from wenming.service import audit
from wenming.service import keys as key_service
from wenming.service.errors import InvalidError
from wenming.service.keys import Principal, Role
from wenming.store import Store

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$")
# OWASP's current scrypt guidance: N=2^17, r=8, p=1 (128 MiB, ~0.1-0.5 s a hash). Stored
# hashes carry their own parameters, so older ones still verify.
_N, _R, _P = 2**17, 8, 1
_MAXMEM = 256 * 1024 * 1024
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32, maxmem=_MAXMEM
    )
    return "$".join(
        [
            "scrypt",
            str(_N),
            str(_R),
            str(_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        ]
    )


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=32,
        maxmem=_MAXMEM,
    )
    return hmac.compare_digest(got, base64.b64decode(digest))


def create(
    store: Store,
    *,
    username: str,
    password: str,
    role: Role,
    platform: str | None,
    secret: str,
    actor: str,
    now: datetime,
) -> None:
    """Make a console user (and the key it acts through)."""
    if not _NAME.match(username):
        raise InvalidError(
            "username: 2-64 letters, digits and . _ - @, starting with one letter or digit"
        )
    if len(password) < MIN_PASSWORD:
        raise InvalidError(f"password: at least {MIN_PASSWORD} characters")
    if store.access.user_get(username) is not None:
        raise InvalidError(f"username: {username!r} is taken")
    created = key_service.create(
        store,
        secret=secret,
        role=role,
        platform=platform,
        label=f"user:{username}",
        actor=actor,
        now=now,
    )
    with store.transaction() as tx:
        tx.access.user_add(
            username=username, password_hash=hash_password(password), key_id=created.key.id, now=now
        )
        audit.append(
            tx,
            actor=actor,
            action="user.create",
            subject=f"user:{username}",
            payload={"role": role.value, "platform": platform, "key": created.key.id},
            now=now,
        )


def sign_in(store: Store, username: str, password: str) -> Principal | None:
    """The user's principal if the password is right and its key is not revoked."""
    user = store.access.user_get(username)
    if user is None:
        hash_password(password)  # spend the same time as a real check
        return None
    if not check_password(password, user.password_hash) or user.key.revoked_at is not None:
        return None
    return Principal(key=user.key, role=Role(user.key.role))


def fingerprint(store: Store, username: str) -> str | None:
    """Changes when the password changes, so old sessions end with it."""
    user = store.access.user_get(username)
    if user is None or user.key.revoked_at is not None:
        return None
    return _mark(user.password_hash)


def session_principal(store: Store, username: str, mark: object) -> Principal | None:
    """The user behind a session, if its password (fingerprint ``mark``) is unchanged."""
    user = store.access.user_get(username)
    if user is None or user.key.revoked_at is not None or _mark(user.password_hash) != mark:
        return None
    return Principal(key=user.key, role=Role(user.key.role))


def _mark(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]
