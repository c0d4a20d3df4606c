"""Training: hashed n-gram TF-IDF, NB-weighted logistic regression, calibration, thresholds.

The recipe, in order:

1. hash every character and word n-gram (:mod:`wenming.detectors.classifier.features`) and keep
   the ``max_features`` most frequent that occur in at least ``min_df`` texts;
2. for binary tasks, scale each feature by its naive-Bayes log-count ratio (NB-SVM,
   Wang & Manning 2012) and fit an L2 logistic regression; multinomial otherwise;
3. predict every text out-of-fold (k-fold cross-validation), fit the calibration
   (Platt for binary, a temperature for several classes) on those held-out scores,
   and choose the decision threshold (best macro-F1) and the thresholds that reach
   the target precisions;
4. refit on all the data; the naive-Bayes ratios fold into the weights, so scoring
   is one sparse dot product.

scikit-learn and scipy are needed here only; scoring a trained model needs numpy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
import numpy.typing as npt

from wenming.detectors.classifier.data import DataError, Labelled, check_trainable
from wenming.detectors.classifier.features import (
    F32,
    U64,
    FeatureSpec,
    Vocabulary,
    ngram_keys,
    weighted,
)
from wenming.detectors.classifier.metrics import (
    best_threshold,
    report,
    threshold_for_precision,
)
from wenming.detectors.classifier.model import Calibration, Model

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: called as training advances (for progress bars)."""

POSITIVE_NAMES = (
    "1",
    "true",
    "yes",
    "off",
    "offensive",
    "abusive",
    "toxic",
    "hate",
    "spam",
    "harmful",
    "unsafe",
    "bad",
    "positive",
)
NEGATIVE_NAMES = (
    "0",
    "false",
    "no",
    "not",
    "none",
    "neither",
    "normal",
    "ham",
    "clean",
    "safe",
    "ok",
    "good",
    "harmless",
    "negative",
)
_CHUNK = 4000


@dataclass(frozen=True, slots=True)
class TrainOptions:
    """The knobs of :func:`train`; the defaults are those of the shipped models."""

    spec: FeatureSpec = field(default_factory=FeatureSpec)
    min_df: int = 2
    max_features: int = 200_000
    c: float = 4.0
    nb: bool = True
    folds: int = 5
    target_precisions: tuple[float, ...] = (0.8, 0.9, 0.95)
    seed: int = 13

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": self.spec.to_dict(),
            "min_df": self.min_df,
            "max_features": self.max_features,
            "C": self.c,
            "nb": self.nb,
            "folds": self.folds,
            "target_precisions": list(self.target_precisions),
            "seed": self.seed,
        }


def choose_positive(labels: Sequence[str], positive: str | None, counts: dict[str, int]) -> str:
    """The harmful class of a binary task: given, a known name, or the rarer label."""
    if positive is not None:
        if positive not in labels:
            raise DataError(
                f"--positive {positive!r} is not one of the labels {', '.join(map(repr, labels))}"
            )
        return positive
    for name in POSITIVE_NAMES:
        for label in labels:
            if label.lower() == name:
                return label
    for name in NEGATIVE_NAMES:
        for label in labels:
            if label.lower() == name:
                return next(x for x in labels if x != label)
    return min(labels, key=lambda x: (counts[x], x))


def choose_negative(labels: Sequence[str], negative: str | None) -> str | None:
    """The harmless class of a multi-class task, if it has one."""
    if negative is not None:
        if negative not in labels:
            raise DataError(
                f"--negative {negative!r} is not one of the labels {', '.join(map(repr, labels))}"
            )
        return negative
    for name in NEGATIVE_NAMES[1:]:  # "0" is a class id, not a name, in many sets
        for label in labels:
            if label.lower() == name:
                return label
    return None


def build_vocabulary(
    texts: Sequence[str], spec: FeatureSpec, *, min_df: int, max_features: int
) -> Vocabulary:
    """Keep the ``max_features`` n-grams found in the most texts (at least ``min_df``)."""
    uniq: list[U64] = []
    for i in range(0, len(texts), _CHUNK):
        doc, key = ngram_keys(texts[i : i + _CHUNK], spec)
        pairs = np.unique(np.stack([doc.astype(np.uint64), key], axis=1), axis=0)
        uniq.append(pairs[:, 1])
    keys, df = np.unique(np.concatenate(uniq), return_counts=True)
    keep = df >= min_df
    keys, df = keys[keep], df[keep]
    if len(keys) > max_features:
        top = np.argsort(-df, kind="stable")[:max_features]
        keys, df = keys[top], df[top]
    order = np.argsort(keys)
    keys, df = keys[order], df[order]
    idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
    return Vocabulary(keys.astype(np.uint64), idf.astype(np.float32))


def matrix(texts: Sequence[str], spec: FeatureSpec, vocab: Vocabulary) -> Any:
    """The TF-IDF rows of ``texts`` as a scipy CSR matrix (what the model sees)."""
    from scipy import sparse  # training-only dependency

    blocks = []
    for i in range(0, len(texts), _CHUNK):
        chunk = texts[i : i + _CHUNK]
        doc, feat, val = weighted(chunk, spec, vocab)
        blocks.append(
            sparse.csr_matrix((val, (doc, feat)), shape=(len(chunk), len(vocab)), dtype=np.float32)
        )
    return (
        sparse.vstack(blocks, format="csr")
        if blocks
        else sparse.csr_matrix((0, len(vocab)), dtype=np.float32)
    )


def _nb_ratio(x: Any, y: npt.NDArray[np.bool_], alpha: float = 1.0) -> F32:
    p = alpha + np.asarray(x[y].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[~y].sum(axis=0)).ravel()
    ratio: F32 = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
    return ratio


def _fit(
    x: Any, y: npt.NDArray[np.int64], *, binary: bool, options: TrainOptions
) -> tuple[F32, F32]:
    """Fit the linear stage; returns ``(coef, intercept)`` as applied to unscaled rows."""
    from sklearn.linear_model import LogisticRegression  # training-only dependency

    if binary:
        r = _nb_ratio(x, y == 1) if options.nb else np.ones(x.shape[1], np.float32)
        xs = x.multiply(r).tocsr() if options.nb else x
        clf = LogisticRegression(C=options.c, solver="liblinear", max_iter=1000)
        clf.fit(xs, y)
        coef = (clf.coef_[0] * r).astype(np.float32)[:, None]
        return coef, np.asarray(clf.intercept_, dtype=np.float32)
    clf = LogisticRegression(C=options.c, solver="lbfgs", max_iter=2000)
    clf.fit(x, y)
    return clf.coef_.T.astype(np.float32), np.asarray(clf.intercept_, dtype=np.float32)


def _platt(z: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> Calibration:
    from sklearn.linear_model import LogisticRegression  # training-only dependency

    clf = LogisticRegression(C=1e4, solver="lbfgs").fit(z[:, None], y)
    return Calibration(a=float(clf.coef_[0, 0]), b=float(clf.intercept_[0]))


def _temperature(z: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> Calibration:
    best, best_t = np.inf, 1.0
    for t in np.exp(np.linspace(np.log(0.2), np.log(5.0), 61)):
        s = z / t
        s = s - s.max(axis=1, keepdims=True)
        nll = float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(y)), y]))
        if nll < best:
            best, best_t = nll, float(t)
    return Calibration(temperature=best_t)


@dataclass(frozen=True, slots=True)
class HeldOut:
    """Out-of-fold predictions of the fast stage on its own training data.

    ``logit`` is the calibrated logit of harm (binary models; the harm probability's
    logit otherwise) and ``harm`` whether each text is harmful: what a second stage
    (:mod:`wenming.detectors.classifier.cascade`) is fitted and tuned on without touching test data.
    """

    logit: npt.NDArray[np.float64]
    harm: npt.NDArray[np.bool_]


def train(
    data: Labelled,
    *,
    name: str,
    options: TrainOptions | None = None,
    positive: str | None = None,
    negative: str | None = None,
    lang: str | None = None,
    sources: Sequence[dict[str, Any]] = (),
    progress: Progress | None = None,
) -> Model:
    """Train a model on ``data`` (not yet saved: call :meth:`Model.save`)."""
    return train_with_heldout(
        data,
        name=name,
        options=options,
        positive=positive,
        negative=negative,
        lang=lang,
        sources=sources,
        progress=progress,
    )[0]


def train_with_heldout(
    data: Labelled,
    *,
    name: str,
    options: TrainOptions | None = None,
    positive: str | None = None,
    negative: str | None = None,
    lang: str | None = None,
    sources: Sequence[dict[str, Any]] = (),
    progress: Progress | None = None,
) -> tuple[Model, HeldOut]:
    """:func:`train`, also returning the out-of-fold predictions it calibrated on."""
    opts = options or TrainOptions()
    check_trainable(data, min_per_class=2)
    opts = replace(opts, folds=max(2, min(opts.folds, min(data.counts.values()))))
    step = progress or (lambda _s, _d, _t: None)
    labels = tuple(sorted(data.counts))
    binary = len(labels) == 2
    pos = choose_positive(labels, positive, data.counts) if binary else None
    neg = None if binary else choose_negative(labels, negative)
    if binary:
        assert pos is not None
        labels = (next(x for x in labels if x != pos), pos)  # positive is class 1
    y = np.array([labels.index(x) for x in data.labels], dtype=np.int64)
    total = opts.folds + 3
    step("vocabulary", 0, total)
    vocab = build_vocabulary(
        data.texts, opts.spec, min_df=opts.min_df, max_features=opts.max_features
    )
    if len(vocab) == 0:
        raise DataError(
            f"{data.source}: no n-gram occurs in {opts.min_df} or more texts; "
            "the data is too small or --min-df too high"
        )
    step("features", 1, total)
    x = matrix(data.texts, opts.spec, vocab)
    oof = _out_of_fold(
        x, y, binary=binary, options=opts, step=lambda d: step("cross-validation", 2 + d, total)
    )
    step("calibration", 2 + opts.folds, total)
    if binary:
        cal = _platt(oof[:, 0], y == 1)
        harm = cal.binary(oof[:, 0].astype(np.float32))
    else:
        cal = _temperature(oof, y)
        probs = cal.multi(oof.astype(np.float32))
        harm = 1.0 - probs[:, labels.index(neg)] if neg else probs.max(axis=1)
    thresholds: dict[str, float] = {}
    is_harm = (y == 1) if binary else (y != labels.index(neg) if neg else np.ones(len(y), np.bool_))
    decision = best_threshold(is_harm, harm) if binary else 0.5
    thresholds["decision"] = round(decision, 4)
    for target in opts.target_precisions:
        t = threshold_for_precision(is_harm, harm, target)
        if t is not None:
            thresholds[f"precision_{target:.2f}"] = round(t, 4)
    if binary:
        predicted = [labels[1] if s >= decision else labels[0] for s in harm]
    else:
        predicted = [labels[i] for i in np.argmax(probs, axis=1)]
    heldout = report(
        data.labels, predicted, labels=labels, scores=harm, positive=pos if binary else None
    )
    coef, intercept = _fit(x, y, binary=binary, options=opts)
    step("done", total, total)
    card = {
        "name": name,
        "task": "binary" if binary else "multiclass",
        "lang": lang,
        "labels": list(labels),
        "positive": pos,
        "negative": neg,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "wenming_version": _wenming_version(),
        "data": {
            "source": data.source,
            "sha256": data.sha256,
            "rows": len(data.texts),
            "labels": data.counts,
        },
        "sources": list(sources),
        "training": {
            **opts.to_dict(),
            "vocabulary": len(vocab),
            "method": (
                "NB-weighted logistic regression" if binary and opts.nb else "logistic regression"
            )
            + " on hashed n-gram TF-IDF",
        },
        "thresholds": thresholds,
        "heldout": {"method": f"{opts.folds}-fold out-of-fold predictions", **heldout.to_dict()},
    }
    model = Model(
        name=name,
        labels=labels,
        spec=opts.spec,
        vocab=vocab,
        coef=coef,
        intercept=intercept,
        calibration=cal,
        positive=pos,
        negative=neg,
        threshold=decision,
        thresholds=thresholds,
        card=card,
    )
    clipped = np.clip(harm.astype(np.float64), 1e-7, 1 - 1e-7)
    return model, HeldOut(np.log(clipped / (1 - clipped)), is_harm)


def _out_of_fold(
    x: Any,
    y: npt.NDArray[np.int64],
    *,
    binary: bool,
    options: TrainOptions,
    step: Callable[[int], None],
) -> npt.NDArray[np.float64]:
    from sklearn.model_selection import StratifiedKFold  # training-only dependency

    k = 1 if binary else int(y.max()) + 1
    oof = np.zeros((len(y), k), dtype=np.float64)
    folds = StratifiedKFold(n_splits=options.folds, shuffle=True, random_state=options.seed)
    for i, (tr, va) in enumerate(folds.split(np.zeros(len(y)), y)):
        coef, intercept = _fit(x[tr], y[tr], binary=binary, options=options)
        oof[va] = x[va] @ coef + intercept
        step(i + 1)
    return oof


def _wenming_version() -> str:
    try:
        return version("wenming")
    except PackageNotFoundError:
        return "unknown"
