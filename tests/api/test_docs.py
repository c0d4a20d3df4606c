"""Every setting, route and service command is documented (datasette's test_docs habit).

Settings and routes may be documented on any page under docs/ (operations.md and api.md
hold the service's own; other capabilities keep theirs on their own pages).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wenming.config import Settings
from wenming.runtime import Runtime
from wenming.server.app import create_app

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    token = f"`WENMING_{name.upper()}`"
    assert token in _docs(), f"{token} is documented on no page under docs/"


def test_every_route_is_documented(runtime: Runtime) -> None:
    text = _docs()
    paths = create_app(runtime).openapi()["paths"]
    missing = [p for p in paths if f"`{p}" not in text and f" {p}`" not in text]
    assert missing == [], f"routes documented on no page under docs/: {missing}"


def _commands() -> list[str]:
    """Every command of the ``wenming`` CLI, read from the Typer app itself."""
    import typer

    from wenming.cli import _load_commands, app

    _load_commands()

    def walk(group: typer.Typer, prefix: str) -> list[str]:
        out = []
        for cmd in group.registered_commands:
            name = cmd.name or (cmd.callback.__name__ if cmd.callback else "")
            out.append(f"{prefix} {name.rstrip('_').replace('_', '-')}")
        for sub in group.registered_groups:
            assert sub.typer_instance is not None and sub.name is not None
            out += walk(sub.typer_instance, f"{prefix} {sub.name}")
        return out

    return sorted(walk(app, "wenming"))


def test_the_command_list_is_read_from_the_cli() -> None:
    found = _commands()
    assert {
        "wenming serve",
        "wenming screen",
        "wenming claims import",
        "wenming keys create",
        "wenming audit verify",
    } <= set(found)
    assert len(found) >= 25


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_documented(command: str) -> None:
    assert f"`{command}" in _docs() or f"{command} " in _docs() or f"{command}\n" in _docs(), (
        f"{command!r} is documented on no page under docs/"
    )
