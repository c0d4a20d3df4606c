"""The core stays pure: it imports no outer layer and no I/O framework (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import wenming.core

FORBIDDEN = ("wenming.detectors", "wenming.store", "wenming.service", "wenming.api",
             "wenming.web", "wenming.cli", "wenming.runtime", "wenming.queue", "sqlalchemy",
             "fastapi", "typer", "yaml", "httpx", "redis", "requests")  # fmt: skip


def test_core_imports_no_outer_layer() -> None:
    root = Path(wenming.core.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
    assert offenders == []
