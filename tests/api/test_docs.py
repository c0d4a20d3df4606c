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


@pytest.mark.parametrize(
    "command",
    ["wenming serve", "wenming db upgrade", "wenming db current", "wenming keys create",
     "wenming keys list", "wenming keys revoke", "wenming audit verify"],
)  # fmt: skip
def test_every_service_command_is_documented(command: str) -> None:
    assert command in (DOCS / "operations.md").read_text(encoding="utf-8")
