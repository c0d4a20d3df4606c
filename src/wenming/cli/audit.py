"""``wenming audit``: verify the hash-chained audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from wenming.cli import app
from wenming.cli._service import runtime
from wenming.service import audit as audit_service
from wenming.service import checkpoints, evidence

audit_app = typer.Typer(help="The audit log: verify its hash chain.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    chain_only: Annotated[
        bool,
        typer.Option("--chain-only", help="Check the chain only, not the records it covers."),
    ] = False,
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoint",
            help="An earlier checkpoint (JSON) the chain must still agree with; repeatable.",
        ),
    ] = None,
) -> None:
    """Walk the audit chain from the start; report the first broken link, every record
    (decision, case decision, strike, sanction, fact-check version) with no agreeing
    entry, and any earlier checkpoint the chain no longer matches (exit code 1)."""
    rt = runtime()
    try:
        report = audit_service.verify(
            rt.store, decisions=not chain_only, keys=rt.settings.audit_verify_keys()
        )
        missing = [] if chain_only else evidence.unaccounted(rt.store)
        key = rt.settings.audit_mac_key()
        stale = []
        for path in checkpoint or []:
            point = json.loads(path.read_text(encoding="utf-8"))
            problem = checkpoints.check(rt.store, point, key=key)
            if problem:
                stale.append(f"{path}: {problem}")
    finally:
        rt.close()
    if report.ok and not missing and not stale:
        typer.echo(
            f"audit chain OK: {report.entries} entries, {report.decisions_checked} decisions "
            f"checked, {report.macs_checked} entry MACs checked; "
            f"head #{report.head_seq} {report.head_hash}"
        )
        if report.entries and not report.macs_checked and rt.settings.audit_verify_keys():
            typer.echo(
                "note: no entry carries a MAC although an audit key is given: the key was "
                "set after the newest entry, or every MAC was stripped (only a published "
                "checkpoint can tell which)"
            )
        return
    if not report.ok:
        typer.echo(
            f"audit chain BROKEN at entry #{report.broken_seq}: {report.problem} "
            f"({report.entries} entries before it verified)"
        )
    for line in missing:
        typer.echo(f"audit log INCOMPLETE: {line}")
    for line in stale:
        typer.echo(f"audit checkpoint MISMATCH: {line}")
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint_cmd(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write it here [default: stdout].")
    ] = None,
) -> None:
    """Print a checkpoint of the chain's head (MAC'd with the audit key when one is set),
    to publish where the database's operators cannot rewrite it."""
    rt = runtime()
    try:
        point = checkpoints.make(rt.store, key=rt.settings.audit_mac_key(), now=datetime.now(UTC))
    except ValueError as exc:
        typer.echo(f"no checkpoint: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        rt.close()
    text = json.dumps(point, sort_keys=True)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
