"""``wenming worker`` and ``wenming ingest``: run a stateless worker; enqueue a file.

``wenming worker`` consumes the work stream (Redis when ``WENMING_REDIS_URL`` is set)
until SIGTERM or Ctrl-C, finishing the batch in hand; run as many as the load needs.
``wenming ingest FILE.jsonl --platform P`` enqueues a platform's backlog with a
progress bar; on the embedded queue (no Redis) it then screens the items itself unless
``--no-wait`` leaves them in the outbox for ``wenming worker`` or ``wenming serve``.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from prometheus_client import start_http_server
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from wenming.cli import app
from wenming.cli._service import err, runtime, settings
from wenming.cli.itemfile import BadLine, read_items
from wenming.core.model import Item
from wenming.queue.base import QueueError, QueueFullError
from wenming.runtime import Runtime
from wenming.service import ingest as ingest_service
from wenming.service import keys
from wenming.worker.loop import Worker, WorkerConfig, default_name

PolicyOpt = Annotated[
    Path | None, typer.Option("--policy", "-p", help="Policy file [default: WENMING_POLICY].")
]


@contextmanager
def stopping_on_signals(worker: Worker) -> Iterator[None]:
    """SIGTERM and Ctrl-C ask ``worker`` to stop after its batch; the previous handlers
    come back afterwards."""

    def handler(_signum: int, _frame: Any) -> None:
        worker.stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@app.command()
def worker(
    policy: PolicyOpt = None,
    name: Annotated[str | None, typer.Option(help="Consumer name [default: HOST-PID].")] = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Messages per batch.")] = 500,
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus metrics on this port.")
    ] = None,
    metrics_host: Annotated[str, typer.Option(help="Address of the metrics server.")] = (
        "127.0.0.1"
    ),
    drain: Annotated[bool, typer.Option("--drain", help="Exit once the queues are empty.")] = False,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Screen what the work stream brings and store the decisions, until stopped."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = settings(policy=policy)
    rt = runtime(config)
    try:
        work = rt.work
        reclaim_ms = int(config.reclaim_idle_seconds * 1000)
        w = Worker(
            rt, WorkerConfig(name=name or default_name(), batch=batch, reclaim_idle_ms=reclaim_ms)
        )
        if metrics_port is not None:
            start_http_server(metrics_port, addr=metrics_host, registry=work.metrics.registry)
        version = rt.screener.policy.version  # load the policy before reading the stream
        where = "Redis" if config.redis_url else "the embedded queue (database outbox)"
        err.print(
            f"worker {w.config.name} on {where}, policy {version}"
            + (f", metrics on http://{metrics_host}:{metrics_port}/" if metrics_port else "")
        )
        with stopping_on_signals(w):
            if drain:
                w.drain(timeout_s=float("inf"))
            else:
                w.run()
        s = w.stats
        err.print(
            f"worker {w.config.name} stopped: {s.decided} decided, {s.replayed} already "
            f"decided, {s.dead} dead-lettered, {s.reclaimed} reclaimed"
        )
    finally:
        rt.close()


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="JSONL file of items (id, text, ...).")],
    platform: Annotated[str, typer.Option(help="The platform the items belong to.")],
    policy: PolicyOpt = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Items per enqueue.")] = 1000,
    wait: Annotated[
        bool,
        typer.Option(help="On the embedded queue, screen the items before returning."),
    ] = True,
) -> None:
    """Enqueue every item of FILE for asynchronous screening (a platform's backlog)."""
    if not file.is_file():
        err.print(f"[bold red]no such file[/] {file}")
        raise typer.Exit(2)
    rt = runtime(settings(policy=policy))
    try:
        target = keys.platform_find(rt.store, platform)
        if target is None:
            err.print(
                f"[bold red]no platform {platform!r}[/]: create it with "
                f"`wenming keys create --role platform --platform {platform}`"
            )
            raise typer.Exit(2)
        sent, bad = _enqueue_file(rt, file, target, batch)
        err.print(
            f"enqueued {sent} items for {platform}"
            + (f"; skipped {len(bad)} bad lines" if bad else "")
        )
        for b in bad[:10]:
            err.print(f"  line {b.line}: {b.reason}")
        if not rt.work.durable:
            if wait:
                _drain_embedded(rt, sent)
            else:
                err.print("items wait in the outbox for `wenming worker` or `wenming serve`")
    finally:
        rt.close()


def _enqueue_file(rt: Runtime, file: Path, target: Any, batch: int) -> tuple[int, list[BadLine]]:
    sent, bad = 0, list[BadLine]()
    size = file.stat().st_size
    columns = (
        TextColumn("enqueue"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[items]} items"),
        TimeRemainingColumn(),
    )
    with file.open("rb") as src, Progress(*columns, console=err) as bar:
        task = bar.add_task("enqueue", total=size, items=0)
        pending: list[Item] = []

        def flush() -> None:
            nonlocal sent
            if not pending:
                return
            # Within one call ids must differ; a repeated id goes in the next call.
            while pending:
                seen: set[str] = set()
                now: list[Item] = []
                later: list[Item] = []
                for it in pending:
                    (later if it.id in seen else now).append(it)
                    seen.add(it.id)
                _enqueue_retrying(rt, target, now)
                sent += len(now)
                pending[:] = later
            bar.update(task, completed=src.tell(), items=sent)

        for got in read_items(src):
            if isinstance(got, BadLine):
                bad.append(got)
                continue
            pending.append(got)
            if len(pending) >= batch:
                flush()
        flush()
        bar.update(task, completed=size)
    return sent, bad


def _enqueue_retrying(rt: Runtime, target: Any, items: list[Item]) -> None:
    delay = 0.1
    while True:
        try:
            ingest_service.enqueue(
                rt.store,
                rt.work.items,
                platform=target,
                principal=None,
                items=items,
                outbox=rt.work.outbox,
                metrics=rt.work.metrics,
            )
            return
        except QueueFullError:
            pass  # the workers are behind: wait for them
        except QueueError as exc:
            err.print(f"queue unavailable ({exc}); retrying")
        time.sleep(delay)
        delay = min(5.0, delay * 2)


def _drain_embedded(rt: Runtime, total: int) -> None:
    w = Worker(rt, WorkerConfig(name=f"{default_name()}-ingest", reclaim_idle_ms=0))
    columns = (TextColumn("screen "), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with stopping_on_signals(w), Progress(*columns, console=err) as bar:
        task = bar.add_task("screen", total=total)
        done = 0
        while not w.stopping:
            handled = w.step()
            done = w.stats.decided + w.stats.replayed + w.stats.dead
            bar.update(task, completed=min(done, total))
            if handled == 0:
                s = rt.work.items.stats()
                if s.depth == 0 and s.pending == 0:
                    break
    if w.stopping:
        err.print("interrupted: the rest waits in the outbox (run `wenming worker`)")
    err.print(f"screened: {w.stats.decided} new decisions, {w.stats.replayed} already decided")
