"""Nearest fact-checks by embedding: exact for small registries, clustered for large ones.

A full scan of 100k 384-dimensional float32 rows reads 150 MB per post (~15–30 ms on
one core), more than the embedding it follows. Above :data:`CLUSTER_MIN` rows the index
partitions the rows by spherical k-means (an inverted file, as in FAISS's IVF) and
scans only the clusters nearest the post, about an eighth of the rows; the benchmark
reports what this costs in recall. Rows are stored sorted by cluster, so each probe
is one contiguous matrix-vector product.

:meth:`DenseIndex.script_means` gives the post's mean cosine with the typical
fact-check of each script, which the matcher subtracts (see :mod:`~.matcher`);
since rows are unit vectors, a mean cosine is one dot product with a mean vector. Those
mean vectors come from large public claim sets where wenming ships one for the model
(``data/background.npz``, built by ``bench/claims_background.py``: Latin and Han
scripts), so scores mean the same in a registry of ten fact-checks or of a million;
other scripts use the registry's own mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files

import numpy as np
import numpy.typing as npt

CLUSTER_MIN = 20_000
PROBE_SHARE = 1 / 8
SHRINK = 4.0

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


class DenseIndex:
    """Unit vectors of the fact-checks, with per-script means and optional clusters."""

    def __init__(
        self,
        vectors: Floats,
        script_ids: Ints,
        *,
        backgrounds: Mapping[int, Floats] | None = None,
        cluster_min: int = CLUSTER_MIN,
        seed: int = 0,
    ) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n = len(self.vectors)
        groups = int(script_ids.max()) + 1 if n else 0
        sizes = np.bincount(script_ids, minlength=groups).astype(np.float32)
        sums = np.zeros((groups, self.vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, script_ids, self.vectors)
        overall = sums.sum(axis=0) / max(n, 1)
        # Means shrunk towards the overall mean, so a script with few fact-checks is not
        # centred on its own few (possibly matching) rows.
        self._script_means = (sums + SHRINK * overall) / (sizes[:, None] + SHRINK)
        for group, mean in (backgrounds or {}).items():
            if group < groups:
                self._script_means[group] = mean
        self._order: Ints | None = None
        if n >= cluster_min:
            self._cluster(seed)

    def _cluster(self, seed: int) -> None:
        n = len(self.vectors)
        k = int(max(16, min(1024, round(np.sqrt(n)))))
        rng = np.random.default_rng(seed)
        sample = self.vectors[rng.choice(n, size=min(n, 64 * k), replace=False)]
        centroids = sample[rng.choice(len(sample), size=k, replace=False)].copy()
        for _ in range(6):
            assign = np.argmax(sample @ centroids.T, axis=1)
            sums = np.zeros_like(centroids)
            np.add.at(sums, assign, sample)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            empty = norms[:, 0] == 0
            centroids = np.where(empty[:, None], centroids, sums / np.maximum(norms, 1e-12))
        assign = np.empty(n, dtype=np.int64)
        for a in range(0, n, 16_384):
            assign[a : a + 16_384] = np.argmax(self.vectors[a : a + 16_384] @ centroids.T, axis=1)
        order = np.argsort(assign, kind="stable")
        self._order = order
        self._sorted = np.ascontiguousarray(self.vectors[order])
        self._starts = np.searchsorted(assign[order], np.arange(k + 1))
        self._centroids = centroids.astype(np.float32)
        self._probes = max(4, int(np.ceil(k * PROBE_SHARE)))

    @property
    def clustered(self) -> bool:
        return self._order is not None

    def search(self, query: Floats, k: int, *, exact: bool = False) -> tuple[Ints, Floats]:
        """Rows of the ``k`` nearest fact-checks to a unit ``query`` and their cosines."""
        if self._order is None or exact:
            sims: Floats = self.vectors @ query
            rows = _top(sims, k)
            return rows, sims[rows]
        near = _top(self._centroids @ query, self._probes)
        parts_rows: list[Ints] = []
        parts_sims: list[Floats] = []
        for c in near.tolist():
            a, b = int(self._starts[c]), int(self._starts[c + 1])
            if a < b:
                parts_sims.append(self._sorted[a:b] @ query)
                parts_rows.append(self._order[a:b])
        if not parts_sims:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        all_sims = np.concatenate(parts_sims)
        best = _top(all_sims, k)
        return np.concatenate(parts_rows)[best], all_sims[best]

    def cosines(self, query: Floats, rows: Ints) -> Floats:
        out: Floats = self.vectors[rows] @ query
        return out

    def script_means(self, query: Floats) -> Floats:
        """The query's mean cosine with each script's typical fact-check: the packaged
        background where there is one, else the registry's own (shrunk, see above)."""
        out: Floats = self._script_means @ query
        return out


def _top(values: Floats, k: int) -> Ints:
    if len(values) <= k:
        return np.argsort(-values, kind="stable").astype(np.int64)
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.argsort(-values[part], kind="stable")].astype(np.int64)


@cache
def packaged_backgrounds(recipe: str) -> dict[str, Floats]:
    """The shipped mean fact-check vector per script, if made with ``recipe``."""
    with files("wenming.detectors.claims").joinpath("data/background.npz").open("rb") as f:
        data = np.load(f)
        if str(data["recipe"]) != recipe:
            return {}
        return {
            str(s): m.astype(np.float32)
            for s, m in zip(data["scripts"], data["means"], strict=True)
        }
