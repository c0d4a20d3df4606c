"""``wenming sweep`` and ``wenming backtest``: apply, or try, a new policy on stored items.

``wenming backtest --policy NEW.yaml`` screens stored items with the live and the new
policy and prints what would change; nothing is written. ``wenming sweep --policy
NEW.yaml`` re-screens them for real through the workers, resumably: run the same
command again after an interruption and it continues from its checkpoint.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from wenming.cli import app
from wenming.cli._service import err, runtime, settings
from wenming.cli.worker import stopping_on_signals
from wenming.config import Settings
from wenming.core.policy import PolicyError
from wenming.detectors.screener import Screener
from wenming.runtime import Runtime, resources_for
from wenming.service import backtest as backtest_service
from wenming.service import keys
from wenming.service import sweep as sweep_service
from wenming.worker.loop import Worker, WorkerConfig, default_name

NewPolicy = Annotated[Path, typer.Option("--policy", "-p", help="The new policy file.")]
Since = Annotated[
    datetime | None, typer.Option(help="Only items posted since (YYYY-MM-DD or ISO 8601).")
]
PlatformOpt = Annotated[str | None, typer.Option(help="Only this platform's items.")]


def _candidate(path: Path) -> Screener:
    try:
        return Screener.from_policy(path, resources=resources_for(Settings()))
    except PolicyError as exc:
        err.print(f"[bold red]policy error[/] {exc}")
        raise typer.Exit(2) from None


def _platform_id(rt: Runtime, name: str | None) -> int | None:
    if name is None:
        return None
    found = keys.platform_find(rt.store, name)
    if found is None:
        err.print(f"[bold red]no platform {name!r}[/]")
        raise typer.Exit(2)
    return found.id


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@app.command()
def sweep(
    policy: NewPolicy,
    since: Since = None,
    platform: PlatformOpt = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Begin again instead of resuming.")
    ] = False,
    page: Annotated[int, typer.Option(min=1, max=10_000, help="Items per page.")] = 1000,
) -> None:
    """Re-screen stored items under POLICY through the workers (post-publication cleanup).

    The workers must be able to read POLICY at the same path (or run it as their live
    policy). Interrupted? Run the same command again: it resumes."""
    candidate = _candidate(policy)
    rt = runtime(settings())
    try:
        version = candidate.policy.version
        record, resumed = sweep_service.sweep_start(
            rt.store,
            policy_version=version,
            policy_source=str(policy.resolve()),
            platform_id=_platform_id(rt, platform),
            since=_utc(since),
            restart=restart,
        )
        err.print(
            f"sweep #{record.id} under policy {version}: {record.total} items"
            + (f", resuming after {record.enqueued}" if resumed else "")
        )
        embedded = not rt.work.durable
        w = Worker(rt, WorkerConfig(name=f"{default_name()}-sweep", reclaim_idle_ms=0))
        columns = (TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with stopping_on_signals(w), Progress(*columns, console=err) as bar:
            task = bar.add_task("sweep", total=record.total, completed=record.enqueued)

            def after_page(n: int) -> None:
                if embedded:  # the in-process queue dies with us: screen before moving on
                    w.drain(timeout_s=3600)
                bar.advance(task, n)

            done = sweep_service.sweep_run(
                rt.store,
                rt.work.sweeps,
                record,
                page=page,
                after_page=after_page,
                should_stop=lambda: w.stopping,
            )
        if done.status != "enqueued":
            err.print(f"interrupted after {done.enqueued} items: run the same command to resume")
            raise typer.Exit(130)
        how = "screened" if embedded else "handed to the workers"
        err.print(f"sweep #{done.id} done: {done.enqueued} items {how}")
    finally:
        rt.close()


@app.command()
def backtest(
    policy: NewPolicy,
    since: Since = None,
    platform: PlatformOpt = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many items.")] = None,
    examples: Annotated[int, typer.Option(min=0, help="Examples per kind of flip.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Show what POLICY would change on stored items, without acting."""
    candidate = _candidate(policy)
    rt = runtime(settings())
    try:
        platform_id = _platform_id(rt, platform)
        total = _count(rt, platform_id, _utc(since), limit)
        columns = (TextColumn("backtest"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=err, disable=as_json) as bar:
            task = bar.add_task("backtest", total=total)
            report = backtest_service.backtest(
                rt.store,
                rt.screener,
                candidate,
                platform_id=platform_id,
                since=_utc(since),
                limit=limit,
                examples_per_flip=examples,
                progress=lambda n: bar.advance(task, n),
            )
    finally:
        rt.close()
    if as_json:
        typer.echo(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
        return
    _print_report(report.to_dict())


def _count(rt: Runtime, platform_id: int | None, since: datetime | None, limit: int | None) -> int:

    n = sweep_service.items_in_scope(rt.store, platform_id=platform_id, since=since)
    return min(n, limit) if limit else n


def _print_report(r: dict[str, Any]) -> None:
    from rich.console import Console

    out = Console()
    out.print(
        f"[bold]{r['items']}[/] items: live {r['live_policy']} → candidate "
        f"{r['candidate_policy']}; [bold]{r['changed']}[/] would change"
    )
    if r["flips"]:
        flips = Table("from", "to", "items", title="verdict flips")
        for f in r["flips"]:
            flips.add_row(f["from"], f["to"], str(f["count"]))
        out.print(flips)
    if r["categories"]:
        cats = Table("category", "labels added", "labels removed", title="by category")
        for cat, c in r["categories"].items():
            cats.add_row(cat, str(c["added"]), str(c["removed"]))
        out.print(cats)
    acc = r["accuracy"]
    if r["human_decided"]:
        table = Table(
            "policy",
            "precision",
            "recall",
            "TP",
            "FP",
            "FN",
            title=(f"against {r['human_decided']} human decisions (would act vs. did act)"),
        )
        for name in ("live", "candidate"):
            s = acc[name]
            table.add_row(
                name,
                _pct(s["precision"]),
                _pct(s["recall"]),
                str(s["true_positive"]),
                str(s["false_positive"]),
                str(s["false_negative"]),
            )
        out.print(table)
    else:
        out.print("no human decisions on these items: precision/recall not available")
    for e in r["examples"]:
        out.print(
            f"  {e['platform']}/{e['item_id']}: {e['live']} → {e['candidate']} "
            f"{e['candidate_labels']}  [dim]{e['text'][:100]!r}[/]"
        )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"
