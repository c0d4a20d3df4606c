"""Classification metrics in plain numpy: accuracy, macro-F1, per-class P/R/F1, AUC.

:func:`report` is what ``wenming eval`` prints and what a model card stores; the
figures match scikit-learn's definitions (macro-F1 is the unweighted mean of the
per-class F1; AUC is the ROC area, one-vs-rest and macro-averaged for several
classes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class ClassFigures:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Report:
    """Every figure ``wenming eval`` prints, in a form a model card can store."""

    n: int
    accuracy: float
    macro_f1: float
    auc: float | None
    labels: tuple[str, ...]
    classes: tuple[ClassFigures, ...]
    confusion: list[list[int]]
    extra: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "auc": None if self.auc is None else round(self.auc, 4),
            "per_class": {
                c.label: {
                    "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4),
                    "f1": round(c.f1, 4),
                    "support": c.support,
                }
                for c in self.classes
            },
            "confusion": {"labels": list(self.labels), "matrix": self.confusion},
            **{k: round(v, 4) for k, v in self.extra.items()},
        }


def roc_auc(y: npt.NDArray[np.bool_], score: npt.NDArray[np.floating[Any]]) -> float | None:
    """Area under the ROC curve (ties count half); ``None`` if one class is absent."""
    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s), dtype=np.float64)
    # average ranks over ties
    _, first, counts = np.unique(s, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def report(
    gold: Sequence[str],
    predicted: Sequence[str],
    *,
    labels: Sequence[str],
    scores: npt.NDArray[np.floating[Any]] | None = None,
    positive: str | None = None,
) -> Report:
    """Score predictions against gold labels.

    ``scores`` are harm scores (binary: probability of ``positive``) and give the AUC.
    """
    names = list(labels) + sorted(set(gold) - set(labels))
    index = {name: i for i, name in enumerate(names)}
    g = np.array([index[x] for x in gold], dtype=np.int64)
    p = np.array([index.get(x, 0) for x in predicted], dtype=np.int64)
    k = len(names)
    cm = np.bincount(g * k + p, minlength=k * k).reshape(k, k)
    classes = []
    for i, name in enumerate(names):
        tp = float(cm[i, i])
        prec = tp / cm[:, i].sum() if cm[:, i].sum() else 0.0
        rec = tp / cm[i, :].sum() if cm[i, :].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        classes.append(ClassFigures(name, prec, rec, f1, int(cm[i, :].sum())))
    present = [c for c in classes if c.support > 0 or c.precision > 0]
    auc = None
    if scores is not None and positive is not None:
        auc = roc_auc(np.array([x == positive for x in gold]), np.asarray(scores))
    return Report(
        n=len(gold),
        accuracy=float(np.trace(cm) / max(1, len(gold))),
        macro_f1=float(np.mean([c.f1 for c in present])) if present else 0.0,
        auc=auc,
        labels=tuple(names),
        classes=tuple(classes),
        confusion=cm.tolist(),
    )


def threshold_for_precision(
    y: npt.NDArray[np.bool_], score: npt.NDArray[np.floating[Any]], target: float
) -> float | None:
    """The lowest score threshold whose precision on ``(y, score)`` reaches ``target``."""
    order = np.argsort(-score, kind="mergesort")
    s, yy = score[order], y[order]
    tp = np.cumsum(yy)
    precision = tp / np.arange(1, len(yy) + 1)
    # only cut between distinct scores
    last = np.r_[s[1:] != s[:-1], True]
    ok = np.flatnonzero((precision >= target) & last)
    if len(ok) == 0:
        return None
    return float(s[ok[-1]])


def best_threshold(y: npt.NDArray[np.bool_], score: npt.NDArray[np.floating[Any]]) -> float:
    """The threshold with the best binary macro-F1 on ``(y, score)``."""
    grid = np.unique(np.round(score, 3))
    if len(grid) > 400:
        grid = np.quantile(score, np.linspace(0.0, 1.0, 401))
    best, best_t = -1.0, 0.5
    pos = int(y.sum())
    for t in grid:
        pred = score >= t
        tp = int((pred & y).sum())
        fp = int(pred.sum()) - tp
        fn = pos - tp
        tn = len(y) - tp - fp - fn
        f1p = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        f1n = 2 * tn / (2 * tn + fp + fn) if tn else 0.0
        m = (f1p + f1n) / 2
        if m > best:
            best, best_t = m, float(t)
    return best_t
