"""The registry directory: versioned upserts and incremental embeddings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from wenming.detectors.claims.embed import E5Embedder, Kind, Vectors
from wenming.detectors.claims.registry import FactCheckDir


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, real: E5Embedder) -> None:
        self.real, self.name, self.dim = real, real.name, real.dim
        self.texts = 0

    def embed(self, texts: Sequence[str], *, kind: Kind = "query") -> Vectors:
        self.texts += len(texts)
        return self.real.embed(texts, kind=kind)


def test_upsert_versions_changed_records_only(registry: FactCheckDir) -> None:
    before = {fc.id: fc for fc in registry.load()}
    edited = replace(before["fc-5g"], rebuttal="Radio waves cannot carry viruses.")
    report = registry.upsert([edited, before["fc-salt"]])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    after = {fc.id: fc for fc in registry.load()}
    assert after["fc-5g"].version == 2 and after["fc-salt"].version == 1
    assert list(after) == list(before)  # registration order is kept


def test_embeddings_are_stored_and_updated_incrementally(
    registry: FactCheckDir, embedder: E5Embedder
) -> None:
    counting = CountingEmbedder(embedder)
    stored = registry.vectors(registry.load(), counting)
    assert counting.texts == 0  # all read back from embeddings.npy
    fcs = registry.load()
    registry.upsert(
        [
            replace(fcs[0], claim="5G masts spread the virus."),
            replace(fcs[1], rebuttal="Only the rebuttal changed."),
        ]
    )
    fresh = registry.vectors(registry.load(), counting)
    assert counting.texts == 2  # one changed text, embedded as query and as passage
    assert not np.allclose(fresh[0], stored[0])
    np.testing.assert_allclose(fresh[1:], stored[1:], atol=1e-3)
