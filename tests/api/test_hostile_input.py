"""Hostile input found by probing gets a 4xx JSON error naming the field, on SQLite and
PostgreSQL alike: never a 500, never a stored value that cannot be read back, never a
dropped connection."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth, make_key
from tests.work import POISON, PoisonScreener
from wenming.config import Settings
from wenming.detectors.screener import Screener
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service.keys import Role
from wenming.store import NewItem
from wenming.worker.loop import Worker, WorkerConfig


def _field_error(r: object, field: str) -> None:
    assert hasattr(r, "status_code") and hasattr(r, "json")
    body = r.json()
    assert r.status_code == 422, (r.status_code, body)
    assert body["code"] == "invalid_request", body
    assert body["message"].startswith(f"{field}:"), body["message"]


@pytest.mark.parametrize(
    ("url", "field", "who"),
    [
        ("/v1/factchecks/a%00b", "path", None),
        ("/rumors/a%00b", "path", None),
        ("/v1/report-status/a%00b", "path", None),
        ("/report/status/a%00b", "path", None),
        ("/v1/factchecks?tag=a%00b", "tag", None),
        ("/v1/items/a%00b", "path", "acme"),
        ("/v1/accounts/acme/a%00b", "path", "admin"),
        ("/v1/items/x?platform=a%00b", "platform", "admin"),
        ("/v1/factchecks?offset=9223372036854775808", "offset", None),
        ("/v1/cases?offset=9223372036854775808", "offset", "admin"),
        ("/v1/appeals?offset=9223372036854775808", "offset", "admin"),
        ("/v1/items/x?platform=", "platform", "admin"),
        ("/v1/factchecks/" + "f" * 195, "fid", None),
        ("/v1/sanctions?platform=acme&since=0001-01-01T00:00:00%2B14:00", "since", "admin"),
    ],
)
def test_bad_path_and_query_values_name_the_field(
    client: TestClient, keys: Keys, url: str, field: str, who: str | None
) -> None:
    headers = auth(getattr(keys, who)) if who else {}
    _field_error(client.get(url, headers=headers), field)


def test_an_empty_platform_on_screening_is_refused(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/screen?platform=", json={"items": [{"id": "a", "text": "x"}]}, headers=auth(keys.admin)
    )
    _field_error(r, "platform")


@pytest.mark.parametrize("route", ["/v1/screen", "/v1/items"])
@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31T23:59:59Z"]
)
def test_created_at_outside_a_sane_range_is_refused(
    client: TestClient, keys: Keys, route: str, when: str
) -> None:
    items = [{"id": "old", "text": "x", "created_at": when}]
    _field_error(
        client.post(route, json={"items": items}, headers=auth(keys.acme)), "items.0.created_at"
    )


def test_the_store_refuses_a_time_it_could_not_read_back() -> None:
    with pytest.raises(ValueError, match="out of range"):
        NewItem("a", "x", "h", posted_at=datetime(1, 1, 1, tzinfo=UTC))


def test_a_long_fact_check_id_is_refused_not_a_500(client: TestClient, keys: Keys) -> None:
    body = {"id": "f" * 195, "claim": "the moon is made of cheese", "verdict": "false"}
    _field_error(client.post("/v1/factchecks", json=body, headers=auth(keys.admin)), "id")
    ok = {**body, "id": "f" * 190}
    assert client.post("/v1/factchecks", json=ok, headers=auth(keys.admin)).status_code == 201


def test_nul_in_a_fact_check_body_is_refused(client: TestClient, keys: Keys) -> None:
    body = {"id": "nul", "claim": "a\u0000b", "verdict": "false"}
    _field_error(client.post("/v1/factchecks", json=body, headers=auth(keys.admin)), "claim")


@pytest.mark.parametrize("policy", ["? [a]\n: b", "!!binary zz", "&a [*a]", "a: [b\n  - c: : d"])
def test_malformed_yaml_in_a_backtest_is_422(client: TestClient, keys: Keys, policy: str) -> None:
    r = client.post("/v1/backtests", json={"policy": policy}, headers=auth(keys.admin))
    _field_error(r, "policy")


def test_a_too_long_string_is_worded_in_characters(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/v1/screen", json={"items": [{"id": "a" * 300, "text": "x"}]}, headers=auth(keys.acme)
    )
    _field_error(r, "items.0.id")
    assert "characters" in r.json()["message"] and "items" not in r.json()["message"][10:]


def test_deeply_nested_json_is_not_called_bad_utf8(client: TestClient, keys: Keys) -> None:
    deep = b'{"items": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    r = client.post(
        "/v1/screen", content=deep, headers={**auth(keys.acme), "Content-Type": "application/json"}
    )
    assert r.status_code in (400, 422) and "UTF-8" not in r.json()["message"], r.json()


def test_whatever_ingest_accepts_the_worker_decides(
    client: TestClient, runtime: Runtime, keys: Keys
) -> None:
    edge: list[dict[str, Any]] = [
        {"id": "a" * 256, "text": "x", "author": "u" * 256, "group": "g" * 256},
        {"id": "early", "text": "x", "created_at": "1900-01-01T13:59:59-14:00"},
        {"id": "late", "text": "x", "created_at": "2199-12-31T10:00:00+14:00"},
        {"id": "naive", "text": "x", "created_at": "2199-12-31T23:59:59"},
        {"id": "lang", "text": "x", "lang": "z" * 35, "urls": ["http://" + "a" * 2000] * 3},
        {"id": "odd", "text": "\u200b\ufeff\U0001f600 \u202e", "author": "a/b c\u200b"},
    ]
    r = client.post("/v1/items", json={"items": edge}, headers=auth(keys.acme))
    assert r.status_code == 202, r.json()
    worker = Worker(runtime, WorkerConfig(name="w", reclaim_idle_ms=50, housekeeping_s=0.0))
    assert worker.drain(timeout_s=60)
    assert worker.stats.failed == 0 and worker.stats.dead == 0
    for item in edge:
        got = client.get(f"/v1/items/{item['id']}", headers=auth(keys.acme))
        assert got.status_code == 200, got.json()
        assert len(got.json()["decisions"]) == 1


@pytest.fixture
def served(settings: Settings, service_screener: Screener) -> Iterator[tuple[int, str]]:
    """A real uvicorn server whose screener crashes on POISON, and a platform key."""
    rt = Runtime.build(settings, screener=PoisonScreener(service_screener))
    key = make_key(rt, Role.PLATFORM, "acme")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(rt), port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield port, key
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        rt.close()


def test_a_500_does_not_drop_the_connection(served: tuple[int, str]) -> None:
    port, key = served
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = json.dumps({"items": [{"id": "p", "text": POISON}]})
    conn.request("POST", "/v1/screen", body=body, headers=headers)
    first = conn.getresponse()
    assert first.status == 500 and json.loads(first.read())["code"] == "internal_error"
    # The same connection serves the next request.
    conn.request("GET", "/healthz")
    second = conn.getresponse()
    assert second.status == 200
    conn.close()
