"""Evaluation sets of the per-category models, one ``(set, head)`` pair at a time.

Every set here is kept out of ``zh-harms`` / ``en-harms`` training
(:mod:`wenming.detectors.classifier.harms`): public test splits, sets used only to measure transfer
to another source (SWSR, Davidson et al.) and wenming's held-out written rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from wenming.detectors.classifier import harms, public
from wenming.detectors.classifier.heads import MultiHead
from wenming.detectors.classifier.metrics import roc_auc


@dataclass(frozen=True, slots=True)
class EvalSet:
    """Texts with a 0/1 label for one head; ``kind`` is in-domain, transfer or written."""

    name: str
    head: str
    kind: str
    texts: list[str]
    y: npt.NDArray[np.bool_]


def _set(name: str, head: str, kind: str, rows: list[tuple[str, int]]) -> EvalSet:
    return EvalSet(name, head, kind, [t for t, _ in rows], np.array([y for _, y in rows], bool))


def written_sets(training: Path, lang: str) -> list[EvalSet]:
    """Held-out written rows: per head, its positives against every clean row."""
    rows = harms.heldout(training, lang)
    out = []
    for head in harms.HEADS:
        pick = [
            (str(r["text"]), int(head in r["labels"]))
            for r in rows
            if head in r["labels"] or not r["labels"]
        ]
        if any(y for _, y in pick):
            out.append(_set(f"training/heldout/{lang}", head, "written", pick))
    return out


def public_sets(datasets: Path, lang: str) -> list[EvalSet]:
    """Public test splits (in-domain) and other sources (transfer) for ``lang``."""
    if lang == "zh":
        cold = public.cold(datasets, "test")
        swsr = public.swsr(datasets)
        return [
            _set(
                "COLD test",
                "hate",
                "in-domain",
                [(t, int(y == "1")) for t, y in zip(cold.texts, cold.labels, strict=True)],
            ),
            _set(
                "SWSR (sexism)",
                "hate",
                "transfer",
                [(t, int(y == "1")) for t, y in zip(swsr.texts, swsr.labels, strict=True)],
            ),
        ]
    olid = public.olid(datasets, "test")
    hx = harms.hatexplain(datasets, "test")
    te = harms.tweeteval_hate(datasets, "test")
    sms = public.sms_spam(datasets, "test")
    sm = harms.smishing(datasets, "test")
    dav = public.davidson(datasets)
    import csv

    with (datasets / "davidson_hate_offensive" / "labeled_data.csv").open(encoding="utf-8") as f:
        dav_class = [r["class"] for r in csv.DictReader(f)]
    return [
        _set(
            "OLID-A test",
            "harassment",
            "in-domain",
            [(t, int(y == "1")) for t, y in zip(olid.texts, olid.labels, strict=True)],
        ),
        _set("HateXplain test", "hate", "in-domain", [(t, int(c == "hatespeech")) for t, c in hx]),
        _set("TweetEval hate test", "hate", "in-domain", te),
        _set(
            "SMS Spam test",
            "spam",
            "in-domain",
            [(t, int(y == "1")) for t, y in zip(sms.texts, sms.labels, strict=True)],
        ),
        _set(
            "SMS smishing test",
            "fraud",
            "in-domain",
            [(t, int(c == "smishing")) for t, c in sm if c != "spam"],
        ),
        _set(
            "Davidson hate vs neither",
            "hate",
            "transfer",
            [(t, int(c == "0")) for t, c in zip(dav.texts, dav_class, strict=True) if c != "1"],
        ),
        _set(
            "Davidson offensive+hate vs neither",
            "harassment",
            "transfer",
            [(t, int(c != "2")) for t, c in zip(dav.texts, dav_class, strict=True)],
        ),
    ]


def score(model: MultiHead, texts: list[str], head: str, batch: int = 256) -> npt.NDArray[Any]:
    """The head's calibrated scores for ``texts`` (batches of ``batch``, as screening)."""
    j = model.index(head)
    parts = [model.proba(texts[i : i + batch])[:, j] for i in range(0, len(texts), batch)]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def figures(y: npt.NDArray[np.bool_], p: npt.NDArray[Any], threshold: float) -> dict[str, Any]:
    """Precision and recall of the harmful class, accuracy, macro-F1 and AUC."""
    pred = p >= threshold
    out: dict[str, Any] = {"n": len(y), "positives": int(y.sum())}
    f1s = []
    for cls in (True, False):
        tp = int(((pred == cls) & (y == cls)).sum())
        prec = tp / max(1, int((pred == cls).sum()))
        rec = tp / max(1, int((y == cls).sum()))
        f1s.append(0.0 if prec + rec == 0 else 2 * prec * rec / (prec + rec))
        if cls:
            out["precision"], out["recall"] = round(prec, 4), round(rec, 4)
    out["accuracy"] = round(float((pred == y).mean()) if len(y) else 0.0, 4)
    out["macro_f1"] = round(sum(f1s) / 2, 4)
    auc = roc_auc(y, p)
    out["auc"] = None if auc is None else round(auc, 4)
    return out


def evaluate(model: MultiHead, sets: list[EvalSet]) -> list[dict[str, Any]]:
    """Figures per set at each head's decision threshold."""
    out = []
    for s in sets:
        p = score(model, s.texts, s.head)
        threshold = model.heads[model.index(s.head)].threshold
        out.append({"data": s.name, "head": s.head, "kind": s.kind, **figures(s.y, p, threshold)})
    return out
