"""One request cannot freeze the server: screening runs off the event loop, each key
holds a bounded share of the screening threads, and a request's text is capped."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth, make_key
from tests.databases import Database
from wenming.config import Settings
from wenming.core.model import Decision, Item
from wenming.detectors.screener import Screener
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service.keys import Role


class HeldScreener:
    """The real screener, made to wait on ``release`` once it has started: a request
    that screens stays in the middle of its CPU work for as long as the test wants."""

    def __init__(self, real: Screener) -> None:
        self.real = real
        self.started = threading.Semaphore(0)
        self.release = threading.Event()

    @property
    def policy(self) -> object:
        return self.real.policy

    def screen(self, items: Sequence[Item]) -> list[Decision]:
        self.started.release()
        self.release.wait(timeout=30)
        return self.real.screen(items)


@pytest.fixture
def held(service_screener: Screener) -> HeldScreener:
    return HeldScreener(service_screener)


@pytest.fixture
def held_client(db: Database, held: HeldScreener) -> Iterator[tuple[TestClient, Runtime]]:
    settings = Settings(
        database_url=db.url,
        database_schema=db.schema,
        database_pool_size=4,
        rate_limit_per_second=0,
        screen_concurrency_per_key=1,
        max_request_chars=5000,
    )
    rt = Runtime.build(settings, screener=held)  # type: ignore[arg-type]
    try:
        with TestClient(create_app(rt)) as client:
            yield client, rt
    finally:
        held.release.set()
        rt.close()


def _screen(client: TestClient, key: str, item_id: str, out: list[int]) -> None:
    r = client.post("/v1/screen", json={"items": [{"id": item_id, "text": "x"}]}, headers=auth(key))
    out.append(r.status_code)


def test_healthz_answers_while_a_screening_request_runs(
    held_client: tuple[TestClient, Runtime], held: HeldScreener
) -> None:
    client, rt = held_client
    key = make_key(rt, Role.PLATFORM, "acme")
    statuses: list[int] = []
    worker = threading.Thread(target=_screen, args=(client, key, "slow", statuses))
    worker.start()
    assert held.started.acquire(timeout=10), "the screening request never started"
    began = time.monotonic()
    r = client.get("/healthz")
    waited = time.monotonic() - began
    held.release.set()
    worker.join(timeout=30)
    assert r.status_code == 200
    assert waited < 2.0, f"/healthz waited {waited:.2f}s behind a screening request"
    assert statuses == [200]


def test_one_key_cannot_take_every_screening_thread(
    held_client: tuple[TestClient, Runtime], held: HeldScreener
) -> None:
    client, rt = held_client
    greedy = make_key(rt, Role.PLATFORM, "acme")
    other = make_key(rt, Role.PLATFORM, "other")
    first: list[int] = []
    worker = threading.Thread(target=_screen, args=(client, greedy, "a", first))
    worker.start()
    assert held.started.acquire(timeout=10)
    # The greedy key's second request is refused while its first runs...
    r = client.post("/v1/screen", json={"items": [{"id": "b", "text": "x"}]}, headers=auth(greedy))
    assert (r.status_code, r.json()["code"]) == (429, "too_many_concurrent")
    # ...while another key is still served.
    second: list[int] = []
    other_worker = threading.Thread(target=_screen, args=(client, other, "c", second))
    other_worker.start()
    assert held.started.acquire(timeout=10), "another key's request was not let in"
    held.release.set()
    worker.join(timeout=30)
    other_worker.join(timeout=30)
    assert first == [200] and second == [200]


def test_a_request_carries_a_bounded_amount_of_text(
    held_client: tuple[TestClient, Runtime], held: HeldScreener
) -> None:
    client, rt = held_client
    held.release.set()
    key = make_key(rt, Role.PLATFORM, "acme")
    items = [{"id": str(n), "text": "x" * 2000} for n in range(3)]
    r = client.post("/v1/screen", json={"items": items}, headers=auth(key))
    assert (r.status_code, r.json()["code"]) == (413, "too_much_text")
    assert r.json()["message"].startswith("items:")
