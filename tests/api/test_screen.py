"""POST /v1/screen end to end: verdicts, the stored record, idempotent re-sends."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth
from wenming.runtime import Runtime


def _screen(client: TestClient, key: str, *items: dict[str, Any], **params: str) -> Any:
    r = client.post("/v1/screen", json={"items": list(items)}, headers=auth(key), params=params)
    assert r.status_code == 200, r.text
    return r.json()["results"]


def test_screen_then_decision_then_item_history(client: TestClient, keys: Keys) -> None:
    results = _screen(
        client,
        keys.acme,
        {
            "id": "p1",
            "text": "selling heroin cheap",
            "author": "u1",
            "group": "g1",
            "lang": "en",
            "created_at": "2026-01-01T08:00:00+08:00",
            "urls": ["https://a.example"],
        },
        {"id": 2, "text": "see you tomorrow"},
    )
    block, ok = results
    assert (block["id"], block["verdict"], block["labels"], block["replayed"]) == (
        "p1",
        "block",
        ["drugs"],
        False,
    )
    assert block["evidence"][0]["match"] == "heroin"
    assert (block["evidence"][0]["start"], block["evidence"][0]["end"]) == (8, 14)
    assert block["reasons"] and block["policy_version"].startswith("svc-fixture@")
    assert (ok["id"], ok["verdict"], ok["labels"]) == ("2", "allow", [])

    got = client.get(f"/v1/decisions/{block['decision_id']}", headers=auth(keys.acme))
    assert got.status_code == 200, got.text
    decision = got.json()
    assert decision["decision_id"] == block["decision_id"]
    assert (decision["platform"], decision["item_id"]) == ("acme", "p1")
    assert decision["verdict"] == "block"
    assert decision["automated"] is True and decision["actor"].startswith("key:")
    assert "block" in decision["statement"] and "appeal" in decision["statement"]
    assert decision["evidence"] == block["evidence"]

    history = client.get("/v1/items/p1", headers=auth(keys.acme)).json()
    item = history["item"]
    assert (item["id"], item["platform"], item["text"], item["author"], item["group"]) == (
        "p1",
        "acme",
        "selling heroin cheap",
        "u1",
        "g1",
    )
    assert item["posted_at"].startswith("2026-01-01T00:00:00")  # stored in UTC
    assert item["urls"] == ["https://a.example"]
    assert [d["decision_id"] for d in history["decisions"]] == [block["decision_id"]]


def test_resending_returns_the_stored_decision(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    first = _screen(client, keys.acme, {"id": "p1", "text": "buy followers now"})[0]
    again = _screen(
        client, keys.acme, {"id": "p1", "text": "buy followers now"}, {"id": "p2", "text": "fresh"}
    )
    assert again[0]["decision_id"] == first["decision_id"] and again[0]["replayed"] is True
    assert again[1]["replayed"] is False
    assert runtime.store.items.decision_count() == 2

    edited = _screen(client, keys.acme, {"id": "p1", "text": "hello friends"})[0]
    assert edited["decision_id"] != first["decision_id"] and edited["verdict"] == "allow"
    history = client.get("/v1/items/p1", headers=auth(keys.acme)).json()
    assert history["item"]["text"] == "hello friends"
    assert [d["decision_id"] for d in history["decisions"]] == [
        edited["decision_id"],
        first["decision_id"],
    ]


def test_admin_screens_for_a_named_platform(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/screen", json={"items": [{"id": "a", "text": "x"}]}, headers=auth(keys.admin)
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    assert "platform" in r.json()["message"]
    out = _screen(client, keys.admin, {"id": "a", "text": "冰毒"}, platform="acme")
    assert out[0]["verdict"] == "block"
    r = client.post(
        "/v1/screen",
        json={"items": [{"id": "a", "text": "x"}]},
        headers=auth(keys.admin),
        params={"platform": "nowhere"},
    )
    assert r.status_code == 404


def test_health_readiness_and_docs(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    spec = client.get("/openapi.json").json()
    assert {"/v1/screen", "/v1/decisions/{decision_id}", "/v1/items/{item_id}"} <= set(
        spec["paths"]
    )
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()
    assert client.get("/docs").status_code == 200
