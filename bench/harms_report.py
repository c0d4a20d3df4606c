"""Per-category figures for bench/classifier_quality.py: heads, transfer, plain sets, speed.

Not a script of its own: classifier_quality.py imports it (bench/ is on sys.path when
that script runs).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table

from wenming.core.model import Item
from wenming.detectors.classifier import harms, harms_eval
from wenming.detectors.classifier.data import Labelled
from wenming.detectors.classifier.features import FeatureSpec
from wenming.detectors.classifier.heads import load_heads
from wenming.detectors.classifier.model import packaged_models
from wenming.detectors.classifier.public import cold, davidson, olid, swsr
from wenming.detectors.classifier.train import TrainOptions, train
from wenming.detectors.screener import Screener

ROOT = Path(__file__).resolve().parents[1]
TRAINING = ROOT / "training"

# Published figures on the same sets (same metric), where there is one to stand beside.
PUBLISHED: dict[str, str] = {
    "COLD test": "acc 0.8275 best published (Deng et al. 2022: COLDetector 0.81)",
    "OLID-A test": "macro-F1 0.829 (best of OffensEval 2019 A, Zampieri et al. 2019)",
    "HateXplain test": "hate vs rest: none; 3-class macro-F1 0.687 BERT-HateXplain "
    "(Mathew et al. 2021)",
    "TweetEval hate test": "macro-F1 0.651 SemEval-2019 T5 winner; RoBERTa 0.46-0.53 "
    "(Barbieri et al. 2020)",
    "Davidson hate vs neither": "none (Davidson et al. 2017: 3-class, hate F1 0.44)",
    "SMS Spam test": "acc 0.976 SVM (Almeida et al. 2011, their split)",
}


def _pct(x: float) -> str:
    return f"{x:.3f}"


def heads_table(datasets: Path) -> tuple[Table, dict[str, float], float]:
    """Every head on every evaluation set; returns the table, figures and items/s."""
    table = Table(
        title="per-category models (zh-harms, en-harms) at each head's decision "
        "threshold; written = training/heldout, never trained on"
    )
    for col in (
        "model",
        "kind",
        "set",
        "head",
        "n",
        "pos",
        "P",
        "R",
        "macro-F1",
        "AUC",
        "published",
    ):
        table.add_column(
            col, justify="left" if col in ("model", "kind", "set", "head", "published") else "right"
        )
    found: dict[str, float] = {}
    speeds = []
    for lang in ("zh", "en"):
        model = load_heads(f"{lang}-harms", [packaged_models()])
        sets = harms_eval.written_sets(TRAINING, lang) + harms_eval.public_sets(datasets, lang)
        for s in sets:
            start = time.perf_counter()
            p = harms_eval.score(model, s.texts, s.head)
            speeds.append(len(s.texts) / (time.perf_counter() - start))
            f = harms_eval.figures(s.y, p, model.heads[model.index(s.head)].threshold)
            found[f"{model.name}:{s.head}:{s.name}"] = f["macro_f1"]
            table.add_row(
                model.name,
                s.kind,
                s.name,
                s.head,
                str(f["n"]),
                str(f["positives"]),
                _pct(f["precision"]),
                _pct(f["recall"]),
                _pct(f["macro_f1"]),
                "-" if f["auc"] is None else _pct(f["auc"]),
                PUBLISHED.get(s.name, ""),
            )
    return table, found, float(np.median(speeds))


def _split(data: Labelled, test: bool) -> Labelled:
    keep = [
        i
        for i, t in enumerate(data.texts)
        if (int(hashlib.sha256(t.encode()).hexdigest()[:8], 16) % 5 == 0) == test
    ]
    return Labelled(
        [data.texts[i] for i in keep],
        [data.labels[i] for i in keep],
        data.sha256,
        data.source + ("/test" if test else "/train"),
    )


def _labelled(sets: list[tuple[str, int]], source: str) -> Labelled:
    return Labelled([t for t, _ in sets], [str(y) for _, y in sets], "", source)


def transfer_table(datasets: Path) -> Table:
    """Train NB-LR on one set, test on its own test split and on another set's."""
    hx_tr = _labelled(
        [(t, int(c == "hatespeech")) for t, c in harms.hatexplain(datasets, "train")],
        "hatexplain/train",
    )
    hx_te = _labelled(
        [(t, int(c == "hatespeech")) for t, c in harms.hatexplain(datasets, "test")],
        "hatexplain/test",
    )
    te_tr = _labelled(harms.tweeteval_hate(datasets, "train"), "tweeteval_hate/train")
    te_te = _labelled(harms.tweeteval_hate(datasets, "test"), "tweeteval_hate/test")
    sw = swsr(datasets)
    pairs = [
        ("zh", cold(datasets, "train"), cold(datasets, "test"), _split(sw, True)),
        ("zh", _split(sw, False), _split(sw, True), cold(datasets, "test")),
        ("en", olid(datasets, "train"), olid(datasets, "test"), davidson(datasets)),
        ("en", hx_tr, hx_te, te_te),
        ("en", te_tr, te_te, hx_te),
    ]
    table = Table(
        title="cross-data-set transfer (NB-LR trained here, fast stage; macro-F1 at "
        "the out-of-fold threshold)"
    )
    for col in ("train", "in-domain test", "mF1", "AUC", "other set", "mF1 ", "AUC ", "gap"):
        table.add_column(
            col, justify="left" if col in ("train", "in-domain test", "other set") else "right"
        )
    for lang, tr, te, other in pairs:
        spec = FeatureSpec(1, 3, 0, 0) if lang == "zh" else FeatureSpec(1, 4, 1, 2, False)
        model = train(tr, name="transfer", options=TrainOptions(spec=spec, c=8.0, folds=3))
        res = []
        for data in (te, other):
            _, scores = model.predict(data.texts, cascade=False)
            y = np.array([v == model.positive for v in data.labels])
            f = harms_eval.figures(y, scores, model.threshold)
            res.append(f)
        gap = res[1]["macro_f1"] - res[0]["macro_f1"]
        mark = "[green]" if gap >= -0.10 else "[yellow]"
        table.add_row(
            tr.source,
            te.source,
            _pct(res[0]["macro_f1"]),
            _pct(res[0]["auc"] or 0),
            other.source,
            _pct(res[1]["macro_f1"]),
            _pct(res[1]["auc"] or 0),
            f"{mark}{gap:+.3f}[/]",
        )
    return table


def _harmful(row: dict[str, Any]) -> bool:
    """Whether a plainly-worded test row is harmful (several spellings are accepted)."""
    for key in ("harmful", "is_harmful"):
        if key in row:
            return bool(row[key])
    if isinstance(row.get("labels"), list):
        return bool(row["labels"])
    for key in ("label", "category", "expect", "expected"):
        if key in row:
            return str(row[key]).lower() not in (
                "",
                "0",
                "clean",
                "none",
                "allow",
                "ok",
                "false",
                "benign",
                "safe",
            )
    raise ValueError(f"cannot tell whether this row is harmful: {sorted(row)}")


def plain_figures(screener: Screener) -> tuple[float, float]:
    """Recall (any action) on harmful plain posts and the action rate on clean ones."""
    files = [ROOT / "bench" / "data" / f"plain_{lang}.jsonl" for lang in ("en", "zh")]
    if not all(f.is_file() for f in files):
        return float("nan"), float("nan")
    rows = [json.loads(line) for f in files for line in f.open(encoding="utf-8") if line.strip()]
    decisions = screener.screen([str(r["text"]) for r in rows])
    acted = [d.verdict != "allow" for d in decisions]
    bad = [a for a, r in zip(acted, rows, strict=True) if _harmful(r)]
    good = [a for a, r in zip(acted, rows, strict=True) if not _harmful(r)]
    return sum(bad) / max(1, len(bad)), sum(good) / max(1, len(good))


def screening_speed(screener: Screener, texts: list[str], batch: int = 256) -> float:
    """Items/s of the full default-policy screening path on one core (best of three)."""
    items = [Item(id=str(i), text=t) for i, t in enumerate(texts)]
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for i in range(0, len(items), batch):
            screener.screen(items[i : i + batch])
        best = max(best, len(items) / (time.perf_counter() - start))
    return best
