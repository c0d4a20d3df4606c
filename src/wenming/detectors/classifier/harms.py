"""The training data of the default per-category models ``zh-harms`` and ``en-harms``.

Each public set labels what it labels and no more, so it fills only the heads it
speaks for (the rest are unknown, -1, and that set's rows do not train them); rows a
set calls clean are harmless for every head. wenming's own written examples
(``training/<lang>/*.jsonl``, see training/README.md) label every head.

Which set feeds which head (licences in :data:`wenming.detectors.classifier.public.SOURCES`):

- zh: COLD train + dev (offensive → ``hate``; the set targets race, gender and region);
- en: OLID train (OFF → ``harassment``), HateXplain train (hate speech → ``hate``,
  offensive → ``harassment``), TweetEval hate train (→ ``hate``), SMS Spam train split
  (→ ``spam``), SMS smishing (Mendeley, same hash split; smishing → ``fraud``, spam →
  ``spam``).

Kept out so they stay independent checks (``bench/classifier_quality.py``): SWSR,
Davidson et al., every test split, ``training/heldout/`` and the evaluation-only
sets (telecom_fraud_zh, sos1k, sdcnl, liar, ced_weibo_rumor).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from wenming.detectors.classifier import public
from wenming.detectors.classifier.heads_train import HeadData

HEADS = (
    "violence",
    "hate",
    "harassment",
    "sexual",
    "self_harm",
    "fraud",
    "spam",
    "prohibited_goods",
)
WRITTEN_WEIGHT = 4.0
"""Written rows weigh four times as much: few beside the public sets, they label every head."""

_Row = tuple[str, dict[str, int] | None, str, float]  # text, {head: 0/1} (None: all 0), group


def _in_test(text: str) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 5 == 0


def written(root: Path, lang: str, folder: str | None = None) -> list[dict[str, Any]]:
    """wenming's own labelled rows for ``lang`` (``training/<lang>/*.jsonl``)."""
    base = root / (folder or lang)
    rows: list[dict[str, Any]] = []
    for path in sorted(base.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    return [r for r in rows if r.get("lang", lang) == lang]


def heldout(root: Path, lang: str) -> list[dict[str, Any]]:
    """The written rows training never sees (``training/heldout/<lang>.jsonl``)."""
    path = root / "heldout" / f"{lang}.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def hatexplain(datasets: Path, split: str) -> list[tuple[str, str]]:
    """HateXplain ``train``/``val``/``test`` as ``(text, normal|hatespeech|offensive)``."""
    base = datasets / "hatexplain"
    ids = set(json.loads((base / "post_id_divisions.json").read_text())[split])
    names = {"0": "normal", "1": "hatespeech", "2": "offensive"}
    with (base / "092-HateXplain.csv").open(encoding="utf-8", newline="") as f:
        return [
            (r["text"], names[r["category"]])
            for r in csv.DictReader(f)
            if r[""] in ids and r["category"] in names
        ]


def tweeteval_hate(datasets: Path, split: str) -> list[tuple[str, int]]:
    """TweetEval hate ``train``/``val``/``test`` as ``(text, 0|1)``."""
    base = datasets / "tweeteval_hate"
    texts = (base / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (base / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    return [(t, int(y)) for t, y in zip(texts, labels, strict=True)]


def smishing(datasets: Path, split: str) -> list[tuple[str, str]]:
    """SMS smishing (Mendeley) as ``(text, ham|spam|smishing)``, split like SMS Spam."""
    path = datasets / "sms_smishing_en" / "Mendeley_Dataset_5971.csv"
    seen: dict[str, str] = {}
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        for r in csv.DictReader(f):
            seen.setdefault(r["TEXT"], r["LABEL"].strip().lower())
    return [(t, y) for t, y in seen.items() if _in_test(t) == (split == "test")]


def _only(head: str, value: int) -> dict[str, int]:
    return {head: value}


def _assemble(rows: list[_Row], sources: dict[str, int]) -> HeadData:
    y = np.full((len(rows), len(HEADS)), -1, dtype=np.int8)
    for i, (_, labels, _, _) in enumerate(rows):
        if labels is None:
            y[i] = 0
        else:
            for head, v in labels.items():
                y[i, HEADS.index(head)] = v
    return HeadData(
        texts=[r[0] for r in rows],
        y=y,
        groups=[r[2] for r in rows],
        weights=np.array([r[3] for r in rows], dtype=np.float64),
        heads=HEADS,
        sources=sources,
    )


def _written_rows(training: Path, lang: str) -> list[_Row]:
    out: list[_Row] = []
    for r in written(training, lang):
        labels = {h: int(h in r["labels"]) for h in HEADS}
        out.append((str(r["text"]), labels, str(r["template"]), WRITTEN_WEIGHT))
    return out


def zh_data(datasets: Path, training: Path) -> HeadData:
    """Training rows of ``zh-harms``."""
    rows: list[_Row] = []
    cold = public.combine([public.cold(datasets, "train"), public.cold(datasets, "dev")], "cold")
    for i, (t, label) in enumerate(zip(cold.texts, cold.labels, strict=True)):
        rows.append((t, _only("hate", 1) if label == "1" else None, f"cold/{i}", 1.0))
    mine = _written_rows(training, "zh")
    return _assemble(rows + mine, {"cold/train+dev": len(cold.texts), "training/zh": len(mine)})


def en_data(datasets: Path, training: Path) -> HeadData:
    """Training rows of ``en-harms``."""
    rows: list[_Row] = []
    sources: dict[str, int] = {}
    olid = public.olid(datasets, "train")
    for i, (t, label) in enumerate(zip(olid.texts, olid.labels, strict=True)):
        rows.append((t, _only("harassment", 1) if label == "1" else None, f"olid/{i}", 1.0))
    sources["olid/train"] = len(olid.texts)
    hx = hatexplain(datasets, "train")
    for i, (t, cat) in enumerate(hx):
        labels = {
            "normal": None,
            "hatespeech": {"hate": 1},
            "offensive": {"hate": 0, "harassment": 1},
        }[cat]
        rows.append((t, labels, f"hatexplain/{i}", 1.0))
    sources["hatexplain/train"] = len(hx)
    te = tweeteval_hate(datasets, "train")
    for i, (t, v) in enumerate(te):
        rows.append((t, _only("hate", v), f"tweeteval_hate/{i}", 1.0))
    sources["tweeteval_hate/train"] = len(te)
    sms = public.sms_spam(datasets, "train")
    for i, (t, label) in enumerate(zip(sms.texts, sms.labels, strict=True)):
        rows.append((t, _only("spam", 1) if label == "1" else None, f"sms/{i}", 1.0))
    sources["sms_spam/train"] = len(sms.texts)
    sm = smishing(datasets, "train")
    for i, (t, cat) in enumerate(sm):
        labels = {"ham": None, "spam": {"spam": 1, "fraud": 0}, "smishing": {"fraud": 1}}[cat]
        rows.append((t, labels, f"smishing/{i}", 1.0))
    sources["sms_smishing_en/train"] = len(sm)
    mine = _written_rows(training, "en")
    sources["training/en"] = len(mine)
    return _assemble(rows + mine, sources)
