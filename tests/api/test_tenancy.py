"""Keys and roles: a platform key never sees another platform's data."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth, make_key
from wenming.runtime import Runtime
from wenming.service.keys import Role


def _decision_id(client: TestClient, key: str) -> str:
    r = client.post(
        "/v1/screen", json={"items": [{"id": "secret", "text": "heroin"}]}, headers=auth(key)
    )
    assert r.status_code == 200, r.text
    return str(r.json()["results"][0]["decision_id"])


def test_platform_keys_see_only_their_own_platform(client: TestClient, keys: Keys) -> None:
    decision_id = _decision_id(client, keys.acme)
    # Another platform: the decision does not exist for it, nor does the item.
    r = client.get(f"/v1/decisions/{decision_id}", headers=auth(keys.other))
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.get("/v1/items/secret", headers=auth(keys.other))
    assert r.status_code == 404
    r = client.get("/v1/items/secret", headers=auth(keys.other), params={"platform": "acme"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    # The same item id on the other platform is a different item.
    other_id = _decision_id(client, keys.other)
    assert other_id != decision_id
    mine = client.get("/v1/items/secret", headers=auth(keys.acme)).json()["decisions"]
    assert [d["decision_id"] for d in mine] == [decision_id]
    # A moderator bound to acme is held to acme too.
    assert (
        client.get(f"/v1/decisions/{decision_id}", headers=auth(keys.acme_moderator)).status_code
        == 200
    )
    assert (
        client.get(f"/v1/decisions/{other_id}", headers=auth(keys.acme_moderator)).status_code
        == 404
    )


def test_unbound_readers_name_the_platform(client: TestClient, keys: Keys) -> None:
    decision_id = _decision_id(client, keys.acme)
    for key in (keys.admin, keys.viewer):
        assert client.get(f"/v1/decisions/{decision_id}", headers=auth(key)).status_code == 200
        r = client.get("/v1/items/secret", headers=auth(key))
        assert r.status_code == 422 and "platform" in r.json()["message"]
        r = client.get("/v1/items/secret", headers=auth(key), params={"platform": "acme"})
        assert r.status_code == 200 and r.json()["item"]["platform"] == "acme"


def test_roles_without_the_permission_are_refused(client: TestClient, keys: Keys) -> None:
    body = {"items": [{"id": "a", "text": "x"}]}
    r = client.post("/v1/screen", json=body, headers=auth(keys.viewer))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = client.post("/v1/screen", json=body, headers=auth(keys.acme_moderator))
    assert r.status_code == 403
    decision_id = _decision_id(client, keys.acme)
    r = client.get(f"/v1/decisions/{decision_id}", headers=auth(keys.flagger))
    assert r.status_code == 403


def test_missing_invalid_and_revoked_keys(client: TestClient, runtime: Runtime) -> None:
    body = {"items": [{"id": "a", "text": "x"}]}
    r = client.post("/v1/screen", json=body)
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"
    for bad in ("wm_notakey", "Bearer", "x" * 500):
        r = client.post("/v1/screen", json=body, headers=auth(bad))
        assert r.status_code == 401, bad
    r = client.post("/v1/screen", json=body, headers={"Authorization": "Basic dTpw"})
    assert r.status_code == 401

    key = make_key(runtime, Role.PLATFORM, "acme")
    assert client.post("/v1/screen", json=body, headers=auth(key)).status_code == 200
    record = runtime.store.access.key_list()[-1]
    from datetime import UTC, datetime

    from wenming.service import keys as key_service

    key_service.revoke(runtime.store, record.id, actor="test", now=datetime.now(UTC))
    # The settings of this app cache keys for a few seconds; a fresh verifier sees the revocation.
    assert runtime.keys.verify(key) is not None
    runtime.keys._cache.clear()
    assert client.post("/v1/screen", json=body, headers=auth(key)).status_code == 401


def test_rate_limit_per_key(client: TestClient, runtime: Runtime, keys: Keys) -> None:
    slow = make_key(runtime, Role.PLATFORM, "acme", rate_limit=0.5)
    body = {"items": [{"id": "a", "text": "x"}]}
    codes = [client.post("/v1/screen", json=body, headers=auth(slow)).status_code for _ in range(3)]
    # Half a request a second, with a burst of 2 seconds' worth: one token.
    assert codes[0] == 200 and codes[-1] == 429
    r = client.post("/v1/screen", json=body, headers=auth(slow))
    assert r.json()["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
    # Other keys have their own buckets (and this app's default is unlimited).
    assert client.post("/v1/screen", json=body, headers=auth(keys.acme)).status_code == 200
