"""``wenming users``: console users who sign in with a username and password."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Annotated

import typer

from wenming.cli import app
from wenming.cli._service import err, runtime
from wenming.service import users as user_service
from wenming.service.errors import ServiceError
from wenming.service.keys import Role

users_app = typer.Typer(
    help="Console users (username and password, stored hashed).", no_args_is_help=True
)
app.add_typer(users_app, name="users")


@users_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="The name to sign in with.")],
    role: Annotated[Role, typer.Option(help="What the user may do.", case_sensitive=False)] = (
        Role.MODERATOR
    ),
    platform: Annotated[
        str | None,
        typer.Option(
            help="Bind the user to this platform; it then sees that platform's data only."
        ),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="The password (prompted for, unechoed, when omitted; at least 10 characters).",
            envvar="WENMING_NEW_USER_PASSWORD",
        ),
    ] = None,
) -> None:
    """Create a console user; the password is stored as a scrypt hash, never in clear."""
    if password is None:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            err.print("[bold red]error[/] the passwords differ")
            raise typer.Exit(2)
    rt = runtime()
    try:
        user_service.create(
            rt.store,
            username=username,
            password=password,
            role=role,
            platform=platform,
            secret=rt.settings.secret_key.get_secret_value(),
            actor=f"cli:{getpass.getuser()}",
            now=datetime.now(UTC),
        )
    except ServiceError as exc:
        err.print(f"[bold red]error[/] {exc.message}")
        raise typer.Exit(2) from None
    finally:
        rt.close()
    err.print(f"created {role.value} user {username!r}; sign in at /console")
