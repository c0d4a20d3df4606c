"""How the service commands (serve, db, keys, audit) build their runtime from the
environment, turning configuration mistakes into a clear message and exit code 2."""

from __future__ import annotations

from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console

from wenming.config import Settings
from wenming.runtime import NotMigratedError, Runtime

err = Console(stderr=True)


def settings(**overrides: Any) -> Settings:
    """Settings from ``WENMING_*`` variables, with the command's options on top."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"])
            name = f"WENMING_{where.upper()}" if where else "settings"
            message = str(e["msg"]).removeprefix("Value error, ")
            err.print(f"[bold red]configuration error[/] {name}: {message}")
        raise typer.Exit(2) from None


def runtime(config: Settings | None = None, *, migrate_db: bool = False) -> Runtime:
    config = config or settings()
    try:
        return Runtime.build(config, migrate_db=migrate_db)
    except NotMigratedError as exc:
        err.print(f"[bold red]database not ready[/] {exc}")
        raise typer.Exit(2) from None
    except Exception as exc:
        err.print(f"[bold red]cannot open the database[/] {_safe_url(config)}: {exc}")
        raise typer.Exit(2) from None


def _safe_url(config: Settings) -> str:
    from wenming.store.engine import safe_url

    return safe_url(config.database_url)
