"""``wenming export-training`` end to end on a fresh SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from wenming.cli import _load_commands, app
from wenming.config import Settings
from wenming.runtime import Runtime

_load_commands()


def test_exports_jsonl_and_refuses_a_bad_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    Runtime.build(Settings(database_url=url), migrate_db=True).close()
    monkeypatch.setenv("WENMING_DATABASE_URL", url)
    out = tmp_path / "train.jsonl"
    ok = CliRunner().invoke(app, ["export-training", "--output", str(out), "--since", "2026-01-01"])
    assert ok.exit_code == 0, ok.output
    assert out.exists() and "exported 0 decided items" in ok.output
    bad = CliRunner().invoke(app, ["export-training", "--since", "yesterday"])
    assert bad.exit_code != 0 and "not a date" in bad.output
