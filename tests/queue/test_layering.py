"""The queue layer knows nothing of the store, the service or the edges (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import wenming.queue

FORBIDDEN = (
    "wenming.store",
    "wenming.service",
    "wenming.api",
    "wenming.cli",
    "wenming.web",
    "wenming.runtime",
    "wenming.worker.loop",
    "wenming.runtime.streams",
    "sqlalchemy",
    "fastapi",
)


def test_queue_imports_no_outer_layer() -> None:
    offenders = []
    for path in Path(wenming.queue.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)
            ]
    assert offenders == []
