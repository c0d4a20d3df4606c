"""Training a :class:`~.heads.MultiHead`: shared features, one NB-LR per head.

Each row says, per head, harmful (1), harmless (0) or unknown (-1): a COLD row labelled
offensive says nothing about spam, so it trains only the heads it has a label for.
Every head is an NB-weighted logistic regression on the rows it knows, predicted
out-of-fold with *grouped* folds (rows generated from one written template share a
group, so a template is never on both sides of a fold), Platt-calibrated and given
its decision threshold on those held-out scores, then refitted on all its rows.
Calibration weights both classes equally (:func:`_balanced_platt`): a score is the
probability under equal priors, not under the training mix's base rate.

Needs scikit-learn and scipy (the ``[train]`` extra); scoring needs numpy only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from wenming.detectors.classifier.features import F32
from wenming.detectors.classifier.heads import Head, MultiHead
from wenming.detectors.classifier.metrics import best_threshold, roc_auc, threshold_for_precision
from wenming.detectors.classifier.model import Calibration
from wenming.detectors.classifier.train import (
    TrainOptions,
    _nb_ratio,
    _wenming_version,
    build_vocabulary,
    matrix,
)

I8 = npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True)
class HeadData:
    """Texts, a ``(n, heads)`` label matrix (1, 0 or -1 unknown), groups and row weights."""

    texts: list[str]
    y: I8
    groups: list[str]
    weights: npt.NDArray[np.float64]
    heads: tuple[str, ...]
    sources: dict[str, int]


def _fit(
    x: Any, y: npt.NDArray[np.bool_], w: npt.NDArray[np.float64], c: float
) -> tuple[F32, float]:
    from sklearn.linear_model import LogisticRegression  # training-only dependency

    r = _nb_ratio(x, y)
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    clf.fit(x.multiply(r).tocsr(), y.astype(np.int64), sample_weight=w)
    return (clf.coef_[0] * r).astype(np.float32), float(clf.intercept_[0])


def _balanced_platt(z: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> Calibration:
    """Platt scaling with both classes weighted equally (probability under equal priors).

    A head's training mix is nothing like traffic (a few hundred threats beside tens of
    thousands of clean public rows), so calibrating to that mix's 1% base rate would
    keep every threat's score low; equal priors give scores a policy weight can act on.
    """
    from sklearn.linear_model import LogisticRegression  # training-only dependency

    clf = LogisticRegression(C=1e4, solver="lbfgs", class_weight="balanced")
    clf.fit(z[:, None], y)
    return Calibration(a=float(clf.coef_[0, 0]), b=float(clf.intercept_[0]))


def train_heads(
    data: HeadData,
    *,
    name: str,
    options: TrainOptions | None = None,
    lang: str | None = None,
    sources: Sequence[dict[str, Any]] = (),
    progress: Callable[[str], None] | None = None,
) -> MultiHead:
    """Fit every head (not yet saved: call :meth:`MultiHead.save`)."""
    from sklearn.model_selection import GroupKFold  # training-only dependency

    opts = options or TrainOptions()
    say = progress or (lambda _m: None)
    vocab = build_vocabulary(
        data.texts, opts.spec, min_df=opts.min_df, max_features=opts.max_features
    )
    say(f"{name}: {len(vocab)} n-grams")
    x = matrix(data.texts, opts.spec, vocab)
    groups = np.array(data.groups)
    coef = np.zeros((len(vocab), len(data.heads)), dtype=np.float32)
    intercept = np.zeros(len(data.heads), dtype=np.float32)
    heads: list[Head] = []
    figures: dict[str, Any] = {}
    for j, head in enumerate(data.heads):
        known = np.flatnonzero(data.y[:, j] >= 0)
        xk, yk, wk, gk = x[known], data.y[known, j] == 1, data.weights[known], groups[known]
        # shuffle groups deterministically so GroupKFold's folds are not ordered by source
        rng = np.random.default_rng(opts.seed + j)
        uniq, inverse = np.unique(gk, return_inverse=True)
        gk = rng.permutation(len(uniq))[inverse]
        oof = np.zeros(len(known), dtype=np.float64)
        for tr, va in GroupKFold(n_splits=opts.folds).split(xk, yk, gk):
            w, b = _fit(xk[tr], yk[tr], wk[tr], opts.c)
            oof[va] = xk[va] @ w + b
        cal = _balanced_platt(oof, yk)
        p = cal.binary(oof.astype(np.float32)).astype(np.float64)
        decision = best_threshold(yk, p)
        thresholds = {"decision": round(decision, 4)}
        for target in opts.target_precisions:
            t = threshold_for_precision(yk, p, target)
            if t is not None:
                thresholds[f"precision_{target:.2f}"] = round(t, 4)
        pred = p >= decision
        tp = int((pred & yk).sum())
        figures[head] = {
            "rows": len(known),
            "positives": int(yk.sum()),
            "precision": round(tp / max(1, int(pred.sum())), 4),
            "recall": round(tp / max(1, int(yk.sum())), 4),
            "auc": None if (a := roc_auc(yk, p)) is None else round(a, 4),
        }
        w, b = _fit(xk, yk, wk, opts.c)
        coef[:, j], intercept[j] = w, b
        heads.append(Head(head, cal.a, cal.b, decision, thresholds))
        say(f"{name}:{head}: {figures[head]}")
    card = {
        "name": name,
        "task": "multi-head (one binary head per category)",
        "lang": lang,
        "heads": list(data.heads),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "wenming_version": _wenming_version(),
        "data": {"rows": len(data.texts), "by_source": data.sources},
        "sources": list(sources),
        "training": {
            **opts.to_dict(),
            "vocabulary": len(vocab),
            "method": "per head: NB-weighted logistic regression on shared hashed n-gram TF-IDF",
        },
        "heldout": {
            "method": f"{opts.folds}-fold grouped out-of-fold predictions (a written template "
            "is one group), at each head's decision threshold",
            **figures,
        },
    }
    return MultiHead(name, opts.spec, vocab, coef, intercept, tuple(heads), card)
