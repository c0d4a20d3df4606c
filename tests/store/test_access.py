"""The access area's contract (platforms, keys, console users) on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests.store.common import NOW, platform
from wenming.store import PlatformRecord, Store, new_id


def test_uuid7_ids_are_time_ordered_and_versioned() -> None:
    ids = [new_id() for _ in range(50)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    stamps = [i.int >> 80 for i in ids]
    assert stamps == sorted(stamps)


def test_platforms_roundtrip_and_unique_names(store: Store) -> None:
    acme = platform(store)
    assert acme.id > 0 and acme.created_at == NOW
    assert store.access.platform_by_name("acme") == acme
    assert store.access.platform_get(acme.id) == acme
    assert store.access.platform_by_name("nope") is None
    with pytest.raises(IntegrityError), store.transaction() as tx:
        tx.access.platform_add("acme", title="again", now=NOW)
    assert [p.name for p in store.access.platform_list()] == ["acme"]


def test_keys_by_hash_and_revocation(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        kid = tx.access.key_add(
            prefix="wm_abc",
            key_hash="f" * 64,
            role="platform",
            platform_id=acme.id,
            label="ci",
            rate_limit=None,
            now=NOW,
        )
    key = store.access.key_by_hash("f" * 64)
    assert key is not None
    assert (key.id, key.role, key.platform_name, key.revoked_at) == (kid, "platform", "acme", None)
    assert store.access.key_by_hash("0" * 64) is None
    with store.transaction() as tx:
        assert tx.access.key_revoke(kid, now=NOW) is True
        assert tx.access.key_revoke(kid, now=NOW) is False
    revoked = store.access.key_by_hash("f" * 64)
    assert revoked is not None and revoked.revoked_at == NOW


def test_ping(store: Store) -> None:
    assert store.ping()


def test_platform_reserve_creates_once_under_concurrent_callers(store: Store) -> None:
    got: list[PlatformRecord] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def reserve() -> None:
        try:
            barrier.wait()
            with store.transaction() as tx:
                got.append(tx.access.platform_reserve("_sites", title="Sites", now=NOW))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reserve) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(got) == 4 and len({p.id for p in got}) == 1
    assert [p.name for p in store.access.platform_list()] == ["_sites"]


def test_a_platform_added_in_a_rolled_back_transaction_is_not_remembered(store: Store) -> None:
    seen: list[object] = []

    def add_then_fail() -> None:
        with store.transaction() as tx:
            tx.access.platform_add("ghost", title="Ghost", now=NOW)
            seen.append(tx.access.platform_by_name("ghost"))  # the transaction sees it
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        add_then_fail()
    assert seen and seen[0] is not None
    assert store.access.platform_by_name("ghost") is None


def test_keys_list_and_get(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        a = tx.access.key_add(
            prefix="wm_a",
            key_hash="a" * 64,
            role="admin",
            platform_id=None,
            label="ops",
            rate_limit=None,
            now=NOW,
        )
        b = tx.access.key_add(
            prefix="wm_b",
            key_hash="b" * 64,
            role="platform",
            platform_id=acme.id,
            label="acme",
            rate_limit=12.5,
            now=NOW,
        )
        assert tx.access.key_get(b) is not None
    keys = store.access.key_list()
    assert [(k.id, k.platform_name, k.rate_limit) for k in keys] == [
        (a, None, None),
        (b, "acme", 12.5),
    ]
    assert store.access.key_get(a) == keys[0] and store.access.key_get(a + b + 1) is None


def test_users_roundtrip_unique_names_and_password_change(store: Store) -> None:
    acme = platform(store)
    with store.transaction() as tx:
        kid = tx.access.key_add(
            prefix="wm_u",
            key_hash="c" * 64,
            role="moderator",
            platform_id=acme.id,
            label="user:mod",
            rate_limit=None,
            now=NOW,
        )
        tx.access.user_add(username="mod", password_hash="scrypt$1", key_id=kid, now=NOW)
    user = store.access.user_get("mod")
    assert user is not None
    assert (user.username, user.password_hash, user.created_at) == ("mod", "scrypt$1", NOW)
    assert (user.key.id, user.key.role, user.key.platform_name) == (kid, "moderator", "acme")
    assert store.access.user_get("nobody") is None
    with pytest.raises(IntegrityError), store.transaction() as tx:
        tx.access.user_add(username="mod", password_hash="x", key_id=kid, now=NOW)
    with store.transaction() as tx:
        later = NOW + timedelta(hours=1)
        assert tx.access.user_set_password("mod", password_hash="scrypt$2", now=later)
        assert not tx.access.user_set_password("nobody", password_hash="x", now=later)
    changed = store.access.user_get("mod")
    assert changed is not None and changed.password_hash == "scrypt$2"


def test_new_ids_are_unique() -> None:
    assert len({new_id() for _ in range(10_000)}) == 10_000
    assert isinstance(new_id(), uuid.UUID)
