"""Claim-matching quality: MAP@1, MAP@5 and Recall@5 of the matcher on public data.

    python bench/claims_embed.py local      # once: embeddings into the cache (see there)
    python bench/claims_quality.py          # the tables of docs/performance.md
    python bench/claims_quality.py --fit    # refit the ScoreModel on CLEF train

Data: CLEF-2020 CheckThat! task 2 (dev and test; tweets → 10,375 Snopes claims) and
FactCheckTweet (test; English tweets → 86,376 fact-check titles in many languages),
read from ../shared/datasets. Variants: ``lexical`` (BM25 only), ``dense`` (e5
cosine only), ``hybrid`` (both scored by the ScoreModel, every post embedded) and
``cascade`` (the production path: embed only what the gate lets through). Fact-check
vectors come from the cache; post vectors too when cached, else they are computed.
The zh↔en check runs on the small bilingual fixture the tests use.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import claims_data

from wenming.core.factcheck import FactCheck
from wenming.detectors.claims.embed import E5Embedder, Kind, Vectors, embed_factchecks
from wenming.detectors.claims.matcher import (
    Matcher,
    ScoreModel,
    embedding_input,
    embedding_text,
)
from wenming.detectors.claims.text import clean_post

CACHE = claims_data.CACHE / "claims"


class CachedEmbedder:
    """Post vectors from the benchmark cache; anything else through the real model."""

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self.real = E5Embedder()
        self.name, self.dim = self.real.name, self.real.dim
        self.known = {t: v.astype(np.float32) for t, v in zip(texts, vectors, strict=True)}
        self.misses = 0

    def embed(self, texts: list[str], *, kind: Kind = "query") -> Vectors:
        missing = [t for t in texts if t not in self.known]
        if missing:
            self.misses += len(missing)
            for t, v in zip(missing, self.real.embed(missing, kind=kind), strict=True):
                self.known[t] = v
        return np.stack([self.known[t] for t in texts])


def _load(name: str) -> np.ndarray:
    file = CACHE / f"{name}.npy"
    if not file.exists():
        sys.exit(f"missing {file}: run `python bench/claims_embed.py local` first")
    return np.load(file).astype(np.float32)


def dataset(name: str) -> tuple[claims_data.Dataset, list[FactCheck], np.ndarray, CachedEmbedder]:
    if name == "clef2020":
        ds = claims_data.clef()
        fcs = [
            FactCheck(id=i, claim=c, title=t, verdict="false")
            for i, c, t in zip(
                ds.pool.ids, ds.pool.fields["claim"], ds.pool.fields["title"], strict=True
            )
        ]
        # As the registry stores them: the mean of the query and passage embeddings.
        both = _load("clef.both.q") + _load("clef.both.p")
        vecs = both / np.linalg.norm(both, axis=1, keepdims=True)
        qname = "clef.queries.clean2.q"
    else:
        ds = claims_data.factchecktweet()
        fcs = [
            FactCheck(id=i, claim=t or "(untitled)", verdict="false")
            for i, t in zip(ds.pool.ids, ds.pool.fields["title"], strict=True)
        ]
        # Only query-prefixed title vectors were computed for this 86k pool (an hour of
        # CPU each); the registry would store the query/passage mean.
        vecs, qname = _load("fct.title.q"), "fct.queries.clean2.q"
    assert [embedding_text(f) for f in fcs[:1]]
    posts = [clean_post(t) for s in ("train", "dev", "test") for t in ds.splits[s].texts]
    if not (CACHE / f"{qname}.npy").exists():  # posts are embedded live, as in production
        return ds, fcs, vecs, CachedEmbedder([], np.zeros((0, 384), dtype=np.float32))
    return ds, fcs, vecs, CachedEmbedder(posts, _load(qname))


def ap_at(ranked: list[str], relevant: set[str], k: int) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k]):
        if doc in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(relevant), k)


def evaluate(matcher: Matcher, split: claims_data.Split, mode: str) -> dict[str, float]:
    dense = {"lexical": "never", "cascade": "auto"}.get(mode, "always")
    if mode == "dense":
        matcher = _dense_only(matcher)
    t0 = time.perf_counter()
    results = matcher.match(split.texts, top=5, dense=dense)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t0
    m1 = m5 = r5 = 0.0
    for qid, found in zip(split.qids, results, strict=True):
        ranked = [m.factcheck.id for m in found]
        rel = split.qrels[qid]
        m1 += ap_at(ranked, rel, 1)
        m5 += ap_at(ranked, rel, 5)
        r5 += len(set(ranked[:5]) & rel) / len(rel)
    n = len(split.qids)
    return {"MAP@1": m1 / n, "MAP@5": m5 / n, "R@5": r5 / n, "posts/s": n / seconds}


def _dense_only(matcher: Matcher) -> Matcher:
    clone = copy.copy(matcher)
    clone.model = replace(matcher.model, lexical=0.0)
    return clone


def fit(matcher: Matcher, split: claims_data.Split) -> ScoreModel:
    """Logistic regressions (no class weights: scores stay probabilities) on train."""
    rows: list[tuple[float, float, bool]] = []
    lex_rows: list[tuple[float, bool]] = []
    queries = matcher.embed_posts([embedding_input(clean_post(t)) for t in split.texts])
    for text, qid, query in zip(split.texts, split.qids, queries, strict=True):
        view = matcher.prepare(text)
        cand, dense, lexical, _ = matcher.features(view, query)
        assert dense is not None
        rel = split.qrels[qid]
        for c, d, lx in zip(cand.tolist(), dense.tolist(), lexical.tolist(), strict=True):
            rows.append((d, lx, matcher.factchecks[c].id in rel))
        for c, lx in zip(view.hits.docs.tolist(), view.hits.scores.tolist(), strict=True):
            lex_rows.append((lx, matcher.factchecks[c].id in rel))
    x = np.array([[d, lx] for d, lx, _ in rows])
    y = np.array([r[2] for r in rows], dtype=float)
    wd, wl, b = _logistic(x, y)
    cd, cb = _fit_cross_script(matcher)
    xl = np.array([[lx] for lx, _ in lex_rows])
    yl = np.array([r[1] for r in lex_rows], dtype=float)
    lw, lb = _logistic(xl, yl)
    return ScoreModel(
        dense=round(wd, 2),
        lexical=round(wl, 2),
        bias=round(b, 2),
        cross_dense=round(cd, 2),
        cross_bias=round(cb, 2),
        lexical_only=round(lw, 2),
        lexical_only_bias=round(lb, 2),
    )


def _fit_cross_script(matcher: Matcher) -> tuple[float, float]:
    """The dense-only model for pairs in different scripts: the zh↔en calibration set
    (claims_crosslang.py) added to the CLEF registry, whose 10k English claims supply
    the hard negatives a real registry has (many claims on one topic)."""
    from claims_crosslang import PAIRS

    embedder = matcher.embedder.real  # type: ignore[union-attr]
    extra = [
        FactCheck(id=f"x{i}", claim=c, languages=(lang,), verdict="false")
        for i, (c, lang, _) in enumerate(PAIRS)
    ]
    fcs = matcher.factchecks + extra
    assert matcher.dense is not None
    vecs = np.concatenate(
        [matcher.dense.vectors, embed_factchecks(embedder, [f.claim for f in extra])]
    )
    both = Matcher(fcs, vecs, embedder=embedder)
    posts = [p for _, _, p in PAIRS]
    xs: list[list[float]] = []
    ys: list[float] = []
    for i, (post, query) in enumerate(zip(posts, both.embed_posts(posts), strict=True)):
        cand, dense, _, cross = both.features(both.prepare(post), query)
        assert dense is not None
        for c, d, x in zip(cand.tolist(), dense.tolist(), cross.tolist(), strict=True):
            if x:
                xs.append([d])
                ys.append(float(fcs[c].id == f"x{i}"))
    w, b = _logistic(np.array(xs), np.array(ys))
    return w, b


def _logistic(x: np.ndarray, y: np.ndarray, iters: int = 4000) -> tuple[float, ...]:
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = p - y
        w -= 1.0 * (z.T @ g / len(y) + 1e-4 * w)
        b -= 1.0 * g.mean()
    weights = w / sd
    return (*[float(v) for v in weights], float(b - (w * mu / sd).sum()))


def cross_language() -> dict[str, float]:
    from tests.detectors.claims.fixtures import FACTCHECKS, POSTS

    from wenming.core.factcheck import factcheck_from_mapping

    fcs = [factcheck_from_mapping(x) for x in FACTCHECKS]
    emb = E5Embedder()
    matcher = Matcher(fcs, embed_factchecks(emb, [embedding_text(f) for f in fcs]), embedder=emb)
    pairs = [(p, g) for p, g in POSTS if g is not None]
    found = matcher.match([p for p, _ in pairs], top=5)
    top1 = sum(bool(f) and f[0].factcheck.id == g for f, (_, g) in zip(found, pairs, strict=True))
    acted = sum(bool(f) and f[0].act for f in found)
    return {"pairs": len(pairs), "top-1": top1 / len(pairs), "acted": acted / len(pairs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the ScoreModel on CLEF train")
    parser.add_argument("--datasets", default="clef2020,factchecktweet")
    args = parser.parse_args()
    for name in args.datasets.split(","):
        ds, fcs, vecs, emb = dataset(name)
        t0 = time.perf_counter()
        matcher = Matcher(fcs, vecs, embedder=emb)
        print(f"\n{name}: {len(fcs)} fact-checks, matcher built in {time.perf_counter() - t0:.1f}s")
        if args.fit and name == "clef2020":
            model = fit(matcher, ds.splits["train"])
            print(f"fitted on train: {model}")
            matcher.model = model
        splits = ("dev", "test") if name == "clef2020" else ("test",)
        print(f"{'split':6} {'variant':8} {'MAP@1':>6} {'MAP@5':>6} {'R@5':>6} {'posts/s':>8}")
        for split in splits:
            for mode in ("lexical", "dense", "hybrid", "cascade"):
                r = evaluate(matcher, ds.splits[split], mode)
                print(
                    f"{split:6} {mode:8} {r['MAP@1']:6.4f} {r['MAP@5']:6.4f} {r['R@5']:6.4f} "
                    f"{r['posts/s']:8.0f}"
                )
        print("cascade by Gate.lexical (MAP@5, share embedded):")
        for lexical in (1.0, 1.25, 1.5, 1.75, 2.0):
            gated = copy.copy(matcher)
            gated.gate = replace(matcher.gate, lexical=lexical)
            gated.stats = type(matcher.stats)()
            row = [
                f"{split} {evaluate(gated, ds.splits[split], 'cascade')['MAP@5']:.4f}"
                for split in splits
            ]
            share = gated.stats.dense / max(gated.stats.posts, 1)
            print(f"  lexical >= {lexical:.2f}: {', '.join(row)}; embedded {share:.1%}")
        print(f"{emb.misses} post embeddings computed live")
    print(f"\nzh↔en fixture: {cross_language()}")


if __name__ == "__main__":
    main()
