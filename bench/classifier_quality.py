"""Quality and speed of the shipped classifiers on the public test splits.

    python bench/classifier_quality.py [--datasets ../shared/datasets]

Prints, per data set: the issue's target, the published reference figure, what the
shipped model reaches, the drop on another data set of the same kind, and the
throughput (items/s on one core, batches of 256, the fast path screening uses).
Needs the public data sets; prints a note and exits 0 without them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from wenming.classify.metrics import report
from wenming.classify.model import Model, load_model, packaged_models
from wenming.classify.public import READERS

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    model: str
    data: tuple[str, str]
    metric: str
    target: float
    published: float
    published_by: str
    other: tuple[str, str] | None


ROWS = (
    Row(
        "zh-offensive",
        ("cold", "test"),
        "accuracy",
        0.82,
        0.81,
        "COLDetector (BERT), Deng et al. 2022",
        ("swsr", "all"),
    ),
    Row(
        "en-offensive",
        ("olid", "test"),
        "macro_f1",
        0.78,
        0.829,
        "best of OffensEval 2019 A (BERT)",
        ("davidson_hate_offensive", "all"),
    ),
    Row(
        "en-spam",
        ("sms_spam", "test"),
        "accuracy",
        0.99,
        0.9764,
        "SVM, Almeida et al. 2011 (their split)",
        None,
    ),
)


def throughput(model: Model, texts: list[str], batch: int = 256) -> float:
    """Items per second scoring ``texts`` in batches (best of three runs)."""
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            model.score(texts[i : i + batch])
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    args = parser.parse_args()
    out = Console(width=180)
    if not args.datasets.is_dir():
        out.print(f"no data sets at {args.datasets}: skipping the classifier benchmark")
        return 0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    table = Table(title="shipped classifiers on public test splits (one core)")
    for col in (
        "model",
        "test set",
        "metric",
        "target",
        "published",
        "ours",
        "accuracy",
        "macro-F1",
        "AUC",
        "other set (drop)",
        "items/s",
    ):
        table.add_column(
            col,
            justify="left"
            if col in ("model", "test set", "metric", "other set (drop)")
            else "right",
        )
    notes = []
    for row in ROWS:
        model = load_model(row.model, [packaged_models()])
        data = READERS[row.data[0]](args.datasets, row.data[1])
        labels, scores = model.predict(data.texts)
        r = report(data.labels, labels, labels=model.labels, scores=scores, positive=model.positive)
        ours = r.accuracy if row.metric == "accuracy" else r.macro_f1
        other = "-"
        if row.other is not None:
            o = READERS[row.other[0]](args.datasets, row.other[1])
            ol, os_ = model.predict(o.texts)
            ro = report(o.labels, ol, labels=model.labels, scores=os_, positive=model.positive)
            v = ro.accuracy if row.metric == "accuracy" else ro.macro_f1
            other = f"{o.source} {v:.3f} ({v - ours:+.3f})"
        speed = throughput(model, data.texts)
        mark = "[green]" if ours >= row.target else "[yellow]"
        table.add_row(
            row.model,
            data.source,
            row.metric,
            f"{row.target:.3f}",
            f"{row.published:.3f}",
            f"{mark}{ours:.4f}[/]",
            f"{r.accuracy:.4f}",
            f"{r.macro_f1:.4f}",
            "-" if r.auc is None else f"{r.auc:.4f}",
            other,
            f"{speed:,.0f}",
        )
        notes.append(f"{row.model}: {model.version}; published: {row.published_by}")
    out.print(table)
    for note in notes:
        out.print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
