"""The numpy metrics agree with scikit-learn's definitions."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from wenming.detectors.classifier.metrics import (
    best_threshold,
    report,
    roc_auc,
    threshold_for_precision,
)


def test_report_matches_sklearn() -> None:
    rng = np.random.default_rng(3)
    gold = rng.choice(["a", "b", "c"], size=300).tolist()
    pred = [g if rng.random() < 0.7 else "a" for g in gold]
    r = report(gold, pred, labels=["a", "b", "c"])
    assert abs(r.accuracy - accuracy_score(gold, pred)) < 1e-9
    assert abs(r.macro_f1 - f1_score(gold, pred, average="macro")) < 1e-9
    assert sum(map(sum, r.confusion)) == 300
    assert [c.support for c in r.classes] == [gold.count(x) for x in "abc"]


def test_auc_matches_sklearn_with_ties() -> None:
    rng = np.random.default_rng(5)
    y = rng.random(500) < 0.3
    s = np.round(rng.random(500) + y * 0.3, 1)
    assert abs((roc_auc(y, s) or 0) - roc_auc_score(y, s)) < 1e-9
    assert roc_auc(np.ones(3, bool), np.ones(3)) is None


def test_thresholds() -> None:
    y = np.array([0, 0, 1, 0, 1, 1, 1], bool)
    s = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.9])
    assert threshold_for_precision(y, s, 1.0) == 0.6
    assert threshold_for_precision(y, s, 0.8) == 0.3
    assert best_threshold(y, s) == 0.6
