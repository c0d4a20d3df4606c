"""The work stream over HTTP: ingest answers 202, dead letters and queues are visible,
backtests run, metrics are exported, and an unavailable database is a 503."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Keys, auth
from wenming.runtime import Runtime
from wenming.worker.loop import Worker, WorkerConfig


def body(n: int, *, prefix: str = "a", extra: str = "") -> dict[str, Any]:
    return {
        "items": [
            {"id": f"{prefix}{i}", "text": f"post {i} {'heroin' if i % 2 else ''} {extra}"}
            for i in range(n)
        ]
    }


def drain(runtime: Runtime) -> Worker:
    w = Worker(runtime, WorkerConfig(name="api-test", reclaim_idle_ms=0, housekeeping_s=0))
    assert w.drain(timeout_s=60)
    return w


def test_ingest_answers_202_once_durable_then_workers_decide(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    r = client.post("/v1/items", json=body(25), headers=auth(keys.acme))
    assert r.status_code == 202, r.text
    assert r.json() == {"accepted": 25, "queue": "items", "durable_in": "database outbox"}
    assert runtime.store.items.decision_count() == 0
    drain(runtime)
    history = client.get("/v1/items/a1", headers=auth(keys.acme)).json()
    assert history["decisions"][0]["verdict"] == "block"
    assert runtime.store.items.decision_count() == 25


def test_ingest_refuses_bad_batches(client: TestClient, keys: Keys) -> None:
    assert client.post("/v1/items", json=body(3)).status_code == 401
    assert client.post("/v1/items", json=body(3), headers=auth(keys.viewer)).status_code == 403
    empty = client.post("/v1/items", json={"items": []}, headers=auth(keys.acme))
    assert empty.status_code == 422 and empty.json()["code"] == "invalid_request"
    twice = {"items": [{"id": "x", "text": "a"}, {"id": "x", "text": "b"}]}
    assert client.post("/v1/items", json=twice, headers=auth(keys.acme)).status_code == 422
    nameless = client.post("/v1/items", json=body(2), headers=auth(keys.admin))
    assert nameless.status_code == 422  # an unbound key must name the platform
    named = client.post("/v1/items?platform=acme", json=body(2), headers=auth(keys.admin))
    assert named.status_code == 202


def test_ingest_takes_up_to_ten_thousand_items() -> None:
    from pydantic import ValidationError

    from wenming.api.work_schemas import IngestRequest

    many = [{"id": str(i), "text": "x"} for i in range(10_001)]
    assert len(IngestRequest.model_validate({"items": many[:10_000]}).items) == 10_000
    with pytest.raises(ValidationError):
        IngestRequest.model_validate({"items": many})


def test_dead_letters_and_queues_are_visible_to_admins(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    q = runtime.work.items
    q.publish([b"not a work message"])
    w = Worker(runtime, WorkerConfig(name="api-test", reclaim_idle_ms=0, housekeeping_s=0))
    w.drain(timeout_s=30)
    queues = client.get("/v1/queues", headers=auth(keys.admin))
    assert queues.status_code == 200
    by_name = {x["name"]: x for x in queues.json()["queues"]}
    assert set(by_name) == {"items", "sweeps"}
    assert client.get("/v1/dead-letters", headers=auth(keys.acme)).status_code == 403
    assert client.get("/v1/queues", headers=auth(keys.acme)).status_code == 403


def test_dead_letters_show_the_poison_and_its_error(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    from tests.work import PoisonScreener

    runtime._screener = PoisonScreener(runtime.screener)
    r = client.post("/v1/items", json=body(6, extra="POISON-PILL"), headers=auth(keys.acme))
    assert r.status_code == 202
    drain(runtime)
    dead = client.get("/v1/dead-letters", headers=auth(keys.admin)).json()["dead_letters"]
    assert len(dead) == 6
    assert "detector crashed" in dead[0]["error"]
    assert dead[0]["body"]["i"]["text"].endswith("POISON-PILL")


def test_metrics_are_exported(client: TestClient, keys: Keys, runtime: Runtime) -> None:
    client.post("/v1/items", json=body(4), headers=auth(keys.acme))
    drain(runtime)
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    for name in (
        "wenming_items_ingested_total 4.0",
        'wenming_items_screened_total{verdict="block"} 2.0',
        'wenming_stage_seconds_count{stage="screen"}',
        'wenming_queue_depth{queue="items"} 0.0',
        'wenming_queue_lag_seconds{queue="items"}',
        "wenming_redeliveries_total",
        "wenming_dead_lettered_total",
    ):
        assert name in text, name


CANDIDATE = """\
name: candidate
categories:
  drugs:
    title: {en: Drugs}
    terms: [heroin]
    review_at: 0.9
"""


def test_backtest_reports_flips_without_acting(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    client.post("/v1/screen", json=body(10), headers=auth(keys.acme))
    before = runtime.store.items.decision_count()
    r = client.post("/v1/backtests", json={"policy": CANDIDATE}, headers=auth(keys.admin))
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["items"] == 10
    assert {"from": "block", "to": "review", "count": 5} in report["flips"]
    assert report["examples"][0]["candidate"] == "review"
    assert runtime.store.items.decision_count() == before
    assert (
        client.post(
            "/v1/backtests", json={"policy": CANDIDATE}, headers=auth(keys.acme)
        ).status_code
        == 403
    )


def test_backtest_refuses_list_files_and_bad_policies(client: TestClient, keys: Keys) -> None:
    files = "categories:\n  x:\n    terms_file: /etc/passwd\n    block_at: 0.9\n"
    r = client.post("/v1/backtests", json={"policy": files}, headers=auth(keys.admin))
    assert r.status_code == 422 and "list files" in r.json()["message"]
    r = client.post("/v1/backtests", json={"policy": "categories: ["}, headers=auth(keys.admin))
    assert r.status_code == 422


def test_an_unavailable_database_is_503_not_500(
    client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    from sqlalchemy.exc import OperationalError

    client.post("/v1/items", json=body(1), headers=auth(keys.acme))  # key now cached

    def down(*_args: Any, **_kwargs: Any) -> Any:
        raise OperationalError("INSERT", {}, ConnectionRefusedError("connection refused"))

    runtime.store.transaction = down  # type: ignore[method-assign]
    r = client.post("/v1/items", json=body(2, prefix="b"), headers=auth(keys.acme))
    assert r.status_code == 503
    assert r.json()["code"] == "unavailable" and r.headers["retry-after"]
