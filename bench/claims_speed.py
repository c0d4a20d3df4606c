"""Claim-matching speed on one core: ms per post (mean, p50, p99) against 100k fact-checks.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/claims_speed.py [--gate 2.0]

The registry: CLEF-2020's 10,375 claims, FactCheckTweet's 86,376 fact-check titles,
the 1,538 Weibo rumors of ced_weibo_rumor as Chinese fact-checks, and FactCheckTweet
subtitles up to 100,000. Fact-check vectors come from the benchmark cache
(``claims_embed.py``); where none is cached (the synthetic rows) a mix of two cached
vectors stands in, which costs the search exactly the same. Posts are embedded live.

Two streams, each post matched on its own (batch of 1, the latency a pre-publication
check sees): ``claims`` (the CLEF and FactCheckTweet test tweets: every post restates a
fact-check, the worst case) and ``mixed`` (95% ordinary posts: OLID tweets and SMS in
English, COLD and SWSR comments in Chinese; 5% claim tweets).
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from rich.progress import track

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import claims_data

from wenming.core.factcheck import FactCheck
from wenming.detectors.claims.embed import E5Embedder
from wenming.detectors.claims.matcher import Matcher

SIZE = 100_000
GATES = (1.0, 1.25, 1.5, 1.75, 2.0)
D = claims_data.DATASETS
CACHE = claims_data.CACHE / "claims"


def _cached(name: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    file = CACHE / f"{name}.npy"
    if file.exists():
        return np.load(file).astype(np.float32), True
    v = rng.standard_normal((n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True), False


def registry(rng: np.random.Generator) -> tuple[list[FactCheck], np.ndarray, list[str]]:
    notes: list[str] = []
    c, f = claims_data.clef(), claims_data.factchecktweet()
    fcs = [
        FactCheck(id=f"clef-{i}", claim=cl, title=t, verdict="false")
        for i, cl, t in zip(c.pool.ids, c.pool.fields["claim"], c.pool.fields["title"], strict=True)
    ]
    vc, ok = _cached("clef.both.q", len(fcs), rng)
    notes.append(f"CLEF vectors {'cached' if ok else 'RANDOM (not cached)'}")
    fcs += [
        FactCheck(id=i, claim=t or "(untitled)", verdict="false")
        for i, t in zip(f.pool.ids, f.pool.fields["title"], strict=True)
    ]
    vf, ok = _cached("fct.title.q", len(f.pool.ids), rng)
    notes.append(f"FactCheckTweet vectors {'cached' if ok else 'RANDOM (not cached)'}")
    weibo = [
        json.loads(line)["text"]
        for line in (D / "ced_weibo_rumor" / "ced_original_microblogs.jsonl").open(encoding="utf-8")
    ]
    rumors = [t for t in weibo if t.strip()][:1538]
    fcs += [
        FactCheck(id=f"weibo-{i}", claim=t[:400], verdict="false") for i, t in enumerate(rumors)
    ]
    extra = [s for s in f.pool.fields["subtitle"] if len(s) > 20][: SIZE - len(fcs)]
    fcs += [FactCheck(id=f"sub-{i}", claim=s[:400], verdict="false") for i, s in enumerate(extra)]
    base = np.concatenate([vc, vf])
    n_syn = len(fcs) - len(base)
    a, b = rng.integers(0, len(base), n_syn), rng.integers(0, len(base), n_syn)
    syn = base[a] + base[b]
    syn /= np.linalg.norm(syn, axis=1, keepdims=True)
    notes.append(f"{n_syn} synthetic rows (Weibo rumors, subtitles) with mixed vectors")
    return fcs, np.concatenate([base, syn]), notes


def streams(rng: random.Random) -> dict[str, list[str]]:
    c, f = claims_data.clef(), claims_data.factchecktweet()
    claims = c.splits["test"].texts + f.splits["test"].texts
    olid = [
        r["tweet"]
        for r in csv.DictReader(
            (D / "olid" / "olid-training-v1.0.tsv").open(encoding="utf-8"), delimiter="\t"
        )
    ]
    sms = [
        line.split("\t", 1)[1].strip()
        for line in (D / "sms_spam" / "SMSSpamCollection").open(encoding="utf-8")
        if line.startswith("ham\t")
    ]
    cold = [r["TEXT"] for r in csv.DictReader((D / "cold" / "test.csv").open(encoding="utf-8-sig"))]
    swsr = [
        r["comment_text"]
        for r in csv.DictReader((D / "swsr" / "SexComment.csv").open(encoding="utf-8-sig"))
    ]
    ordinary = (
        rng.sample(olid, 500) + rng.sample(sms, 450) + rng.sample(cold, 450) + rng.sample(swsr, 500)
    )
    mixed = ordinary + rng.sample(claims, 100)
    rng.shuffle(mixed)
    return {"claims": claims, "mixed": mixed}


def main() -> None:
    rng = np.random.default_rng(0)
    emb = E5Embedder(threads=1)
    sample = streams(random.Random(0))["mixed"][:100]
    emb.embed(sample[:2])
    t0 = time.perf_counter()
    for text in sample:
        emb.embed([text])
    per = (time.perf_counter() - t0) / len(sample) * 1000
    print(f"embedder: {per:.1f} ms per post (one core, batch of 1, {len(sample)} posts)")

    fcs, vecs, notes = registry(rng)
    t0 = time.perf_counter()
    matcher = Matcher(fcs, vecs, embedder=emb)
    if len(sys.argv) > 2 and sys.argv[1] == "--gate":
        matcher.gate = replace(matcher.gate, lexical=float(sys.argv[2]))
        print(f"timing with Gate.lexical = {matcher.gate.lexical}")
    print(
        f"registry: {len(fcs)} fact-checks, matcher built in {time.perf_counter() - t0:.1f}s"
        f" ({'; '.join(notes)})"
    )
    dense = matcher.dense
    assert dense is not None
    for exact in (True, False):
        t0 = time.perf_counter()
        for q in vecs[:50]:
            dense.search(q, 30, exact=exact)
        kind = "full scan" if exact else f"clustered ({dense.clustered})"
        print(f"dense search alone, {kind}: {(time.perf_counter() - t0) / 50 * 1000:.2f} ms/post")
    all_streams = streams(random.Random(1))
    views = {name: [matcher.prepare(t) for t in posts] for name, posts in all_streams.items()}
    print("share of posts the gate embeds, by Gate.lexical (rare-term units; coverage gate 0.60):")
    for lexical in GATES:
        gate = replace(matcher.gate, lexical=lexical)
        shares = {n: sum(matcher.gated(v, gate) for v in vs) / len(vs) for n, vs in views.items()}
        listed = ", ".join(f"{n} {x:.1%}" for n, x in shares.items())
        print(f"  lexical >= {lexical:.2f}: {listed}")
    for name, posts in all_streams.items():
        matcher.stats.__init__()  # type: ignore[misc]
        times = []
        for text in track(posts, description=f"stream {name}", transient=True):
            t0 = time.perf_counter()
            matcher.match([text], top=5)
            times.append((time.perf_counter() - t0) * 1000)
        ms = np.array(times)
        s = matcher.stats
        print(
            f"{name:7} {len(posts):5} posts: mean {ms.mean():6.2f} ms, p50 {np.median(ms):6.2f},"
            f" p99 {np.percentile(ms, 99):6.1f}; embedded {s.dense / s.posts:.1%}, "
            f"cache hits {s.cache_hits}, too short {s.too_short}"
        )


if __name__ == "__main__":
    main()
