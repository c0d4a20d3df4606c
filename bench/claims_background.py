"""Build ``detectors/claims/data/background.npz``: the mean fact-check vector per script.

The matcher centres a post's cosine with a fact-check by the post's cosine with the
*typical* fact-check of that script (see :mod:`wenming.detectors.claims.dense`). Those typical
vectors are means over many claims, computed once here from public data and shipped
(two 384-float vectors; no text): Latin from CLEF-2020's 10,375 verified claims, Han
from 600 Weibo rumors of ced_weibo_rumor. Run after ``claims_embed.py``:

    python bench/claims_background.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import claims_data

from wenming.detectors.claims.embed import E5Embedder, embed_factchecks, recipe

OUT = Path(__file__).resolve().parents[1] / "src" / "wenming" / "claims" / "data"


def main() -> None:
    emb = E5Embedder()
    cache = claims_data.CACHE / "claims"
    both = np.load(cache / "clef.both.q.npy").astype(np.float32) + np.load(
        cache / "clef.both.p.npy"
    ).astype(np.float32)
    latin = both / np.linalg.norm(both, axis=1, keepdims=True)
    rows = (claims_data.DATASETS / "ced_weibo_rumor" / "ced_original_microblogs.jsonl").open(
        encoding="utf-8"
    )
    weibo = [t[:120] for t in (json.loads(line)["text"] for line in rows) if len(t) > 15]
    han = embed_factchecks(emb, weibo[:600])
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(
        OUT / "background.npz",
        recipe=np.array(recipe(emb)),
        scripts=np.array(["latin", "han"]),
        means=np.stack([latin.mean(axis=0), han.mean(axis=0)]).astype(np.float32),
        counts=np.array([len(latin), len(han)]),
    )
    print(f"wrote {OUT / 'background.npz'} for {recipe(emb)}")


if __name__ == "__main__":
    main()
