"""Training and scoring refuse unusable input with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.detectors.classifier.conftest import write_jsonl
from wenming.cli import _load_commands, app
from wenming.detectors.classifier.data import DataError, read_labelled
from wenming.detectors.classifier.model import ModelError, load_model

_load_commands()
runner = CliRunner()


def _train(path: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["train", "--data", str(path), "--name", "x", *extra])
    return result.exit_code, " ".join(result.output.split())


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    code, out = _train(empty)
    assert code == 2
    assert "no records" in out


def test_one_class_file(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "one.jsonl", [{"text": f"t {i}", "label": "ok"} for i in range(10)]
    )
    code, out = _train(path)
    assert code == 2
    assert "label 'ok'" in out and "at least two labels" in out


def test_missing_field_names_the_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "m.jsonl", [{"text": "a", "label": 1}, {"text": "b"}])
    code, out = _train(path)
    assert code == 2
    assert "m.jsonl:2" in out and "'label'" in out and "--label-field" in out


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "label": 1}\n{nope\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl:2: not valid JSON"):
        read_labelled(path)


def test_too_few_of_a_class(tmp_path: Path) -> None:
    rows = [{"text": f"good {i}", "label": 0} for i in range(10)] + [{"text": "bad", "label": 1}]
    code, out = _train(write_jsonl(tmp_path / "few.jsonl", rows))
    assert code == 2
    assert "too few examples of '1' (1)" in out


def test_missing_file_and_model(tmp_path: Path) -> None:
    code, out = _train(tmp_path / "nope.jsonl")
    assert code == 2 and "no such file" in out
    with pytest.raises(ModelError, match="no model named 'no-such-model'"):
        load_model("no-such-model")
    result = runner.invoke(app, ["classify", "-", "--model", "no-such-model"], input="")
    assert result.exit_code == 2 and "no model named" in result.output


def test_eval_refuses_labels_the_model_does_not_know(
    tmp_path: Path, toy_jsonl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _train(toy_jsonl, "--folds", "3")[0] == 0
    other = write_jsonl(tmp_path / "o.jsonl", [{"text": "x", "label": "maybe"}])
    result = runner.invoke(app, ["eval", "--model", "x", "--data", str(other)])
    assert result.exit_code == 2 and "'maybe'" in result.output


def test_bad_ngram_option(toy_jsonl: Path) -> None:
    code, out = _train(toy_jsonl, "--char-ngrams", "4-1")
    assert code == 2 and "--char-ngrams" in out
