"""``wenming claims``: import, export and match fact-checks (the rumor-busting registry).

The fact-check database (``WENMING_DATABASE_URL``) is the single source of truth: the
server screens against it, and ``import`` writes into it unless ``--registry`` names a
registry directory (for ``wenming screen`` without a database; the ``factchecks_dir``
setting, ``WENMING_FACTCHECKS_DIR``, is the default directory of the other commands).
``import`` validates the whole file before writing anything, then embeds only what is
new or changed; ``match`` runs the same cascade the screening detector uses.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from wenming.cli import app
from wenming.cli.itemfile import BadLine, read_items
from wenming.core.factcheck import FactCheck, FactCheckError
from wenming.detectors.claims.embed import E5Embedder
from wenming.detectors.claims.formats import (
    FORMATS,
    Format,
    detect_format,
    read_factchecks,
    write_factchecks,
)
from wenming.detectors.claims.matcher import DenseMode
from wenming.detectors.claims.registry import DEFAULT_DIR, FactCheckDir

err = Console(stderr=True)
claims_app = typer.Typer(
    help="The fact-check registry: import, export, match posts.", no_args_is_help=True
)
app.add_typer(claims_app, name="claims")

RegistryOpt = Annotated[
    Path,
    typer.Option(
        "--registry",
        envvar="WENMING_FACTCHECKS_DIR",
        help="Registry directory (created on first import).",
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help=f"One of {', '.join(FORMATS)} (default: from the file name)."
    ),
]


def _format(value: str | None, name: str) -> Format:
    if value is None:
        return detect_format(name)
    if value not in FORMATS:
        err.print(f"[bold red]unknown format {value!r}[/]: use one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    return value


def _progress(label: str) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


@claims_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="ClaimReview JSON-LD, CSV or JSONL file.")],
    fmt: FormatOpt = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="Import into this registry directory instead of the database.",
        ),
    ] = None,
) -> None:
    """Add fact-checks to the database (or a registry directory) and embed them; changed
    ones get a new version.

    The whole file is checked first: if any record is bad, the errors are listed with their line or position and nothing is imported (exit status 2).
    """  # noqa: E501
    try:
        data = file.read_bytes()
    except OSError as exc:
        err.print(f"[bold red]cannot read {file}[/]: {exc.strerror}")
        raise typer.Exit(2) from None
    try:
        incoming = read_factchecks(data, fmt=_format(fmt, file.name), source=str(file))
    except FactCheckError as exc:
        err.print(f"[bold red]import refused[/] {exc}")
        raise typer.Exit(2) from None
    if registry is None:
        _into_database(incoming)
        return
    reg = FactCheckDir(registry)
    report = reg.upsert(incoming)
    factchecks = reg.load()
    with _progress("embedding") as bar:
        task = bar.add_task("embed", total=len(factchecks))
        reg.vectors(factchecks, E5Embedder(), progress=lambda n: bar.update(task, completed=n))
    err.print(
        f"[bold]imported {len(incoming)} fact-check(s)[/] into {registry}: "
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged; "
        f"{len(factchecks)} in the registry"
    )


def _into_database(incoming: list[FactCheck]) -> None:
    from datetime import UTC, datetime

    from wenming.cli import _service
    from wenming.service import factcheck

    rt = _service.runtime()
    try:
        with _progress("embedding") as bar:
            bar.add_task("embed", total=None)
            done = factcheck.put(
                rt.store, rt.resources.embedder(), incoming, actor="cli", now=datetime.now(UTC)
            )
    finally:
        rt.close()
    counts = {k: sum(1 for _, c in done if c == k) for k in ("created", "updated", "unchanged")}
    err.print(
        f"[bold]imported {len(incoming)} fact-check(s)[/] into the database: "
        f"{counts['created']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged"
    )


@claims_app.command("export")
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.")
    ] = "claimreview",
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write; '-' is stdout.")
    ] = "-",
    registry: RegistryOpt = Path(DEFAULT_DIR),
) -> None:
    """Write every fact-check in the registry as ClaimReview JSON-LD, CSV or JSONL."""
    chosen = _format(fmt, "")
    factchecks = FactCheckDir(registry).load()
    with ExitStack() as stack:
        dst: TextIO = (
            sys.stdout
            if output == "-"
            else stack.enter_context(open(output, "w", encoding="utf-8", newline=""))
        )
        n = write_factchecks(factchecks, dst, fmt=chosen)
    err.print(f"exported {n} fact-check(s) as {chosen}")


@claims_app.command("match")
def match(
    input: Annotated[str, typer.Argument(help="JSONL posts ({id, text}); '-' reads stdin.")],
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=100, help="Matches per post.")] = 5,
    output: Annotated[
        str, typer.Option("--output", "-o", help="JSONL to write; '-' is stdout.")
    ] = "-",
    min_score: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Leave out matches scoring below this.")
    ] = 0.0,
    dense: Annotated[
        str,
        typer.Option(help="auto (the cascade), always (embed every post) or never (lexical only)."),
    ] = "auto",
    registry: RegistryOpt = Path(DEFAULT_DIR),
) -> None:
    """Write, for each post, {"id", "matches": [{"claim_id", "score"}, ...]} best first."""
    if dense not in ("auto", "always", "never"):
        err.print("[bold red]--dense[/] must be auto, always or never")
        raise typer.Exit(2)
    mode: DenseMode = dense  # type: ignore[assignment]
    reg = FactCheckDir(registry)
    with _progress("embedding registry") as bar:
        task = bar.add_task("embed", total=None)
        matcher = reg.matcher(E5Embedder(), progress=lambda n: bar.update(task, completed=n))
    if not len(matcher):
        err.print(f"[yellow]the registry {registry} is empty[/]: run `wenming claims import`")
    bad = 0
    with ExitStack() as stack:
        src = sys.stdin.buffer if input == "-" else stack.enter_context(open(input, "rb"))
        dst: TextIO = (
            sys.stdout
            if output == "-"
            else stack.enter_context(open(output, "w", encoding="utf-8"))
        )
        batch: list[tuple[str, str]] = []

        def flush() -> None:
            results = matcher.match([t for _, t in batch], top=top, dense=mode, min_score=min_score)
            for (item_id, _), found in zip(batch, results, strict=True):
                line = {"id": item_id, "matches": [m.to_dict() for m in found]}
                dst.write(json.dumps(line, ensure_ascii=False) + "\n")
            batch.clear()

        for row in read_items(src):
            if isinstance(row, BadLine):
                bad += 1
                err.print(f"[yellow]line {row.line}[/]: {row.reason}")
                continue
            batch.append((row.id, row.text))
            if len(batch) >= 64:
                flush()
        if batch:
            flush()
    s = matcher.stats
    err.print(
        f"matched {s.posts} post(s) against {len(matcher)} fact-check(s): "
        f"{s.dense} embedded, {s.lexical_only} settled by the lexical stage, "
        f"{s.too_short} too short"
    )
    if bad:
        raise typer.Exit(1)


@claims_app.command("push")
def push(registry: RegistryOpt = Path(DEFAULT_DIR)) -> None:
    """Copy the registry directory into the service's database (WENMING_DATABASE_URL)."""
    from datetime import UTC, datetime

    from wenming.cli import _service
    from wenming.service import factcheck

    factchecks = FactCheckDir(registry).load()
    rt = _service.runtime()
    try:
        with _progress("embedding") as bar:
            bar.add_task("embed", total=None)
            done = factcheck.put(
                rt.store, rt.resources.embedder(), factchecks, actor="cli", now=datetime.now(UTC)
            )
    finally:
        rt.close()
    counts = {k: sum(1 for _, c in done if c == k) for k in ("created", "updated", "unchanged")}
    err.print(
        f"pushed {len(done)} fact-check(s): {counts['created']} created, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged"
    )


@claims_app.command("pull")
def pull(registry: RegistryOpt = Path(DEFAULT_DIR)) -> None:
    """Write the database's registry (with its embeddings) to the registry directory,
    where screening detectors read it."""
    from wenming.cli import _service
    from wenming.service import factcheck

    rt = _service.runtime()
    try:
        n = factcheck.snapshot(rt.store, registry)
    finally:
        rt.close()
    err.print(f"wrote {n} fact-check(s) to {registry}")
