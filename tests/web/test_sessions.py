"""Console sessions live on the server: the cookie never holds the key, sign-out revokes
the session, every sign-in rotates the token, sessions expire, and revoking the key or
changing the password ends them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests.web.conftest import Keys, sign_in
from wenming.runtime import Runtime
from wenming.service import keys as key_service
from wenming.service import users
from wenming.service.keys import Role
from wenming.web.session import COOKIE


def _signed_in(client: TestClient) -> bool:
    r = client.get("/console", follow_redirects=False)
    return r.status_code == 200


def test_the_cookie_is_a_session_token_not_the_key(client: TestClient, keys: Keys) -> None:
    sign_in(client, keys.moderator)
    cookie = client.cookies.get(COOKIE)
    assert cookie and cookie.startswith("wms_")
    assert keys.moderator not in cookie and keys.moderator[3:20] not in cookie
    assert _signed_in(client)


def test_sign_out_revokes_the_session_on_the_server(client: TestClient, keys: Keys) -> None:
    sign_in(client, keys.moderator)
    stolen = client.cookies.get(COOKIE)
    assert stolen is not None
    client.post("/console/logout", headers={"Origin": "http://testserver"})
    assert not _signed_in(client)
    # a copy of the cookie taken before sign-out no longer works
    client.cookies.set(COOKIE, stolen)
    assert not _signed_in(client)


def test_each_sign_in_rotates_the_token(client: TestClient, keys: Keys) -> None:
    sign_in(client, keys.moderator)
    first = client.cookies.get(COOKIE)
    client.cookies.clear()
    sign_in(client, keys.moderator)
    assert client.cookies.get(COOKIE) != first


def test_sessions_expire(client: TestClient, keys: Keys, runtime: Runtime) -> None:
    sign_in(client, keys.moderator)
    assert _signed_in(client)
    now = datetime.now(UTC)
    runtime.clock = lambda: now + timedelta(hours=runtime.settings.session_hours, seconds=1)
    assert not _signed_in(client)


def test_a_revoked_key_ends_its_sessions(client: TestClient, runtime: Runtime) -> None:
    created = key_service.create(
        runtime.store,
        secret=runtime.settings.secret_key.get_secret_value(),
        role=Role.MODERATOR,
        platform=None,
        label="soon revoked",
        actor="test",
        now=datetime.now(UTC),
    )
    sign_in(client, created.token)
    assert _signed_in(client)
    key_service.revoke(runtime.store, created.key.id, actor="test", now=datetime.now(UTC))
    assert not _signed_in(client)


def test_a_changed_password_ends_its_sessions(client: TestClient, runtime: Runtime) -> None:
    users.create(
        runtime.store,
        username="mei",
        password="correct horse",
        role=Role.MODERATOR,
        platform=None,
        secret=runtime.settings.secret_key.get_secret_value(),
        actor="test",
        now=datetime.now(UTC),
    )
    r = client.post(
        "/console/login",
        data={"username": "mei", "password": "correct horse"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and _signed_in(client)
    with runtime.store.transaction() as tx:
        tx.access.user_set_password(
            "mei", password_hash=users.hash_password("battery staple"), now=datetime.now(UTC)
        )
    assert not _signed_in(client)
