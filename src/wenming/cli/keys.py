"""``wenming keys``: create, list and revoke API keys."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wenming.cli import app
from wenming.cli._service import err, runtime
from wenming.service import keys as key_service
from wenming.service.errors import ServiceError
from wenming.service.keys import Role

keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


@keys_app.command("create")
def create(
    role: Annotated[Role, typer.Option(help="What the key may do.", case_sensitive=False)],
    platform: Annotated[
        str | None,
        typer.Option(
            help="Bind the key to this platform (created if new); it then sees "
            "that platform's data only. Required for --role platform."
        ),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="A label to recognise the key by.")] = "",
    rate_limit: Annotated[
        float | None,
        typer.Option(
            help="Requests per second for this key (0 = unlimited; default: "
            "WENMING_RATE_LIMIT_PER_SECOND)."
        ),
    ] = None,
) -> None:
    """Create an API key and print it once; only its hash is stored."""
    rt = runtime()
    try:
        created = key_service.create(
            rt.store,
            secret=rt.settings.secret_key.get_secret_value(),
            role=role,
            platform=platform,
            label=name or f"{role.value} key",
            rate_limit=rate_limit,
            actor=_actor(),
            now=datetime.now(UTC),
        )
    except ServiceError as exc:
        err.print(f"[bold red]error[/] {exc.message}")
        raise typer.Exit(2) from None
    finally:
        rt.close()
    if created.platform_created:
        err.print(f"created platform {platform!r}")
    where = f" for platform {platform!r}" if platform else ""
    err.print(f"created {role.value} key #{created.key.id}{where}; it is shown only once:")
    typer.echo(created.token)


@keys_app.command("list")
def list_() -> None:
    """List keys (never the keys themselves)."""
    rt = runtime()
    try:
        rows = key_service.key_list(rt.store)
    finally:
        rt.close()
    table = Table("id", "prefix", "role", "platform", "label", "created", "revoked")
    for k in rows:
        table.add_row(
            str(k.id),
            k.prefix + "…",
            k.role,
            k.platform_name or "-",
            k.label,
            k.created_at.strftime("%Y-%m-%d %H:%M"),
            k.revoked_at.strftime("%Y-%m-%d %H:%M") if k.revoked_at else "",
        )
    Console().print(table)


@keys_app.command("revoke")
def revoke(key_id: Annotated[int, typer.Argument(help="The key's id (see `keys list`).")]) -> None:
    """Revoke a key; servers stop accepting it within WENMING_KEY_CACHE_SECONDS."""
    rt = runtime()
    try:
        key_service.revoke(rt.store, key_id, actor=_actor(), now=datetime.now(UTC))
    except ServiceError as exc:
        err.print(f"[bold red]error[/] {exc.message}")
        raise typer.Exit(1) from None
    finally:
        rt.close()
    err.print(f"revoked key #{key_id}")
