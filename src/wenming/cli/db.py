"""``wenming db``: apply and inspect the store's migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from wenming.cli import app
from wenming.cli._service import err, settings
from wenming.store import migrate
from wenming.store.engine import engine_create

db_app = typer.Typer(help="Database schema: apply and inspect migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command()
def upgrade(
    sql: Annotated[
        bool, typer.Option("--sql", help="Print the SQL for review instead of running it.")
    ] = False,
) -> None:
    """Apply pending migrations to the database named by WENMING_DATABASE_URL."""
    config = settings()
    if sql:
        typer.echo(migrate.upgrade_sql(config.sqlalchemy_url))
        return
    engine = engine_create(config.sqlalchemy_url, schema=config.database_schema, pool_size=1)
    try:
        before = migrate.current(engine)
        migrate.upgrade(engine)
        after = migrate.current(engine)
    except Exception as exc:
        err.print(f"[bold red]migration failed[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    if before == after:
        err.print(f"database already at revision {after}")
    else:
        err.print(f"database upgraded from {before or 'empty'} to revision {after}")


@db_app.command()
def current() -> None:
    """Print the database's revision and the newest one this wenming ships."""
    config = settings()
    engine = engine_create(config.sqlalchemy_url, schema=config.database_schema, pool_size=1)
    try:
        at = migrate.current(engine)
    finally:
        engine.dispose()
    want = migrate.head()
    typer.echo(f"database: {at or 'empty'}\nthis wenming: {want}")
    if at != want:
        raise typer.Exit(1)
