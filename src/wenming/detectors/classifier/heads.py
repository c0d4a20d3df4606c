"""A multi-head classifier: one set of hashed n-gram features, one calibrated head per category.

Where a :class:`~wenming.detectors.classifier.model.Model` answers one question, a
:class:`MultiHead` answers several at the price of one: a batch is turned into TF-IDF
rows once (:func:`wenming.detectors.classifier.features.weighted`) and every head is one column of
the weight matrix, with its own Platt calibration and decision threshold. The default
per-category models (``zh-harms``, ``en-harms``) are of this kind; a policy names one
head as ``model-name:head`` (``{name: "zh-harms:violence"}``).

Stored like a model, as three plain files (``model.json`` with ``"format":
"heads/1"``, ``weights.npz``, ``card.json``), read with numpy only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wenming.detectors.classifier.features import F32, FeatureSpec, Vocabulary, weighted
from wenming.detectors.classifier.model import (
    MODEL_FILE,
    ModelError,
    find_model,
    read_model_files,
    write_model_files,
)

FORMAT = "heads/1"


@dataclass(frozen=True, slots=True)
class Head:
    """One category's head: Platt ``sigmoid(a*z + b)`` and thresholds chosen held-out."""

    name: str
    a: float = 1.0
    b: float = 0.0
    threshold: float = 0.5
    thresholds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MultiHead:
    """A loaded multi-head model; :meth:`proba` gives one calibrated column per head."""

    name: str
    spec: FeatureSpec
    vocab: Vocabulary
    coef: F32  # (features, heads)
    intercept: F32  # (heads,)
    heads: tuple[Head, ...]
    card: dict[str, Any] = field(default_factory=dict)
    version: str = ""

    @property
    def head_names(self) -> tuple[str, ...]:
        return tuple(h.name for h in self.heads)

    def index(self, head: str) -> int:
        """The column of ``head``; a :class:`ModelError` names the heads there are."""
        try:
            return self.head_names.index(head)
        except ValueError:
            raise ModelError(
                f"model {self.name!r} has no head {head!r} (it has {', '.join(self.head_names)})"
            ) from None

    def logits(self, texts: Sequence[str]) -> F32:
        """Raw linear scores, shape ``(n, heads)``."""
        doc, feat, val = weighted(texts, self.spec, self.vocab)
        out = np.zeros((len(texts), len(self.heads)), dtype=np.float32)
        if len(doc):
            # rows come sorted by text: one segmented sum per text, all heads at once
            starts = np.flatnonzero(np.concatenate(([True], doc[1:] != doc[:-1])))
            out[doc[starts]] = np.add.reduceat(self.coef[feat] * val[:, None], starts, axis=0)
        out += self.intercept
        return out

    def proba(self, texts: Sequence[str]) -> F32:
        """Calibrated probability of each head's category, shape ``(n, heads)``."""
        z = self.logits(texts)
        a = np.array([h.a for h in self.heads], dtype=np.float32)
        b = np.array([h.b for h in self.heads], dtype=np.float32)
        out: F32 = (0.5 * (1.0 + np.tanh(0.5 * (z * a + b)))).astype(np.float32)
        return out

    # -- storage ---------------------------------------------------------------------

    def save(self, folder: Path) -> MultiHead:
        """Write the three files into ``folder``; returns the model with its version."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, npt.NDArray[Any]] = {
            "keys": self.vocab.keys,
            "idf": self.vocab.idf.astype(np.float16),
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept.astype(np.float32),
        }
        meta: dict[str, Any] = {
            "format": FORMAT,
            "name": self.name,
            "features": self.spec.to_dict(),
            "heads": [
                {
                    "name": h.name,
                    "a": h.a,
                    "b": h.b,
                    "threshold": h.threshold,
                    "thresholds": h.thresholds,
                }
                for h in self.heads
            ],
        }
        version, card = write_model_files(folder, self.name, arrays, meta, self.card)
        return replace(self, version=version, card=card)

    @classmethod
    def load(cls, folder: Path) -> MultiHead:
        """Read a folder written by :meth:`save`."""
        meta, card, arrays = read_model_files(folder)
        if meta.get("format") != FORMAT:
            raise ModelError(
                f"{folder / MODEL_FILE}: not a multi-head model (format {meta.get('format')!r}, "
                f"expected {FORMAT!r})"
            )
        heads = tuple(
            Head(
                name=str(h["name"]),
                a=float(h["a"]),
                b=float(h["b"]),
                threshold=float(h.get("threshold", 0.5)),
                thresholds={k: float(v) for k, v in (h.get("thresholds") or {}).items()},
            )
            for h in meta["heads"]
        )
        return cls(
            name=meta["name"],
            spec=FeatureSpec.from_dict(meta["features"]),
            vocab=Vocabulary(arrays["keys"].astype(np.uint64), arrays["idf"].astype(np.float32)),
            coef=arrays["coef"].astype(np.float32),
            intercept=arrays["intercept"].astype(np.float32),
            heads=heads,
            card=card,
            version=str(meta.get("version", "")),
        )


def is_multihead(folder: Path) -> bool:
    """Whether the model folder holds a multi-head model."""
    try:
        meta = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(meta.get("format") == FORMAT)


def split_name(name: str) -> tuple[str, str | None]:
    """``"zh-harms:violence"`` → ``("zh-harms", "violence")``; a plain name has no head."""
    base, sep, head = name.rpartition(":")
    if not sep or not base or "/" in head or "\\" in head:
        return name, None
    return base, head


def load_heads(name: str, search: Sequence[Path] | None = None) -> MultiHead:
    """Find a multi-head model by name or path and load it."""
    return MultiHead.load(find_model(name, search))
