"""A fact-check registry kept in a directory: records in JSONL, embeddings beside them.

Until the governance service's database holds the registry, and for screening
workers that read a snapshot of it, a registry is a directory
(``./wenming-factchecks/`` or ``$WENMING_FACTCHECKS_DIR``) with three files:

``factchecks.jsonl``
    one fact-check per line, in registration order (the order duplicates collapse in).
``embeddings.npy`` and ``embeddings.json``
    one float16 row per fact-check, and which model made them with the hash of the
    text each row embeds. :meth:`FactCheckDir.vectors` embeds only the rows that are
    new or whose text changed, so updates are incremental; a different model
    re-embeds everything.

Writes go to a temporary file and are renamed into place, so a reader never sees a
half-written registry. One writer at a time is assumed (the CLI).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wenming.core.factcheck import FactCheck, FactCheckError, factcheck_from_mapping, with_version
from wenming.detectors.claims.embed import Embedder, Vectors, embed_factchecks, recipe
from wenming.detectors.claims.matcher import Gate, Matcher, Thresholds, embedding_text

DEFAULT_DIR = "wenming-factchecks"
RECORDS = "factchecks.jsonl"
VECTORS = "embeddings.npy"
VECTORS_META = "embeddings.json"
EMBED_BATCH = 64

Progress = Callable[[int], None]


def default_dir() -> Path:
    """The registry directory used when none is configured: ``./wenming-factchecks``."""
    return Path(DEFAULT_DIR)


@dataclass(frozen=True, slots=True)
class UpsertReport:
    added: int
    updated: int
    unchanged: int


def merge(
    existing: Sequence[FactCheck], incoming: Iterable[FactCheck]
) -> tuple[list[FactCheck], UpsertReport]:
    """Add new fact-checks, bump the version of changed ones, keep identical ones."""
    by_id = {fc.id: i for i, fc in enumerate(existing)}
    out = list(existing)
    added = updated = unchanged = 0
    for fc in incoming:
        i = by_id.get(fc.id)
        if i is None:
            by_id[fc.id] = len(out)
            out.append(with_version(fc, 1))
            added += 1
        elif out[i].same_content(fc):
            unchanged += 1
        else:
            out[i] = with_version(fc, out[i].version + 1)
            updated += 1
    return out, UpsertReport(added, updated, unchanged)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class FactCheckDir:
    """The registry in ``path``; nothing is read until asked."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> list[FactCheck]:
        file = self.path / RECORDS
        if not file.exists():
            return []
        out: list[FactCheck] = []
        with file.open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, start=1):
                if line.strip():
                    try:
                        raw = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise FactCheckError(f"{file}:{lineno}", f"not JSON: {exc.msg}") from None
                    out.append(factcheck_from_mapping(raw, f"{file}:{lineno}"))
        return out

    def save(self, factchecks: Sequence[FactCheck]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(fc.to_dict(), ensure_ascii=False) + "\n" for fc in factchecks)
        _replace(self.path / RECORDS, lines.encode("utf-8"))

    def upsert(self, incoming: Iterable[FactCheck]) -> UpsertReport:
        merged, report = merge(self.load(), incoming)
        if report.added or report.updated:
            self.save(merged)
        return report

    def vectors(
        self,
        factchecks: Sequence[FactCheck],
        embedder: Embedder,
        *,
        progress: Progress | None = None,
    ) -> Vectors:
        """Embeddings of ``factchecks`` in order, computing only what is not stored yet."""
        texts = [embedding_text(fc) for fc in factchecks]
        hashes = [text_hash(t) for t in texts]
        stored = self._stored(embedder)
        out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
        todo: list[int] = []
        for i, (fc, h) in enumerate(zip(factchecks, hashes, strict=True)):
            row = stored.get((fc.id, h))
            if row is None:
                todo.append(i)
            else:
                out[i] = row
        done = len(texts) - len(todo)
        if progress:
            progress(done)
        for a in range(0, len(todo), EMBED_BATCH):
            chunk = todo[a : a + EMBED_BATCH]
            out[chunk] = embed_factchecks(embedder, [texts[i] for i in chunk])
            done += len(chunk)
            if progress:
                progress(done)
        if todo or len(stored) != len(texts):
            self.store_vectors(
                out,
                [(fc.id, h) for fc, h in zip(factchecks, hashes, strict=True)],
                recipe=recipe(embedder),
            )
        return out

    def _stored(self, embedder: Embedder) -> dict[tuple[str, str], np.ndarray]:
        meta_file, vec_file = self.path / VECTORS_META, self.path / VECTORS
        if not meta_file.exists() or not vec_file.exists():
            return {}
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("model") != recipe(embedder) or meta.get("dim") != embedder.dim:
            return {}
        vecs = np.load(vec_file)
        rows = meta.get("rows", [])
        if len(rows) != len(vecs):
            return {}
        return {(r[0], r[1]): vecs[i].astype(np.float32) for i, r in enumerate(rows)}

    def store_vectors(self, vecs: Vectors, rows: Sequence[tuple[str, str]], *, recipe: str) -> None:
        """Write embeddings with the (id, text hash) of each row and how they were made."""
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.path / (VECTORS + ".tmp")
        with tmp.open("wb") as f:
            np.save(f, vecs.astype(np.float16))
        os.replace(tmp, self.path / VECTORS)
        meta = {"model": recipe, "dim": int(vecs.shape[1]), "rows": [list(r) for r in rows]}
        _replace(self.path / VECTORS_META, json.dumps(meta).encode("utf-8"))

    def matcher(
        self,
        embedder: Embedder,
        *,
        thresholds: Thresholds | None = None,
        gate: Gate | None = None,
        progress: Progress | None = None,
    ) -> Matcher:
        """A matcher over the registry, embedding whatever is not embedded yet."""
        factchecks = self.load()
        vectors = self.vectors(factchecks, embedder, progress=progress)
        return Matcher(factchecks, vectors, embedder=embedder, thresholds=thresholds, gate=gate)


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
