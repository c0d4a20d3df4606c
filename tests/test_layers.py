"""The core stays pure: it imports no outer layer and no I/O framework (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import wenming.core

FORBIDDEN = (
    "wenming.detectors",
    "wenming.store",
    "wenming.service",
    "wenming.api",
    "wenming.web",
    "wenming.cli",
    "wenming.runtime",
    "wenming.queue",
    "sqlalchemy",
    "fastapi",
    "typer",
    "yaml",
    "httpx",
    "redis",
    "requests",
)


def test_core_imports_no_outer_layer() -> None:
    root = Path(wenming.core.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
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


def test_the_package_root_holds_only_the_composition_root_settings_and_layers() -> None:
    root = Path(wenming.core.__file__).parent.parent
    modules = sorted(p.name for p in root.glob("*.py"))
    assert modules == ["__init__.py", "config.py"]
    layers = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert layers == [
        "api",
        "cli",
        "core",
        "detectors",
        "http",
        "policies",
        "queue",
        "runtime",
        "server",
        "service",
        "store",
        "web",
        "worker",
    ]
    for layer in layers:
        doc = ast.get_docstring(ast.parse((root / layer / "__init__.py").read_text("utf-8")))
        assert doc and len(doc.splitlines()) >= 3, f"{layer}/__init__.py needs a docstring"
