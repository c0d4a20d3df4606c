"""Loaders for the claim-retrieval data sets in ../shared/datasets (never copied here).

CLEF-2020 CheckThat! task 2 (tweets → Snopes verified claims) and FactCheckTweet
(English tweets → a multilingual pool of 86k fact-check articles). Each loader returns
the pool (ids and text fields) and, per split, the queries and the relevant pool ids.
Shared by ``claims_embed.py``, ``claims_quality.py`` and ``claims_speed.py``.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

DATASETS = Path(
    os.environ.get("WENMING_DATASETS", Path(__file__).resolve().parents[2] / "shared" / "datasets")
)
CACHE = Path(os.environ.get("WENMING_BENCH_CACHE", Path.home() / ".cache" / "wenming-bench"))


@dataclass
class Pool:
    ids: list[str]
    fields: dict[str, list[str]]
    langs: list[str] = field(default_factory=list)


@dataclass
class Split:
    qids: list[str]
    texts: list[str]
    qrels: dict[str, set[str]]


@dataclass
class Dataset:
    name: str
    pool: Pool
    splits: dict[str, Split]


def clef() -> Dataset:
    root = DATASETS / "clef2020_checkthat_t2"
    csv.field_size_limit(sys.maxsize)
    ids, claims, titles = [], [], []
    with (root / "verified_claims.docs.tsv").open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        for row in rows:
            ids.append(row[0])
            claims.append(" ".join(row[1].split()))
            titles.append(" ".join(row[2].split()) if len(row) > 2 else "")
    splits = {}
    for split in ("train", "dev", "test"):
        qids, texts = [], []
        with (root / split / "tweets.queries.tsv").open(encoding="utf-8") as f:
            rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows)
            for row in rows:
                qids.append(row[0])
                texts.append(row[1])
        qrels: dict[str, set[str]] = {}
        for line in (root / split / "tweet-vclaim-pairs.qrels").read_text().splitlines():
            parts = line.split()
            if len(parts) == 4:
                qrels.setdefault(parts[0], set()).add(parts[2])
        keep = [i for i, q in enumerate(qids) if q in qrels]
        splits[split] = Split([qids[i] for i in keep], [texts[i] for i in keep], qrels)
    return Dataset(
        "clef2020", Pool(ids, {"claim": claims, "title": titles}, ["en"] * len(ids)), splits
    )


def factchecktweet() -> Dataset:
    root = DATASETS / "factchecktweet_en"
    ids, titles, subtitles, langs = [], [], [], []
    with gzip.open(root / "vclaims.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            ids.append(d["vclaim_id"])
            titles.append(" ".join((d.get("title") or "").split()))
            subtitles.append(" ".join((d.get("subtitle") or d.get("article_lead") or "").split()))
            langs.append(d.get("lang") or "")
    splits = {}
    for split, name in (("train", "Train"), ("dev", "Dev"), ("test", "Test")):
        qids, texts = [], []
        with (root / f"FC-EN-{name}_Queries.tsv").open(encoding="utf-8", newline="") as f:
            rows = csv.reader(f, delimiter="\t")
            next(rows)
            for row in rows:
                qids.append(row[0])
                texts.append(row[1])
        qrels: dict[str, set[str]] = {}
        for line in (root / f"FC-EN-{name}_QRELs.tsv").read_text().splitlines():
            parts = line.split()
            if len(parts) == 4:
                qrels.setdefault(parts[0], set()).add(parts[2])
        keep = [i for i, q in enumerate(qids) if q in qrels]
        splits[split] = Split([qids[i] for i in keep], [texts[i] for i in keep], qrels)
    return Dataset(
        "factchecktweet", Pool(ids, {"title": titles, "subtitle": subtitles}, langs), splits
    )
