"""``wenming serve`` refuses to run a real (non-demo) server on the built-in secret."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from wenming.cli import _load_commands, app

_load_commands()
runner = CliRunner()


def test_serve_refuses_the_development_secret_without_demo(tmp_path: Path) -> None:
    env = {"WENMING_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}", "WENMING_ENV": "development"}
    result = runner.invoke(app, ["serve", "--port", "0"], env=env)
    assert result.exit_code == 2, result.output
    assert "WENMING_SECRET_KEY" in result.output
    assert not (tmp_path / "w.db").exists()  # refused before touching anything
