"""Faults, for real: worker processes killed mid-batch, Redis killed and restarted,
PostgreSQL cut off. After each, every item has exactly one decision and the audit chain
(which references every decision once) verifies.

These tests run real ``wenming worker`` processes against the PostgreSQL at
127.0.0.1:5432 and a Redis (the shared one, or one the test starts on a free port with
its append-only file on). Each is bounded in time; the suite takes about half a minute.
Select them with ``-m fault``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.databases import FIXTURE_TERMS, PG_URL, _need_postgres
from tests.fault.tcpproxy import TcpProxy
from tests.queues import REDIS_URL, need_redis, unique_prefix
from tests.work import items, key_token
from wenming.config import Settings
from wenming.core.model import Item
from wenming.runtime import Runtime
from wenming.server.app import create_app
from wenming.service import audit, ingest
from wenming.service.keys import Role
from wenming.store import migrate
from wenming.store.engine import engine_create

pytestmark = [pytest.mark.fault, pytest.mark.postgres, pytest.mark.redis]

N = 2000


@dataclass
class Env:
    """Where the workers and the test meet: a PostgreSQL schema, a Redis, a policy."""

    tmp: Path
    schema: str
    database_url: str
    redis_url: str
    prefix: str
    policy: Path

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": self.database_url,
            "database_schema": self.schema,
            "database_pool_size": 4,
            "redis_url": self.redis_url,
            "stream_prefix": self.prefix,
            "policy": self.policy,
            "key_cache_seconds": 60,
            "reclaim_idle_seconds": 1.0,
            "rate_limit_per_second": 0,
        }
        values.update(overrides)
        return Settings(**values)

    def environ(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WENMING_")}
        env.update(
            WENMING_DATABASE_URL=self.database_url,
            WENMING_DATABASE_SCHEMA=self.schema,
            WENMING_DATABASE_POOL_SIZE="2",
            WENMING_REDIS_URL=self.redis_url,
            WENMING_STREAM_PREFIX=self.prefix,
            WENMING_POLICY=str(self.policy),
            WENMING_RECLAIM_IDLE_SECONDS="1",
            WENMING_ENV="development",
        )
        env.update(overrides)
        return env


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    _need_postgres()
    need_redis()
    schema = f"wm_fault_{uuid.uuid4().hex[:10]}"
    admin = engine_create(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = engine_create(PG_URL, schema=schema)
    migrate.upgrade(engine)
    engine.dispose()
    policy = tmp_path / "policy.yaml"
    policy.write_text(FIXTURE_TERMS, encoding="utf-8")
    e = Env(tmp_path, schema, PG_URL, REDIS_URL, unique_prefix(), policy)
    yield e
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{e.prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


class Workers:
    """``wenming worker`` processes, each logging to a file of its own."""

    def __init__(self, env: Env, **environ: str) -> None:
        self.env = env
        self.environ = env.environ(**environ)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        cmd = [
            sys.executable,
            "-c",
            "from wenming.cli import main; main()",
            "worker",
            "--name",
            name,
            "--batch",
            "50",
            "--log-level",
            "warning",
        ]
        with (self.env.tmp / f"{name}.log").open("ab") as log:
            self.procs[name] = subprocess.Popen(cmd, env=self.environ, stdout=log, stderr=log)

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for name, proc in list(self.procs.items()):
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            assert proc.returncode in (0, -signal.SIGKILL), self.log(name)
        self.procs.clear()

    def log(self, name: str) -> str:
        return (self.env.tmp / f"{name}.log").read_text(errors="replace")[-3000:]

    def alive(self) -> None:
        for name, proc in self.procs.items():
            assert proc.poll() is None, f"worker {name} exited:\n{self.log(name)}"


def wait_for(cond: Callable[[], bool], *, timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def assert_exactly_once(rt: Runtime, expected: set[str]) -> None:
    counts = rt.store.items.decision_counts_by_item()
    assert set(counts) == expected
    doubled = {k: n for k, n in counts.items() if n != 1}
    assert doubled == {}, f"{len(doubled)} items without exactly one decision"
    referenced: list[str] = []
    after = 0
    while page := rt.store.audit.audit_list(after_seq=after, limit=1000):
        for e in page:
            referenced += [d for d, _ in e.payload.get("decisions", [])]
        after = page[-1].seq
    assert len(referenced) == len(set(referenced)) == len(expected)
    report = audit.verify(rt.store)
    assert report.ok, report.problem


def enqueue(rt: Runtime, batch: list[Item]) -> None:
    acme = rt.store.access.platform_by_name("acme")
    assert acme is not None
    for n in range(0, len(batch), 500):
        ingest.enqueue(
            rt.store, rt.work.items, platform=acme, principal=None, items=batch[n : n + 500]
        )


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(env: Env) -> None:
    rt = Runtime.build(env.settings())
    workers = Workers(env)
    try:
        key_token(rt, Role.PLATFORM, "acme")
        enqueue(rt, items(N))
        workers.start("victim")
        workers.start("survivor")
        client = redis.Redis.from_url(env.redis_url)
        stream, group = rt.work.items.stream, rt.work.items.group  # type: ignore[attr-defined]

        def victim_holds_a_batch() -> bool:
            return any(
                c["name"] == b"victim" and c["pending"] > 0
                for c in client.xinfo_consumers(stream, group)
            )

        wait_for(victim_holds_a_batch, timeout=20, what="the victim to take a batch", step=0.002)
        workers.kill("victim")  # SIGKILL between reading a batch and acknowledging it
        held = [c for c in client.xinfo_consumers(stream, group) if c["name"] == b"victim"]
        assert held and held[0]["pending"] > 0, "the kill did not land mid-batch"
        workers.start("victim-restarted")
        wait_for(lambda: rt.store.items.decision_count() >= N, timeout=40, what="every decision")
        wait_for(lambda: rt.work.items.stats().pending == 0, timeout=10, what="all acks")
        workers.alive()
        time.sleep(0.5)  # anything doubled would show up by now
        assert_exactly_once(rt, {f"acme/{it.id}" for it in items(N)})
        client.close()
    finally:
        workers.stop_all()
        rt.close()


class OwnRedis:
    """A redis-server on a free port with its append-only file in a temporary directory."""

    def __init__(self, directory: Path) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed")
        self.dir = directory
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with (self.dir / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "everysec",
                    "--save",
                    "",
                    "--dir",
                    str(self.dir),
                ],
                stdout=log,
                stderr=log,
            )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.exceptions.RedisError:
                return False

        wait_for(up, timeout=10, what="redis-server to start")
        client.close()

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_redis_killed_and_restarted_mid_run_loses_nothing(env: Env) -> None:
    own = OwnRedis(env.tmp)
    own.start()
    env.redis_url = own.url
    rt = Runtime.build(env.settings())
    workers = Workers(env)
    try:
        key_token(rt, Role.PLATFORM, "acme")
        first, second = items(N, prefix="a"), items(N, prefix="b")
        enqueue(rt, first)
        workers.start("w1")
        workers.start("w2")
        wait_for(lambda: rt.store.items.decision_count() > 200, timeout=20, what="work to start")
        own.kill()  # Redis dies with batches in flight
        with pytest.raises(Exception, match="unavailable"):
            enqueue(rt, second[:10])  # producers are told to retry (the API answers 503)
        time.sleep(0.5)
        own.start()  # same port, same append-only file
        enqueue(rt, second)
        decided = rt.store.items.decision_count
        wait_for(lambda: decided() >= 2 * N, timeout=40, what="every decision")
        wait_for(lambda: rt.work.items.stats().pending == 0, timeout=15, what="all acks")
        workers.alive()
        assert_exactly_once(rt, {f"acme/{it.id}" for it in first + second})
    finally:
        workers.stop_all()
        rt.close()
        own.stop()


def test_postgres_cut_off_workers_back_off_and_the_api_answers_503(env: Env) -> None:
    url = make_url(PG_URL)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    env.database_url = proxied
    rt = Runtime.build(env.settings())
    workers = Workers(env)
    try:
        token = key_token(rt, Role.PLATFORM, "acme")
        headers = {"Authorization": f"Bearer {token}"}
        first = items(N, prefix="a")
        enqueue(rt, first)
        with TestClient(create_app(rt)) as api:
            assert api.get("/readyz").status_code == 200
            assert (
                api.post(
                    "/v1/items", json={"items": [{"id": "warm", "text": "x"}]}, headers=headers
                ).status_code
                == 202
            )
            workers.start("w1")
            workers.start("w2")
            decided = rt.store.items.decision_count
            wait_for(lambda: decided() > 100, timeout=20, what="work to start")
            proxy.cut()
            ready = api.get("/readyz")
            assert ready.status_code == 503 and ready.json()["code"] == "unavailable"
            during = []
            for n in range(20):
                body = {"items": [{"id": f"during{n}", "text": f"heroin {n}"}]}
                r = api.post("/v1/items", json=body, headers=headers)
                assert r.status_code in (202, 503), r.text
                if r.status_code == 202:
                    during.append(f"acme/during{n}")
            time.sleep(1.5)  # workers hit the wall and back off
            workers.alive()
            proxy.restore()
            wait_for(lambda: api.get("/readyz").status_code == 200, timeout=10, what="ready")
        expected = {f"acme/{it.id}" for it in first} | {"acme/warm", *during}
        decided = rt.store.items.decision_count
        wait_for(lambda: decided() >= len(expected), timeout=40, what="every decision")
        wait_for(lambda: rt.work.items.stats().pending == 0, timeout=15, what="all acks")
        workers.alive()
        assert_exactly_once(rt, expected)
        assert "database unavailable" in workers.log("w1") + workers.log("w2")
    finally:
        workers.stop_all()
        rt.close()
        proxy.close()
