"""Throughput and latency of ``POST /v1/screen`` on loopback, one server worker process.

Starts ``wenming serve`` (one uvicorn worker, no access log) on a fresh database for
each backend, creates a platform key without a rate limit, then drives the endpoint
with a bounded closed-loop load generator: CONCURRENCY connections, each sending its
next request as soon as the previous answer arrives, for DURATION seconds after a
warm-up. Every item id is new, so every item is screened, stored and audited (no
idempotent replays). The generator speaks HTTP/1.1 keep-alive over raw asyncio
streams so that its own cost stays small next to the server's on a shared machine.

    python bench/api_throughput.py                      # SQLite and PostgreSQL
    python bench/api_throughput.py --backend sqlite --duration 5 --concurrency 8

Prints requests/s, items/s, p50/p99 latency per scenario, and the server's CPU time
per request (user + system, from /proc): on a shared or busy machine that last figure
is the steadier one, and 1000 / it is the request rate one dedicated core would carry.

In the same run it measures the ceiling: a bare Starlette endpoint, served the same way
(one uvicorn worker, no access log), that parses the same JSON bodies and returns a
fixed answer. For SQLite it then paces single-item requests at half the best measured
rate (an open-loop schedule: a late answer delays nothing, and latency counts from the
scheduled send) for the p99 the targets speak of, and ends with one line::

    single_rps=N ceiling_rps=N ratio=R p99_ms=N batch_items_per_s=N
A benchmark, never a test: it prints figures and does not fail on them. Traffic goes to
127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

HOST = "127.0.0.1"
PG_URL = os.environ.get(
    "WENMING_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
WENMING = [str(Path(sys.executable).parent / "wenming")]


@dataclass
class Result:
    scenario: str
    requests: int
    items: int
    errors: int
    seconds: float
    latencies: list[float]
    server_cpu: float = 0.0

    def line(self) -> str:
        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else float("nan")
        return (
            f"{self.scenario:<34} {self.requests / self.seconds:>9,.0f} req/s "
            f"{self.items / self.seconds:>9,.0f} items/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
            f"   server CPU {self.server_cpu / max(self.requests, 1) * 1000:5.2f} ms/req"
            f"   ({self.requests} requests, {self.errors} errors)"
        )


def _texts() -> list[str]:
    from wenming.policies import default_examples_path

    path = default_examples_path()
    texts: list[str] = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(str(json.loads(line).get("text", "")))
    return texts or ["hello world", "加我微信领取福利", "buy followers cheap", "see you tomorrow"]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc): a load-independent cost figure."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Bodies:
    """Request bodies with ids never sent before, cycling through realistic texts."""

    def __init__(self, texts: list[str], batch: int) -> None:
        self._texts = itertools.cycle(texts)
        self._ids = itertools.count()
        self._run = uuid.uuid4().hex[:8]
        self.batch = batch

    def next(self) -> bytes:
        items = [
            {
                "id": f"{self._run}-{next(self._ids)}",
                "text": next(self._texts),
                "author": f"u{n % 50}",
            }
            for n in range(self.batch)
        ]
        return json.dumps({"items": items}, ensure_ascii=False).encode()


async def _one_connection(
    port: int, key: str, bodies: Bodies, until: float, record: Result | None
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    head = (
        f"POST /v1/screen HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {key}\r\n"
        "Content-Type: application/json\r\n"
    ).encode()
    try:
        while time.perf_counter() < until:
            body = bodies.next()
            started = time.perf_counter()
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            status_headers = await reader.readuntil(b"\r\n\r\n")
            status = int(status_headers.split(b" ", 2)[1])
            length = 0
            for line in status_headers.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if record is not None:
                record.latencies.append(time.perf_counter() - started)
                record.requests += 1
                if status == 200:
                    record.items += bodies.batch
                else:
                    record.errors += 1
    finally:
        writer.close()


async def _paced_connection(
    port: int,
    key: str,
    bodies: Bodies,
    start: float,
    interval: float,
    until: float,
    record: Result,
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    head = (
        f"POST /v1/screen HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {key}\r\n"
        "Content-Type: application/json\r\n"
    ).encode()
    try:
        due = start
        while due < until:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body = bodies.next()
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            status_headers = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in status_headers.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            record.latencies.append(time.perf_counter() - due)
            record.requests += 1
            if int(status_headers.split(b" ", 2)[1]) == 200:
                record.items += bodies.batch
            else:
                record.errors += 1
            due += interval
    finally:
        writer.close()


async def _paced(
    port: int,
    key: str,
    bodies: Bodies,
    *,
    rate: float,
    seconds: float,
    connections: int,
    name: str,
) -> Result:
    """Requests at ``rate`` per second in all, spread over ``connections``."""
    result = Result(name, 0, 0, 0, seconds, [])
    interval = connections / rate
    start = time.perf_counter() + 0.05
    until = start + seconds
    await asyncio.gather(
        *(
            _paced_connection(
                port, key, bodies, start + n * interval / connections, interval, until, result
            )
            for n in range(connections)
        )
    )
    return result


def _p99_ms(latencies: list[float]) -> float:
    lat = sorted(latencies)
    return lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else float("nan")


def ceiling_app() -> object:
    """The ceiling: Starlette parsing the request's JSON and answering a fixed body."""
    import orjson
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    answer = orjson.dumps({"results": [{"id": "x", "verdict": "allow", "replayed": False}]})

    async def screen(request: Request) -> Response:
        body = orjson.loads(await request.body())
        if not body.get("items"):
            return Response(b"{}", status_code=422, media_type="application/json")
        return Response(answer, media_type="application/json")

    return Starlette(routes=[Route("/v1/screen", screen, methods=["POST"])])


class Ceiling:
    """The ceiling endpoint in its own process (this script with ``--serve-ceiling PORT``)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [sys.executable, __file__, "--serve-ceiling", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("ceiling server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _serve_ceiling(port: int) -> None:
    import uvicorn

    uvicorn.run(
        ceiling_app(),
        host=HOST,
        port=port,
        access_log=False,  # type: ignore[arg-type]
        log_level="warning",
    )


async def _load(
    port: int, key: str, bodies: Bodies, *, concurrency: int, seconds: float, name: str
) -> Result:
    result = Result(name, 0, 0, 0, seconds, [])
    until = time.perf_counter() + seconds
    await asyncio.gather(
        *(_one_connection(port, key, bodies, until, result) for _ in range(concurrency))
    )
    return result


@dataclass
class Server:
    env: dict[str, str]
    port: int
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [*WENMING, "serve", "--port", str(self.port), "--no-access-log"]
        self.proc = subprocess.Popen(
            cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5) as s:
                    s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if b"200 OK" in s.recv(1024):
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not become ready")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _key(env: dict[str, str]) -> str:
    out = subprocess.run(
        [
            *WENMING,
            "keys",
            "create",
            "--role",
            "platform",
            "--platform",
            "bench",
            "--rate-limit",
            "0",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def _backends(which: str, workdir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("WENMING_")}
    # `wenming serve` refuses the development secret outside --demo (docs/security.md).
    base["WENMING_SECRET_KEY"] = "bench-" + uuid.uuid4().hex
    if which in ("sqlite", "both"):
        yield "sqlite", {**base, "WENMING_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}"}
    if which in ("postgresql", "both"):
        schema = f"wm_bench_{uuid.uuid4().hex[:8]}"
        engine = create_engine(PG_URL)
        try:
            with engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
        except Exception as exc:
            print(f"postgresql: skipped ({exc.__class__.__name__}: server unreachable?)")
            return
        try:
            yield (
                "postgresql",
                {**base, "WENMING_DATABASE_URL": PG_URL, "WENMING_DATABASE_SCHEMA": schema},
            )
        finally:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()


def _stored(env: dict[str, str]) -> int:
    url = env["WENMING_DATABASE_URL"]
    schema = env.get("WENMING_DATABASE_SCHEMA")
    args = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = create_engine(url, **args)
    with engine.connect() as conn:
        n = int(conn.execute(text("SELECT count(*) FROM decisions")).scalar_one())
    engine.dispose()
    return n


def _measure(
    port: int,
    key: str,
    texts: list[str],
    args: argparse.Namespace,
    pid: int,
    name: str,
    batches: list[int],
) -> tuple[dict[int, Result], int]:
    """Closed-loop scenarios for each batch size and concurrency; the best result per batch
    size and the items sent in all."""
    best: dict[int, Result] = {}
    total = 0
    for batch in batches:
        for conc in args.concurrency:
            bodies = Bodies(texts, batch)
            warm = asyncio.run(
                _load(port, key, bodies, concurrency=conc, seconds=args.warmup, name="warmup")
            )
            cpu = _cpu_seconds(pid)
            res = asyncio.run(
                _load(
                    port,
                    key,
                    bodies,
                    concurrency=conc,
                    seconds=args.duration,
                    name=f"{name} batch={batch} conc={conc}",
                )
            )
            res.server_cpu = _cpu_seconds(pid) - cpu
            total += warm.items + res.items
            print(res.line(), flush=True)
            if batch not in best or res.items > best[batch].items:
                best[batch] = res
    return best, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--serve-ceiling", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_ceiling:
        _serve_ceiling(args.serve_ceiling)
        return
    texts = _texts()
    print(
        f"wenming API throughput: one worker process, {os.cpu_count()} CPUs, loopback; "
        f"{len(texts)} example texts"
    )
    ceiling = Ceiling(_free_port())
    ceiling.start()
    try:
        pid = ceiling.proc.pid if ceiling.proc else 0
        top, _ = _measure(ceiling.port, "none", texts, args, pid, "ceiling (bare Starlette)", [1])
    finally:
        ceiling.stop()
    summary = ""
    workdir = Path(tempfile.mkdtemp(prefix="wm-bench-"))
    try:
        for backend, env in _backends(args.backend, workdir):
            subprocess.run([*WENMING, "db", "upgrade"], env=env, check=True, capture_output=True)
            key = _key(env)
            server = Server(env, _free_port())
            server.start()
            try:
                pid = server.proc.pid if server.proc else 0
                best, total = _measure(server.port, key, texts, args, pid, backend, args.batch)
                single = best.get(1)
                p99 = float("nan")
                if single is not None:
                    rate = single.requests / single.seconds / 2
                    conns = max(args.concurrency)
                    cpu = _cpu_seconds(pid)
                    paced = asyncio.run(
                        _paced(
                            server.port,
                            key,
                            Bodies(texts, 1),
                            rate=rate,
                            seconds=args.duration,
                            connections=conns,
                            name=f"{backend} batch=1 paced at {rate:,.0f}/s",
                        )
                    )
                    paced.server_cpu = _cpu_seconds(pid) - cpu
                    total += paced.items
                    print(paced.line(), flush=True)
                    p99 = _p99_ms(paced.latencies)
                if backend == "sqlite" and single is not None and 1 in top:
                    single_rps = single.items / single.seconds  # answered, not refused
                    ceiling_rps = top[1].requests / top[1].seconds
                    batched = max(
                        (r for b, r in best.items() if b > 1), key=lambda r: r.items, default=None
                    )
                    items_per_s = batched.items / batched.seconds if batched else 0.0
                    summary = (
                        f"single_rps={single_rps:.0f} ceiling_rps={ceiling_rps:.0f} "
                        f"ratio={single_rps / ceiling_rps:.2f} p99_ms={p99:.1f} "
                        f"batch_items_per_s={items_per_s:.0f}"
                    )
            finally:
                server.stop()
            print(f"{backend}: {_stored(env):,} decisions stored (expected {total:,})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if summary:
        print(summary)


if __name__ == "__main__":
    main()
