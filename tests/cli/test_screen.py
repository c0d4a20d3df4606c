"""``wenming screen``: JSONL and CSV in, JSONL out, bad lines reported and skipped."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wenming.cli import _load_commands, app

_load_commands()
runner = CliRunner()


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_screens_a_jsonl_file(tmp_path: Path, policy_file: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": "a", "text": "傻 逼", "lang": "zh", "unknown": 1}\n'
        '{"id": 2, "text": "nice weather"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["screen", str(src), "--policy", str(policy_file), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = _lines(out)
    assert [(r["id"], r["verdict"]) for r in rows] == [("a", "block"), ("2", "allow")]
    assert rows[0]["evidence"][0]["match"] == "傻 逼"  # type: ignore[index]
    assert "screened 2 items" in result.output


def test_stdin_to_stdout(policy_file: Path) -> None:
    result = runner.invoke(
        app,
        ["screen", "-", "--policy", str(policy_file)],
        input='{"id": "x", "text": "buy followers"}\n',
    )
    assert result.exit_code == 0
    first = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    assert json.loads(first)["labels"] == ["spam"]


def test_bad_lines_are_reported_and_the_rest_is_kept(tmp_path: Path, policy_file: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b'{"id": "1", "text": "ok"}\nnot json\n{"id": "3"}\n\xff\xfe\n'
        b'{"id": "5", "text": 5}\n[1]\n{"id": "7", "text": "fuck"}\n'
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["screen", str(src), "-p", str(policy_file), "-o", str(out)])
    assert result.exit_code == 1
    assert [r["id"] for r in _lines(out)] == ["1", "7"]
    for words in (
        "line 2: not JSON",
        "line 3: missing field 'text'",
        "line 4: not valid UTF-8",
        "line 5: field 'text' must be a string",
        "line 6: expected a JSON object",
        "5 bad input line(s) skipped",
    ):
        assert words in result.output


def test_strict_stops_at_the_first_bad_line(tmp_path: Path, policy_file: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\noops\n{"id": "3", "text": "ok"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["screen", str(src), "-p", str(policy_file), "-o", str(out), "--strict"]
    )
    assert result.exit_code == 1
    assert [r["id"] for r in _lines(out)] == ["1"]


def test_csv_input_with_a_text_column(tmp_path: Path, policy_file: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('id,body\nc1,"加微信, 领红包"\nc2,hello\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["screen", str(src), "-p", str(policy_file), "-o", str(out), "--text-column", "body"]
    )
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["labels"]) for r in _lines(out)] == [("c1", ["spam"]), ("c2", [])]
    result = runner.invoke(
        app, ["screen", str(src), "-p", str(policy_file), "-o", str(out), "--text-column", "nope"]
    )
    assert result.exit_code == 1 and "no column 'nope'" in result.output


def test_a_broken_policy_exits_2_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("categories:\n  s:\n    terms: [a]\n    block_at: 2\n", encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "a"}\n', encoding="utf-8")
    result = runner.invoke(app, ["screen", str(src), "-p", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:4:" in result.output


def test_missing_input_file_exits_2(tmp_path: Path, policy_file: Path) -> None:
    result = runner.invoke(app, ["screen", str(tmp_path / "nope.jsonl"), "-p", str(policy_file)])
    assert result.exit_code == 2 and "cannot read" in result.output


def test_policy_check_and_help(policy_file: Path) -> None:
    result = runner.invoke(app, ["policy", "check", str(policy_file)])
    assert result.exit_code == 0 and "abuse" in result.output
    result = runner.invoke(app, ["screen", "--help"])
    assert result.exit_code == 0 and "--text-column" in result.output
