"""Matching posts to fact-checks: a lexical → dense cascade with calibrated scores.

Embedding a post costs ~100 times more than the rest of screening, so the matcher
embeds only posts for which it can matter:

1. **Lexical** (every post, well under a millisecond): BM25 over words and Han
   bigrams (:mod:`wenming.detectors.claims.lexical`) gives candidates, the best normalised
   lexical score and the post's *coverage* (how much of it the index knows at all).
2. **Gate**: the post goes on to the dense stage when the best lexical score reaches
   :attr:`Gate.lexical` (it may restate a fact-check) or its coverage is below
   :attr:`Gate.coverage` (the index is blind to it: another language, new words);
   a well-covered post with no lexical match is settled here. Very short posts stop.
3. **Dense** (gated posts only): the post's embedding, cached by text (rumors travel
   as copies), against the fact-checks' stored embeddings (:mod:`wenming.detectors.claims.dense`:
   a full scan, or the nearest clusters of a large registry); its best rows join the
   lexical candidates.
4. **Score**: per candidate, a logistic model over the dense cosine and the lexical
   score gives a calibrated 0..1 score (:class:`ScoreModel`, fitted on CLEF-2020's
   train split by ``bench/claims_quality.py --fit``). A pair in different scripts
   (a Chinese post, an English fact-check) has no lexical evidence by nature and is
   scored by the dense-only model instead of being punished for it.

Exact duplicates in the registry (the same title and claim under two ids) are
collapsed onto the first registered one, so a restated claim does not split its
score, or its rank, between copies.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from wenming.core.factcheck import FactCheck
from wenming.core.normalize import normalize
from wenming.detectors.claims.dense import DenseIndex, packaged_backgrounds
from wenming.detectors.claims.embed import Embedder, Vectors, recipe
from wenming.detectors.claims.lexical import LexicalHits, LexicalIndex
from wenming.detectors.claims.text import clean_post, script_of, terms

DenseMode = Literal["auto", "always", "never"]
EMBED_UNITS = 96
"""Posts are embedded from their first ~96 tokens only (a Han character, a word or a
symbol each): a claim is stated early, and the embedding's cost grows with length, so
this bounds the slowest posts."""
_UNIT = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|\w+|\S", re.UNICODE)


def embedding_input(clean: str) -> str:
    """The part of a cleaned post that is embedded (see :data:`EMBED_UNITS`)."""
    for i, m in enumerate(_UNIT.finditer(clean)):
        if i == EMBED_UNITS:
            return clean[: m.start()].rstrip()
    return clean


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scores from which a match is suggested to a human, and acted on automatically."""

    suggest: float = 0.80
    act: float = 0.90

    def __post_init__(self) -> None:
        if not 0.0 <= self.suggest <= self.act <= 1.0:
            raise ValueError("thresholds need 0 <= suggest <= act <= 1")


@dataclass(frozen=True, slots=True)
class Gate:
    """When the cascade embeds a post (see the module docstring).

    ``lexical`` applies to the best fact-check's BM25 score in units of the rarest term's
    IDF (:attr:`~wenming.detectors.claims.lexical.LexicalHits.evidence`): about how many rare
    terms the post shares with it. Unlike a score normalised by the post's length, it
    grows with the terms matched, so a short post sharing one word does not pass.
    ``coverage`` applies only to posts in a script of which the registry holds fewer
    than ``script_min`` fact-checks: where it holds many, a restatement in that script
    shows up lexically and the lexical stage is trusted.
    """

    lexical: float = 1.25
    coverage: float = 0.60
    script_min: int = 1000
    min_terms: int = 3
    candidates: int = 30


@dataclass(frozen=True, slots=True)
class ScoreModel:
    """Logistic weights turning (dense cosine, lexical score) into a 0..1 match score."""

    dense: float
    lexical: float
    bias: float
    cross_dense: float
    cross_bias: float
    lexical_only: float
    lexical_only_bias: float

    def same_script(
        self, dense: npt.NDArray[np.float32], lexical: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        return _sigmoid(self.dense * dense + self.lexical * lexical + self.bias)

    def cross_script(self, dense: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return _sigmoid(self.cross_dense * dense + self.cross_bias)

    def without_dense(self, lexical: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return _sigmoid(self.lexical_only * lexical + self.lexical_only_bias)


# Fitted by `python bench/claims_quality.py --fit` on CLEF-2020 task 2's train split
# (800 tweets, top-30 candidates each); docs/performance.md has the resulting figures.
DEFAULT_MODEL = ScoreModel(
    dense=109.45,
    lexical=9.14,
    bias=-12.49,
    cross_dense=139.5,
    cross_bias=-15.04,
    lexical_only=16.06,
    lexical_only_bias=-6.39,
)


def _sigmoid(x: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = (1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))).astype(np.float32)
    return out


@dataclass(frozen=True, slots=True)
class Match:
    """One fact-check a post matched, best first in a result list."""

    factcheck: FactCheck
    score: float
    dense: float | None
    """The centred cosine (see :meth:`Matcher.features`), ``None`` if not embedded."""
    lexical: float
    suggest: bool
    act: bool

    def to_dict(self) -> dict[str, Any]:
        return {"claim_id": self.factcheck.id, "score": round(self.score, 4)}


@dataclass
class CascadeStats:
    """What the cascade did so far: how many posts each stage saw."""

    posts: int = 0
    lexical_only: int = 0
    dense: int = 0
    cache_hits: int = 0
    too_short: int = 0


def embedding_text(fc: FactCheck) -> str:
    """What is embedded for a fact-check: its headline and its claim."""
    return f"{fc.title}. {fc.claim}" if fc.title else fc.claim


def duplicate_key(fc: FactCheck) -> str:
    return re.sub(r"\W+", "", normalize(f"{fc.title} {fc.claim}").canonical)


@dataclass
class PostView:
    """A post as the cascade sees it: cleaned text, script and lexical hits."""

    clean: str
    script: str
    hits: LexicalHits


class Matcher:
    """Fact-checks with their embeddings, ready to match posts against; thread-safe."""

    def __init__(
        self,
        factchecks: Sequence[FactCheck],
        vectors: Vectors | None,
        *,
        embedder: Embedder | None,
        thresholds: Thresholds | None = None,
        model: ScoreModel = DEFAULT_MODEL,
        gate: Gate | None = None,
        cache_size: int = 10_000,
        backgrounds: Mapping[str, Vectors] | None = None,
    ) -> None:
        if vectors is not None and len(vectors) != len(factchecks):
            raise ValueError(f"{len(factchecks)} fact-checks but {len(vectors)} embeddings")
        if vectors is not None and embedder is None:
            raise ValueError("stored embeddings need the embedder that made them")
        self.factchecks = list(factchecks)
        self.embedder = embedder
        self.thresholds = thresholds or Thresholds()
        self.model = model
        self.gate = gate or Gate()
        self.stats = CascadeStats()
        self._lexical = LexicalIndex(
            [terms(normalize(embedding_text(fc)).canonical) for fc in self.factchecks]
        )
        self._scripts = [script_of(fc.claim) for fc in self.factchecks]
        names = {name: i for i, name in enumerate(sorted(set(self._scripts)))}
        self._script_counts = Counter(self._scripts)
        self._script_ids = np.array([names[x] for x in self._scripts], dtype=np.int64)
        if backgrounds is None:
            backgrounds = packaged_backgrounds(recipe(embedder)) if embedder else {}
        self.dense = (
            None
            if vectors is None
            else DenseIndex(
                vectors,
                self._script_ids,
                backgrounds={names[k]: v for k, v in backgrounds.items() if k in names},
            )
        )
        self.exact = False
        """Scan every row even where the dense index is clustered (for benchmarks)."""
        first: dict[str, int] = {}
        self._canonical = np.array(
            [first.setdefault(duplicate_key(fc), i) for i, fc in enumerate(self.factchecks)],
            dtype=np.int64,
        )
        self._cache: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.factchecks)

    def match(
        self,
        texts: Sequence[str],
        *,
        top: int = 5,
        dense: DenseMode = "auto",
        min_score: float = 0.0,
    ) -> list[list[Match]]:
        """The best ``top`` matches of each text with a score of at least ``min_score``."""
        if not self.factchecks:
            return [[] for _ in texts]
        use_dense = dense != "never" and self.dense is not None
        prepared: list[PostView | None] = []
        to_embed: list[int] = []
        for i, text in enumerate(texts):
            view = self.prepare(text)
            if view.hits.n_terms < self.gate.min_terms and dense != "always":
                prepared.append(None)
                continue
            prepared.append(view)
            if use_dense and (dense == "always" or self.gated(view)):
                to_embed.append(i)
        queries = self.embed_posts(
            [embedding_input(prepared[i].clean) for i in to_embed]  # type: ignore[union-attr]
        )
        rows = dict(zip(to_embed, range(len(to_embed)), strict=True))
        out: list[list[Match]] = []
        for i, prep in enumerate(prepared):
            if prep is None:
                out.append([])
                continue
            query = queries[rows[i]] if i in rows else None
            out.append(self._rank(prep, query, top=top, min_score=min_score))
        with self._lock:
            self.stats.posts += len(texts)
            self.stats.too_short += sum(p is None for p in prepared)
            self.stats.dense += len(to_embed)
            self.stats.lexical_only += len(texts) - len(to_embed) - sum(p is None for p in prepared)
        return out

    def gated(self, view: PostView, gate: Gate | None = None) -> bool:
        """Whether the cascade sends this post to the dense stage (see :class:`Gate`)."""
        gate = gate or self.gate
        hits = view.hits
        if hits.n_terms < gate.min_terms:
            return False
        if hits.evidence >= gate.lexical:
            return True
        sparse = self._script_counts.get(view.script, 0) < gate.script_min
        return sparse and hits.coverage < gate.coverage

    def prepare(self, text: str) -> PostView:
        """Clean a post and run the lexical stage on it."""
        clean = clean_post(text)
        hits = self._lexical.search(terms(normalize(clean).canonical), k=self.gate.candidates)
        return PostView(clean, script_of(clean), hits)

    def embed_posts(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embeddings of (cleaned) posts, through a cache of recent texts."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        assert self.embedder is not None
        found: dict[int, npt.NDArray[np.float32]] = {}
        missing: list[int] = []
        with self._lock:
            for i, t in enumerate(texts):
                vec = self._cache.get(t)
                if vec is None:
                    missing.append(i)
                else:
                    self._cache.move_to_end(t)
                    found[i] = vec
            self.stats.cache_hits += len(found)
        if missing:
            vecs = self.embedder.embed([texts[i] for i in missing], kind="query")
            with self._lock:
                for i, vec in zip(missing, vecs, strict=True):
                    found[i] = vec
                    self._cache[texts[i]] = vec
                    if len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        return np.stack([found[i] for i in range(len(texts))])

    def features(
        self, prep: PostView, query: npt.NDArray[np.float32] | None
    ) -> tuple[
        npt.NDArray[np.int64],
        npt.NDArray[np.float32] | None,
        npt.NDArray[np.float32],
        npt.NDArray[np.bool_],
    ]:
        """Candidates of one post with their centred cosines, lexical scores and whether
        each is in another script than the post.

        The centred cosine is the cosine minus the post's mean cosine with the
        fact-checks of that script: e5 rates everything in the post's own language a
        little closer, and centring lets scripts compete on equal terms.
        """
        hits = prep.hits
        cand = hits.docs
        if query is not None and self.dense is not None:
            rows, _ = self.dense.search(query, self.gate.candidates, exact=self.exact)
            cand = np.union1d(cand, rows)
        cand = np.unique(self._canonical[cand]) if len(cand) else cand
        lexical = (
            np.zeros(len(cand), dtype=np.float32)
            if hits.all_scores is None
            else hits.all_scores[cand]
        )
        scripts = self._script_ids[cand]
        cross = np.array(
            [
                bool(prep.script) and bool(self._scripts[c]) and prep.script != self._scripts[c]
                for c in cand.tolist()
            ],
            dtype=bool,
        )
        if query is None or self.dense is None:
            return cand, None, lexical, cross
        centred = self.dense.cosines(query, cand) - self.dense.script_means(query)[scripts]
        return cand, centred.astype(np.float32), lexical, cross

    def _rank(
        self, prep: PostView, query: npt.NDArray[np.float32] | None, *, top: int, min_score: float
    ) -> list[Match]:
        cand, dense, lexical, cross = self.features(prep, query)
        if len(cand) == 0:
            return []
        if dense is None:
            scores = self.model.without_dense(lexical)
        else:
            scores = self.model.same_script(dense, lexical)
            if cross.any():
                scores = np.where(cross, self.model.cross_script(dense), scores)
        order = np.argsort(-scores, kind="stable")[:top]
        th = self.thresholds
        out: list[Match] = []
        for j in order.tolist():
            score = float(scores[j])
            if score < min_score:
                break
            out.append(
                Match(
                    factcheck=self.factchecks[int(cand[j])],
                    score=score,
                    dense=None if dense is None else float(dense[j]),
                    lexical=float(lexical[j]),
                    suggest=score >= th.suggest,
                    act=score >= th.act,
                )
            )
        return out
