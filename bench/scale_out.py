"""Scale-out: items/s through ingest → Redis Streams → N workers → PostgreSQL, N = 1 and 2.

For each worker count it builds a fresh PostgreSQL schema and Redis prefix, enqueues a
backlog of ITEMS generated posts through the ingest use case (timing ingest on its
own), then starts N ``wenming worker`` processes and measures how fast they drain it:
the rate between 10% and 90% of the decisions stored (so process start-up is not
counted). It then offers a steady load at half the measured capacity for a few seconds
and samples the queue lag. Per-stage latencies come from the workers' own Prometheus
metrics; CPU seconds per 1,000 items from /proc, which is the steadier figure on a
shared machine (1000 / it is what one dedicated core would carry).

    python bench/scale_out.py                      # 40,000 items, 1 and 2 workers
    python bench/scale_out.py --items 10000 --workers 1 2 4 --steady-seconds 0

Needs PostgreSQL at 127.0.0.1:5432 (WENMING_BENCH_POSTGRES_URL) and Redis at
127.0.0.1:6379 (WENMING_BENCH_REDIS_URL). Prints figures; never fails on them.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import redis
from sqlalchemy import text

from wenming.config import Settings
from wenming.core.model import Item
from wenming.runtime import Runtime
from wenming.service import ingest
from wenming.service import keys as key_service
from wenming.service.keys import Role
from wenming.store import migrate
from wenming.store.engine import engine_create

PG_URL = os.environ.get(
    "WENMING_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("WENMING_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
WORKER = [sys.executable, "-c", "from wenming.cli import main; main()", "worker"]

_WORDS = (
    "今天 天气 很好 我们 一起 去 公园 散步 吧 新品 上市 欢迎 选购 周末 活动 朋友 分享 "
    "good morning everyone check out my new post about cooking travel photos music "
    "the weather is nice let us meet at the park tomorrow great game last night"
).split()
_BAD = ["加我微信领取福利", "buy followers cheap", "出售冰毒", "网络赌博 代开发票", "you idiot"]


def posts(n: int, *, prefix: str, seed: int = 7) -> list[Item]:
    """Synthetic posts: 8-40 words, one in ten carrying something the policy acts on."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        words = rnd.choices(_WORDS, k=rnd.randint(8, 40))
        if rnd.random() < 0.1:
            words.insert(rnd.randint(0, len(words)), rnd.choice(_BAD))
        out.append(Item(id=f"{prefix}{i}", text=" ".join(words), author=f"u{rnd.randint(0, 5000)}"))
    return out


@dataclass
class Run:
    workers: int
    items: int
    ingest_rate: float = 0.0
    drain_rate: float = 0.0
    cpu_per_1000: float = 0.0
    machine_per_1000: float = 0.0
    lag_p50: float = 0.0
    lag_max: float = 0.0
    offered: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # mean ms per item
    bytes_per_item: dict[str, float] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (every process, other users' too)."""
    parts = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in parts[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _stage_means(ports: list[int]) -> dict[str, float]:
    sums: dict[str, float] = {}
    pattern = re.compile(r'^wenming_stage_seconds_sum\{stage="(\w+)"\} (\S+)$', re.M)
    items_pat = re.compile(r'^wenming_items_screened_total\{verdict="\w+"\} (\S+)$', re.M)
    decided = 0.0
    for port in ports:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            body = r.read().decode()
        for stage, value in pattern.findall(body):
            sums[stage] = sums.get(stage, 0.0) + float(value)
        decided += sum(float(v) for v in items_pat.findall(body))
    return {k: 1000 * v / decided for k, v in sums.items()} if decided else {}


def run(workers: int, n: int, steady_seconds: float, tmp: Path) -> Run:
    schema = f"wm_bench_{uuid.uuid4().hex[:10]}"
    prefix = f"wmbench-{uuid.uuid4().hex[:8]}"
    admin = engine_create(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = engine_create(PG_URL, schema=schema)
    migrate.upgrade(engine)
    engine.dispose()
    settings = Settings(
        database_url=PG_URL, database_schema=schema, redis_url=REDIS_URL, stream_prefix=prefix
    )
    rt = Runtime.build(settings)
    procs: list[subprocess.Popen[bytes]] = []
    result = Run(workers, n)
    try:
        key_service.create(
            rt.store,
            secret=settings.secret_key.get_secret_value(),
            role=Role.PLATFORM,
            platform="bench",
            label="bench",
            actor="bench",
            now=datetime.now(UTC),
        )
        platform = rt.store.access.platform_by_name("bench")
        assert platform is not None
        backlog = posts(n, prefix="b")
        started = time.perf_counter()
        for i in range(0, n, 1000):
            ingest.enqueue(
                rt.store,
                rt.work.items,
                platform=platform,
                principal=None,
                items=backlog[i : i + 1000],
            )
        result.ingest_rate = n / (time.perf_counter() - started)

        env = {k: v for k, v in os.environ.items() if not k.startswith("WENMING_")}
        env.update(
            WENMING_DATABASE_URL=PG_URL,
            WENMING_DATABASE_SCHEMA=schema,
            WENMING_REDIS_URL=REDIS_URL,
            WENMING_STREAM_PREFIX=prefix,
            WENMING_DATABASE_POOL_SIZE="2",
        )
        ports = [_free_port() for _ in range(workers)]
        for k, port in enumerate(ports):
            with (tmp / f"{schema}-w{k}.log").open("wb") as log:
                procs.append(
                    subprocess.Popen(
                        [
                            *WORKER,
                            "--name",
                            f"bench-{k}",
                            "--batch",
                            "500",
                            "--metrics-port",
                            str(port),
                            "--log-level",
                            "warning",
                        ],
                        env=env,
                        stdout=log,
                        stderr=log,
                    )
                )
        samples: list[tuple[float, int]] = []
        cpu0: dict[int, float] = {}
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            done = rt.store.items.decision_count()
            samples.append((time.perf_counter(), done))
            if done >= 0.1 * n and not cpu0:
                cpu0 = {p.pid: _cpu_seconds(p.pid) for p in procs}
                busy0, done0 = _machine_busy(), done
            if done >= n:
                break
            time.sleep(0.05)
        cpu = sum(_cpu_seconds(p.pid) - cpu0.get(p.pid, 0.0) for p in procs)
        result.machine_per_1000 = 1000 * (_machine_busy() - busy0) / max(1, n - done0)
        lo = next(s for s in samples if s[1] >= 0.1 * n)
        hi = next(s for s in samples if s[1] >= 0.9 * n)
        result.drain_rate = (hi[1] - lo[1]) / max(1e-9, hi[0] - lo[0])
        result.cpu_per_1000 = 1000 * cpu / max(1, samples[-1][1] - lo[1])
        result.stages = _stage_means(ports)
        with rt.store.engine.connect() as conn:
            for table in ("items", "decisions", "decision_claims", "audit_entries", "subjects"):
                size = conn.execute(
                    text("SELECT pg_total_relation_size(:t)"), {"t": f"{schema}.{table}"}
                ).scalar_one()
                result.bytes_per_item[table] = int(size) / n

        if steady_seconds > 0:
            result.offered = 0.5 * result.drain_rate
            live = posts(int(result.offered * steady_seconds) + 1000, prefix="s", seed=11)
            lags: list[float] = []
            t0, sent, last_sample = time.perf_counter(), 0, 0.0
            while (now := time.perf_counter()) - t0 < steady_seconds:
                due = int((now - t0) * result.offered)
                if due > sent:
                    ingest.enqueue(
                        rt.store,
                        rt.work.items,
                        platform=platform,
                        principal=None,
                        items=live[sent:due],
                    )
                    sent = due
                if now - last_sample >= 0.25:
                    lags.append(rt.work.items.stats().lag_seconds)
                    last_sample = now
                time.sleep(0.01)
            result.lag_p50 = statistics.median(lags) if lags else 0.0
            result.lag_max = max(lags, default=0.0)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        rt.close()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=40_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steady-seconds", type=float, default=5.0)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="alternate the worker counts this many times and report medians "
        "(steadier on a shared machine)",
    )
    args = parser.parse_args()
    cores = os.cpu_count()
    load = os.getloadavg()
    print(
        f"machine: {cores} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        "(PostgreSQL, Redis, the producer and the workers all share these cores)"
    )
    by_count: dict[int, list[Run]] = {k: [] for k in args.workers}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for k in args.workers:
                r = run(k, args.items, args.steady_seconds, Path(tmp))
                by_count[k].append(r)
                _report(r)
    if args.rounds > 1:
        for k, runs in by_count.items():
            rates = sorted(r.drain_rate for r in runs)
            print(
                f"workers={k}: median drain {statistics.median(rates):,.0f} items/s "
                f"over {len(runs)} rounds ({', '.join(f'{x:,.0f}' for x in rates)})"
            )
    base = statistics.median(r.drain_rate for r in by_count[args.workers[0]])
    for k in args.workers[1:]:
        rate = statistics.median(r.drain_rate for r in by_count[k])
        print(
            f"scaling {args.workers[0]} → {k} workers: {rate / max(base, 1e-9):.2f}x "
            f"(medians: {base:,.0f} → {rate:,.0f} items/s)"
        )


def _report(r: Run) -> None:
    stages = ", ".join(f"{s} {v:.3f}" for s, v in sorted(r.stages.items()))
    print(
        f"workers={r.workers}: drain {r.drain_rate:,.0f} items/s; ingest {r.ingest_rate:,.0f} "
        f"items/s; worker CPU {r.cpu_per_1000:.3f} s per 1000 items "
        f"(≈{1000 / max(r.cpu_per_1000, 1e-9):,.0f} items/s per dedicated core)"
    )
    print(
        f"  whole machine {r.machine_per_1000:.3f} CPU s per 1000 items (workers, "
        "PostgreSQL, Redis, and anything else running: an upper bound)"
    )
    print(f"  stage latency, ms per item: {stages}")
    sizes = ", ".join(f"{t} {b:,.0f}" for t, b in r.bytes_per_item.items())
    print(f"  PostgreSQL bytes per item (tables + indexes): {sizes}")
    if r.offered:
        print(
            f"  queue lag at {r.offered:,.0f} items/s offered: "
            f"p50 {r.lag_p50:.2f}s, max {r.lag_max:.2f}s"
        )


if __name__ == "__main__":
    main()
