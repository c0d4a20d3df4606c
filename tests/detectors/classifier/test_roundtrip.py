"""train → save → load → eval → classify, through the API and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.detectors.classifier.conftest import toy_rows, write_jsonl
from wenming.cli import _load_commands, app
from wenming.detectors.classifier.data import Labelled, read_labelled
from wenming.detectors.classifier.features import FeatureSpec
from wenming.detectors.classifier.model import Model, load_model
from wenming.detectors.classifier.train import TrainOptions, train

_load_commands()
runner = CliRunner()
FAST = TrainOptions(folds=3, max_features=5000)


def test_train_save_load_scores_the_same(tmp_path: Path, toy_jsonl: Path) -> None:
    data = read_labelled(toy_jsonl)
    model = train(data, name="toy", options=FAST).save(tmp_path / "toy")
    loaded = Model.load(tmp_path / "toy")
    texts = ["you are a stupid idiot", "thanks, this is so helpful"]
    assert loaded.version == model.version and loaded.version.startswith("toy@")
    np.testing.assert_allclose(loaded.score(texts), model.score(texts), atol=2e-3)
    labels, scores = loaded.predict(texts)
    assert labels == ["OFF", "NOT"]
    assert scores[0] > 0.5 > scores[1]


def test_model_card_records_data_and_heldout_figures(tmp_path: Path, toy_jsonl: Path) -> None:
    train(read_labelled(toy_jsonl), name="toy", options=FAST, lang="en").save(tmp_path / "m")
    card = json.loads((tmp_path / "m" / "card.json").read_text(encoding="utf-8"))
    assert card["data"]["rows"] == 120 and len(card["data"]["sha256"]) == 64
    assert card["data"]["labels"] == {"NOT": 60, "OFF": 60}
    assert card["positive"] == "OFF" and card["lang"] == "en"
    assert card["heldout"]["accuracy"] > 0.9
    assert {"decision", "precision_0.90"} <= set(card["thresholds"])
    assert card["created"] and card["version"].startswith("toy@")
    meta = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert meta["format"] == 1 and meta["labels"] == ["NOT", "OFF"]


def test_multiclass_scores_one_minus_the_harmless_class() -> None:
    rows = toy_rows(90)
    for i, r in enumerate(rows):
        if i % 3 == 2:
            r["text"] = f"win a free prize now call {i} claim cash offer"
            r["label"] = "spam"
        else:
            r["label"] = "neither" if r["label"] == "NOT" else "abuse"
    data = Labelled([str(r["text"]) for r in rows], [str(r["label"]) for r in rows], "", "x")
    model = train(data, name="multi", options=FAST)
    assert model.labels == ("abuse", "neither", "spam") and model.negative == "neither"
    labels, scores = model.predict(["free prize call now", "you stupid moron"])
    assert labels == ["spam", "abuse"]
    p = model.proba(["free prize call now"])
    assert p.shape == (1, 3) and abs(float(p.sum()) - 1.0) < 1e-5
    assert scores[0] == pytest.approx(1.0 - p[0, 1], abs=1e-6)


def test_char_only_features_learn_chinese() -> None:
    bad = ["你真是个白痴", "滚开你这个废物", "垃圾东西闭嘴", "你这个蠢货", "脑子有病吧你"] * 6
    good = [
        "今天天气很好",
        "谢谢你的帮助",
        "这篇文章写得不错",
        "我们一起去吃饭",
        "祝你生日快乐",
    ] * 6
    data = Labelled(bad + good, ["1"] * 30 + ["0"] * 30, "", "zh")
    opts = TrainOptions(spec=FeatureSpec(1, 3, 0, 0), folds=3)
    model = train(data, name="zh", options=opts)
    assert model.positive == "1"
    s = model.score(["你这个白痴废物", "谢谢你，今天很好"])
    assert s[0] > 0.5 > s[1]


def test_cli_train_eval_classify(
    tmp_path: Path, toy_jsonl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["train", "--data", str(toy_jsonl), "--name", "toy", "--folds", "3", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "trained toy@" in result.output
    assert (tmp_path / "models" / "toy" / "weights.npz").is_file()
    assert load_model("toy").name == "toy"  # found by name under ./models

    result = runner.invoke(app, ["eval", "--model", "toy", "--data", str(toy_jsonl)])
    assert result.exit_code == 0, result.output
    for word in ("accuracy", "macro-F1", "AUC", "per class", "confusion", "OFF", "NOT"):
        assert word in result.output

    result = runner.invoke(app, ["eval", "--model", "toy", "--data", str(toy_jsonl), "--json"])
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["accuracy"] > 0.9 and figures["confusion"]["labels"] == ["NOT", "OFF"]

    items = write_jsonl(
        tmp_path / "items.jsonl",
        [{"id": 1, "text": "you moron, so dumb"}, {"id": "b", "text": "thanks, so kind"}],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", str(items), "--model", "toy", "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [set(r) for r in rows] == [{"id", "score", "label"}] * 2
    assert [r["id"] for r in rows] == [1, "b"]
    assert [r["label"] for r in rows] == ["OFF", "NOT"]
    assert rows[0]["score"] > 0.5 > rows[1]["score"]


def test_cli_reads_csv_with_named_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = ["comment,is_rude"] + [f'"{r["text"]}",{int(r["label"] == "OFF")}' for r in toy_rows()]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "train",
            "--data",
            "d.csv",
            "--name",
            "csvmodel",
            "--folds",
            "3",
            "--text-field",
            "comment",
            "--label-field",
            "is_rude",
        ],
    )
    assert result.exit_code == 0, result.output
    assert load_model("csvmodel").positive == "1"
