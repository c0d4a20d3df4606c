"""A trained text classifier: how it is stored, found by name, loaded and run.

A model is a folder of three plain files, no pickled code:

- ``model.json``: labels, the harmful class, feature spec, calibration, thresholds
  and the version;
- ``weights.npz``: numpy arrays (n-gram hashes, idf, linear weights), loaded with
  ``allow_pickle=False``;
- ``card.json``: the model card (training data hash and size, sources and licences,
  held-out and test metrics, date).

Scoring needs numpy only: a model is a linear function of hashed n-gram TF-IDF
features (:mod:`wenming.classify.features`), one sparse dot product per text.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wenming.classify.features import F32, FeatureSpec, Vocabulary, weighted

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

    @property
    def binary(self) -> bool:
        return len(self.labels) == 2

    def logits(self, texts: Sequence[str]) -> F32:
        """The fast linear stage's raw scores: shape ``(n, 1)`` if binary, else ``(n, C)``."""
        doc, feat, val = weighted(texts, self.spec, self.vocab)
        k = self.coef.shape[1]
        out = np.empty((len(texts), k), dtype=np.float32)
        for j in range(k):
            out[:, j] = np.bincount(doc, weights=val * self.coef[feat, j], minlength=len(texts))
        out += self.intercept
        return out

    def proba(self, texts: Sequence[str]) -> F32:
        """Calibrated class probabilities, columns in ``labels`` order."""
        return self._calibrated(self.logits(texts))

    def score(self, texts: Sequence[str]) -> F32:
        """The calibrated probability that each text is harmful (0..1)."""
        return self._harm(self.proba(texts))

    def predict(self, texts: Sequence[str]) -> tuple[list[str], F32]:
        """Labels and harm scores; binary labels use the model's decision threshold."""
        p = self.proba(texts)
        harm = self._harm(p)
        if self.binary and self.positive is not None:
            other = self.labels[1 - self.labels.index(self.positive)]
            labels = [self.positive if s >= self.threshold else other for s in harm]
        else:
            labels = [self.labels[int(i)] for i in np.argmax(p, axis=1)]
        return labels, harm

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
        buf = io.BytesIO()
        # plain numeric arrays only; numpy's stub types **kwds as its allow_pickle flag
        np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
        weights = buf.getvalue()
        meta = self._meta()
        digest = hashlib.sha256(json.dumps(meta, sort_keys=True).encode() + weights)
        version = f"{self.name}@{digest.hexdigest()[:12]}"
        meta["version"] = version
        (folder / WEIGHTS_FILE).write_bytes(weights)
        (folder / MODEL_FILE).write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        card = {**self.card, "name": self.name, "version": version}
        (folder / CARD_FILE).write_text(
            json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
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
        }

    @classmethod
    def load(cls, folder: Path) -> Model:
        """Read a model folder written by :meth:`save`."""
        try:
            meta = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
            card_path = folder / CARD_FILE
            card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.exists() else {}
            with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the model in {folder}: {exc}") from None
        if meta.get("format") != FORMAT:
            raise ModelError(
                f"{folder / MODEL_FILE}: unsupported model format "
                f"{meta.get('format')!r} (this wenming reads format {FORMAT})"
            )
        cal = meta["calibration"]
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
        )


def packaged_models() -> Path:
    """The folder of the default models shipped inside the package."""
    return Path(str(files("wenming"))) / "models"


def search_path() -> list[Path]:
    """Where model names are looked up, first match wins.

    The folders in ``WENMING_MODEL_PATH`` (``os.pathsep``-separated), then ``./models``
    (where ``wenming train`` writes by default), then the packaged default models.
    """
    env = os.environ.get("WENMING_MODEL_PATH", "")
    return [*(Path(p) for p in env.split(os.pathsep) if p), Path("models"), packaged_models()]


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


def _sigmoid(z: F32) -> F32:
    out: F32 = (0.5 * (1.0 + np.tanh(0.5 * z))).astype(np.float32)
    return out


def _softmax(z: F32) -> F32:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: F32 = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out
