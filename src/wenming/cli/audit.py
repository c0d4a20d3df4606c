"""``wenming audit``: verify the hash-chained audit log."""

from __future__ import annotations

from typing import Annotated

import typer

from wenming.cli import app
from wenming.cli._service import runtime
from wenming.service import audit as audit_service

audit_app = typer.Typer(help="The audit log: verify its hash chain.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    chain_only: Annotated[
        bool,
        typer.Option("--chain-only", help="Check the chain only, not the decisions it records."),
    ] = False,
) -> None:
    """Walk the audit chain from the start; report the first broken link (exit code 1)."""
    rt = runtime()
    try:
        report = audit_service.verify(rt.store, decisions=not chain_only)
    finally:
        rt.close()
    if report.ok:
        typer.echo(
            f"audit chain OK: {report.entries} entries, {report.decisions_checked} decisions "
            f"checked; head #{report.head_seq} {report.head_hash}"
        )
        return
    typer.echo(
        f"audit chain BROKEN at entry #{report.broken_seq}: {report.problem} "
        f"({report.entries} entries before it verified)"
    )
    raise typer.Exit(1)
