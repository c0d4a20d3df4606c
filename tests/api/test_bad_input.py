"""Bad requests get a JSON error with the right status, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MAX_BODY, Keys, auth


def _post(
    client: TestClient, key: str, content: bytes | Iterator[bytes]
) -> tuple[int, dict[str, str]]:
    headers = {**auth(key), "Content-Type": "application/json"}
    r = client.post("/v1/screen", content=content, headers=headers)
    body = r.json()
    assert set(body) >= {"code", "message"}, body
    return r.status_code, body


def test_malformed_json_is_400(client: TestClient, keys: Keys) -> None:
    status, body = _post(client, keys.acme, b'{"items": [{"id": "a", "text": "x"}')
    assert (status, body["code"]) == (400, "malformed_json")


def test_invalid_utf8_is_refused(client: TestClient, keys: Keys) -> None:
    status, body = _post(client, keys.acme, b'{"items": [{"id": "a", "text": "\xff\xfe bad"}]}')
    assert status in (400, 422) and body["code"] in ("malformed_json", "invalid_request")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"items": [{"id": "a", "text": 5}]}, "items.0.text"),
        ({"items": [{"id": "a"}]}, "items.0.text"),
        ({"items": [{"id": "a", "text": "x"}, {"id": None, "text": "y"}]}, "items.1.id"),
        ({"items": [{"id": "a", "text": "x", "urls": "notalist"}]}, "items.0.urls"),
        ({"items": [{"id": "a", "text": "x", "created_at": "yesterday"}]}, "items.0.created_at"),
        ({"items": [{"id": "a", "text": "nul\u0000byte"}]}, "items.0.text"),
        ({"items": [{"id": "a", "text": "x", "author": "\ud800"}]}, "items.0.author"),
        ({"items": [{"id": "", "text": "x"}]}, "items.0.id"),
        ({"items": []}, "items"),
        ({"items": "nope"}, "items"),
        ({"things": []}, "items"),
        ([1, 2], "body"),
    ],
)
def test_wrong_types_name_the_field(
    client: TestClient, keys: Keys, payload: object, field: str
) -> None:
    # json.dumps escapes non-ASCII, so a lone surrogate travels as \\ud800.
    status, body = _post(client, keys.acme, json.dumps(payload).encode())
    assert status == 422, body
    assert body["code"] == "invalid_request"
    assert body["message"].startswith(f"{field}:"), body["message"]


def test_lone_surrogate_escape_in_json_is_422(client: TestClient, keys: Keys) -> None:
    status, body = _post(client, keys.acme, b'{"items": [{"id": "a", "text": "\\ud800x"}]}')
    assert (status, body["code"]) == (422, "invalid_request")
    assert body["message"].startswith("items.0.text:")


def test_duplicate_ids_in_one_request(client: TestClient, keys: Keys) -> None:
    items = [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]
    r = client.post("/v1/screen", json={"items": items}, headers=auth(keys.acme))
    assert r.status_code == 422 and r.json()["message"].startswith("items:")


def test_more_than_1000_items(client: TestClient, keys: Keys) -> None:
    items = [{"id": str(n), "text": ""} for n in range(1001)]
    # The test app's body limit is small; 1001 tiny items still fit under it.
    r = client.post("/v1/screen", json={"items": items}, headers=auth(keys.acme))
    assert r.status_code == 422 and r.json()["message"].startswith("items:")
    assert "1000" in r.json()["message"]


def test_oversized_body_is_413(client: TestClient, keys: Keys) -> None:
    big = b'{"items": [{"id": "a", "text": "' + b"x" * MAX_BODY + b'"}]}'
    status, body = _post(client, keys.acme, big)
    assert (status, body["code"]) == (413, "payload_too_large")


def test_oversized_chunked_body_is_413(client: TestClient, keys: Keys) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"items": [{"id": "a", "text": "'
        for _ in range(MAX_BODY // 1024 + 2):
            yield b"x" * 1024
        yield b'"}]}'

    status, body = _post(client, keys.acme, chunks())
    assert (status, body["code"]) == (413, "payload_too_large")


def test_other_errors_are_json(client: TestClient, keys: Keys) -> None:
    r = client.get("/v1/nowhere", headers=auth(keys.acme))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = client.get("/v1/screen", headers=auth(keys.acme))
    assert (r.status_code, r.json()["code"]) == (405, "method_not_allowed")
    r = client.get("/v1/decisions/not-a-uuid", headers=auth(keys.acme))
    assert r.status_code == 422 and r.json()["message"].startswith("decision_id:")
    r = client.get("/v1/items/x", headers=auth(keys.acme), params={"limit": "0"})
    assert r.status_code == 422 and r.json()["message"].startswith("limit:")
    plain = {**auth(keys.acme), "Content-Type": "text/plain"}
    r = client.post("/v1/screen", content=b"text", headers=plain)
    assert r.status_code in (400, 415, 422) and "code" in r.json()
