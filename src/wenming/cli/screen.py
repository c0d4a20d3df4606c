"""``wenming screen``, ``wenming demo`` and ``wenming policy check``: screening from files.

Input is JSONL (one object with ``id`` and ``text`` per line) or CSV; output is JSONL in
DESIGN.md's shape. A bad line is reported with its line number and skipped (or stops the
run with ``--strict``); every good line is still written. A progress bar shows on a
terminal; the summary goes to stderr so that ``--output -`` stays clean JSONL.
"""

from __future__ import annotations

import sys
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, BinaryIO, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from wenming.cli import app
from wenming.cli.itemfile import BadLine, read_items, write_decision
from wenming.config import Settings
from wenming.core.model import Decision, Item
from wenming.core.policy import PolicyError
from wenming.detectors.base import Registry
from wenming.detectors.screener import Screener
from wenming.policies import default_examples_path
from wenming.runtime import resources_for

BATCH = 256
err = Console(stderr=True)

policy_app = typer.Typer(help="Check and inspect policy files.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

PolicyOpt = Annotated[
    Path | None,
    typer.Option("--policy", "-p", help="Policy YAML file (default: the bundled default pack)."),
]


def _load(policy: Path | None) -> Screener:
    try:
        return Screener.from_policy(policy, resources=resources_for(Settings()))
    except PolicyError as exc:
        err.print(f"[bold red]policy error[/] {exc}")
        raise typer.Exit(2) from None


@app.command()
def screen(
    input: Annotated[str, typer.Argument(help="JSONL or CSV file of items; '-' reads stdin.")],
    policy: PolicyOpt = None,
    output: Annotated[
        str, typer.Option("--output", "-o", help="Where to write JSONL decisions; '-' is stdout.")
    ] = "-",
    text_column: Annotated[
        str | None, typer.Option(help="Read CSV input and take the text from this column.")
    ] = None,
    id_column: Annotated[str, typer.Option(help="CSV column holding the item id.")] = "id",
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Stop at the first bad input line instead of skipping it."),
    ] = False,
) -> None:
    """Screen items against a policy and write one decision per line.

    Each output line is {"id", "verdict", "labels", "scores", "evidence", "reasons"}, with evidence spans as offsets into the original text.

    Exit status: 0 when every line was screened, 1 when some input lines were bad (they are reported and skipped), 2 when the policy or the input cannot be used at all.
    """  # noqa: E501
    screener = _load(policy)
    with ExitStack() as stack:
        src: BinaryIO = sys.stdin.buffer if input == "-" else _open_in(stack, input)
        dst: TextIO = (
            sys.stdout
            if output == "-"
            else stack.enter_context(open(output, "w", encoding="utf-8"))
        )
        total = None if input == "-" else _count_lines(Path(input))
        stats = _run(
            screener,
            read_items(src, text_column=text_column, id_column=id_column),
            dst,
            total=total,
            strict=strict,
        )
    _summary(stats, screener)
    if stats.bad:
        raise typer.Exit(1)


def _open_in(stack: ExitStack, path: str) -> BinaryIO:
    try:
        return stack.enter_context(open(path, "rb"))
    except OSError as exc:
        err.print(f"[bold red]cannot read {path}[/]: {exc.strerror}")
        raise typer.Exit(2) from None


def _count_lines(path: Path) -> int | None:
    try:
        with path.open("rb") as f:
            return sum(buf.count(b"\n") for buf in iter(lambda: f.read(1 << 20), b""))
    except OSError:
        return None


class _Stats:
    def __init__(self) -> None:
        self.verdicts: Counter[str] = Counter()
        self.labels: Counter[str] = Counter()
        self.bad: list[BadLine] = []
        self.examples: list[tuple[Item, Decision]] = []


def _run(
    screener: Screener, rows: object, dst: TextIO, *, total: int | None, strict: bool
) -> _Stats:
    stats = _Stats()
    batch: list[Item] = []
    progress = Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    )

    def flush() -> None:
        for item, decision in zip(batch, screener.screen(batch), strict=True):
            write_decision(dst, decision)
            stats.verdicts[decision.verdict.value] += 1
            stats.labels.update(decision.labels)
            if decision.labels and len(stats.examples) < 5:
                stats.examples.append((item, decision))
        progress.advance(task, len(batch))
        batch.clear()

    with progress:
        task = progress.add_task("screen", total=total)
        assert hasattr(rows, "__iter__")
        for row in rows:
            if isinstance(row, BadLine):
                stats.bad.append(row)
                err.print(f"[yellow]line {row.line}[/]: {row.reason}")
                if strict:
                    break
                progress.advance(task)
                continue
            batch.append(row)
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
    dst.flush()
    return stats


def highlight(item: Item, decision: Decision) -> Text:
    """The item's text with every evidence span highlighted."""
    text = Text(item.text)
    for s in decision.signals:
        if s.start is not None and s.end is not None:
            text.stylize("bold white on red", s.start, s.end)
    return text


def _summary(stats: _Stats, screener: Screener) -> None:
    err.print(
        f"[bold]screened {sum(stats.verdicts.values())} items[/] "
        f"with policy {screener.policy.version}"
    )
    table = Table(show_edge=False)
    table.add_column("verdict")
    table.add_column("items", justify="right")
    for verdict in ("allow", "label", "limit", "review", "block"):
        table.add_row(verdict, str(stats.verdicts.get(verdict, 0)))
    err.print(table)
    if stats.labels:
        cats = Table(title="labels per category", show_edge=False)
        cats.add_column("category")
        cats.add_column("title")
        cats.add_column("items", justify="right")
        for cid, n in stats.labels.most_common():
            title = screener.policy.categories[cid].title
            cats.add_row(cid, f"{title.get('zh', '')} / {title.get('en', '')}", str(n))
        err.print(cats)
    for item, decision in stats.examples:
        err.print(
            Text.assemble(
                (f"[{decision.verdict.value}] ", "bold"),
                (f"{item.id}: ", "dim"),
                highlight(item, decision),
            )
        )
        err.print(Text(f"    {decision.reasons[0]}", style="dim"))
    if stats.bad:
        err.print(
            f"[yellow]{len(stats.bad)} bad input line(s) skipped[/] "
            f"(first at line {stats.bad[0].line})"
        )


@app.command()
def demo(policy: PolicyOpt = None) -> None:
    """Screen the bundled example posts with the default policy and print a summary."""
    screener = _load(policy)
    with default_examples_path().open("rb") as src, open("/dev/null", "w") as sink:
        stats = _run(screener, read_items(src), sink, total=None, strict=False)
    _summary(stats, screener)


@policy_app.command("check")
def policy_check(
    file: Annotated[
        Path | None, typer.Argument(help="Policy YAML (default: the bundled pack).")
    ] = None,
) -> None:
    """Validate a policy file; print its version and a line per category."""
    screener = _load(file)
    p = screener.policy
    table = Table(title=f"{p.source}: version {p.version}", show_edge=False)
    for col in ("category", "title", "severity", "terms", "rules", "domains", "thresholds"):
        table.add_column(col)
    registry = Registry.from_entry_points()
    for c in p.categories.values():
        th = " ".join(f"{a.value}≥{t:g}" for a, t in c.thresholds.items())
        found = registry.summary(p, c.id)
        table.add_row(
            c.id,
            f"{c.title.get('zh', '')} / {c.title.get('en', '')}",
            str(c.severity),
            str(found.get("terms", 0)),
            str(found.get("rules", 0)),
            str(found.get("domains", 0)),
            th,
        )
    Console().print(table)


@policy_app.command("redteam")
def policy_redteam(
    file: Annotated[
        Path | None, typer.Argument(help="Policy YAML (default: the bundled pack).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Use at most this many terms per category.")] = 50,
    show: Annotated[int, typer.Option(help="Print this many missed examples per trick.")] = 3,
) -> None:
    """Rewrite the policy's own terms with common evasion tricks and report recall per trick.

    Each term is written with full-width letters, invisible characters, separators, look-alike letters, leetspeak, traditional characters, pinyin and homophones, inside short carrier sentences; the table shows how many rewrites the policy still catches.
    """  # noqa: E501
    from wenming.detectors.redteam import acting_terms, recall

    screener = _load(file)
    terms, literal = acting_terms(screener.policy, limit=limit)
    table = Table(
        title=f"evasion recall of {len(terms)} terms, policy {screener.policy.version}",
        show_edge=False,
    )
    for col in ("trick", "caught", "total", "recall"):
        table.add_column(col, justify="right" if col != "trick" else "left")
    results = recall(screener, terms, literal=literal)
    for r in results:
        table.add_row(r.trick, str(r.caught), str(r.total), f"{r.recall:.1%}")
    Console().print(table)
    for r in results:
        for text in r.missed[:show]:
            Console().print(f"[yellow]missed[/] ({r.trick}): {text!r}")
