"""The dense index: exact and clustered search agree on near neighbours; script means."""

from __future__ import annotations

import numpy as np

from wenming.detectors.claims.dense import DenseIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    out: np.ndarray = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    return out


def test_clustered_search_finds_near_duplicates() -> None:
    rng = np.random.default_rng(1)
    centres = _unit(rng.standard_normal((200, 64)))
    vectors = _unit(centres[rng.integers(0, 200, 25_000)] + 0.3 * rng.standard_normal((25_000, 64)))
    index = DenseIndex(vectors, np.zeros(len(vectors), dtype=np.int64), cluster_min=20_000)
    assert index.clustered
    queries = _unit(vectors[:200] + 0.05 * rng.standard_normal((200, 64)))
    found = 0
    for i, q in enumerate(queries):
        rows, sims = index.search(q, 10)
        exact_rows, _ = index.search(q, 10, exact=True)
        assert list(sims) == sorted(sims, reverse=True)
        found += int(rows[0] == i == exact_rows[0])
    assert found >= 195


def test_script_means_are_mean_cosines() -> None:
    rng = np.random.default_rng(2)
    vectors = _unit(rng.standard_normal((300, 32)))
    scripts = np.array([0] * 200 + [1] * 100, dtype=np.int64)
    index = DenseIndex(vectors, scripts)
    q = vectors[0]
    means = index.script_means(q)
    # Shrunk a little towards the overall mean (4 pseudo-rows), as documented.
    overall = (vectors @ q).mean()
    expected0 = ((vectors[:200] @ q).sum() + 4 * overall) / 204
    assert abs(means[0] - expected0) < 1e-5
    assert not index.clustered
