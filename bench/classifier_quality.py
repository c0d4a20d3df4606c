"""Quality and speed of the shipped classifiers on the public test splits.

    python bench/classifier_quality.py [--datasets ../shared/datasets] [--no-transfer]

Prints, per data set: the issue's target, the published reference figure, what the
shipped model reaches with its fast stage alone and with its cascade (the second stage
re-scoring the uncertain band, where the model has one), the fraction of items the
cascade embedded, the throughput of both paths (items/s on one core, batches of 256),
and the change on another data set of the same kind. Needs the public data sets; prints
a note and exits 0 without them. ``--no-cascade`` measures the fast stages only.

Then the per-category models (``zh-harms``, ``en-harms``, bench/harms_report.py): each
head on the public test splits, on other sources (transfer) and on the held-out written
rows, beside published figures; cross-data-set transfer of NB-LR trained here
(``--no-transfer`` skips the training); the cost of each screening stage; and one last
line for the record::

    cold_acc=R olid_mf1=R plain_recall=R plain_clean_actions=R items_per_s=N

``cold_acc`` / ``olid_mf1``: the fast stages of ``zh-offensive`` / ``en-offensive`` on
the COLD / OLID-A test splits; ``plain_*``: the default policy on
bench/data/plain_{en,zh}.jsonl (any verdict but ``allow`` counts as an action; ``nan``
when the files are absent); ``items_per_s``: the full default-policy screening path on
one core, batches of 256, on the test texts of COLD, OLID and SMS Spam.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from wenming.core.policy import Policy
from wenming.detectors.classifier.data import Labelled
from wenming.detectors.classifier.metrics import Report, report
from wenming.detectors.classifier.model import Model, Scored, load_model, packaged_models
from wenming.detectors.classifier.public import READERS
from wenming.detectors.screener import Screener

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harms_report

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


def run_batched(
    model: Model, texts: list[str], *, cascade: bool, batch: int = 256
) -> tuple[Scored, float]:
    """Score ``texts`` in batches; the merged result and the items per second."""
    parts = []
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        parts.append(model.run(texts[i : i + batch], cascade=cascade))
    speed = len(texts) / (time.perf_counter() - start)
    merged = Scored(
        np.concatenate([p.harm for p in parts]),
        np.concatenate([p.embedded for p in parts]),
        [label for p in parts for label in p.labels],
    )
    return merged, speed


def figures(model: Model, data: Labelled, scored: Scored) -> Report:
    return report(
        data.labels,
        scored.labels,
        labels=model.labels,
        scores=scored.harm,
        positive=model.positive,
    )


def metric(r: Report, name: str) -> float:
    return r.accuracy if name == "accuracy" else r.macro_f1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--no-cascade", action="store_true", help="fast stages only")
    parser.add_argument("--no-transfer", action="store_true", help="skip the transfer training")
    args = parser.parse_args()
    out = Console(width=200)
    if not args.datasets.is_dir():
        out.print(f"no data sets at {args.datasets}: skipping the classifier benchmark")
        return 0
    os.environ["OMP_NUM_THREADS"] = "1"  # the embedder: one thread, before it loads
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    table = Table(title="shipped classifiers on public test splits (one core, batches of 256)")
    columns = (
        "model",
        "test set",
        "metric",
        "target",
        "published",
        "ours fast",
        "ours cascade",
        "embedded",
        "fast items/s",
        "cascade items/s",
        "AUC fast/cascade",
        "other set: fast / cascade (change vs test)",
    )
    for col in columns:
        left = col in ("model", "test set", "metric") or col.startswith("other")
        table.add_column(col, justify="left" if left else "right")
    notes = []
    record: dict[str, float] = {}
    for row in ROWS:
        model = load_model(row.model, [packaged_models()])
        data = READERS[row.data[0]](args.datasets, row.data[1])
        fast_speed = 0.0
        for _ in range(3):  # best of three: the fast path is quick and noisy
            fast, speed = run_batched(model, data.texts, cascade=False)
            fast_speed = max(fast_speed, speed)
        rf = figures(model, data, fast)
        ours = metric(rf, row.metric)
        record[row.model] = ours
        mark = "[green]" if ours >= row.target else "[yellow]"
        cells = [f"{mark}{ours:.4f}[/]", "-", "-", f"{fast_speed:,.0f}", "-"]
        auc = "-" if rf.auc is None else f"{rf.auc:.3f}"
        rc = None
        if model.cascade is not None and not args.no_cascade:
            casc, casc_speed = run_batched(model, data.texts, cascade=True)
            rc = figures(model, data, casc)
            v = metric(rc, row.metric)
            mark = "[green]" if v >= row.target else "[yellow]"
            cells[1:] = [
                f"{mark}{v:.4f}[/]",
                f"{casc.embedded.mean():.1%}",
                f"{fast_speed:,.0f}",
                f"{casc_speed:,.0f}",
            ]
            auc += f" / {rc.auc:.3f}" if rc.auc is not None else ""
        other = "-"
        if row.other is not None:
            o = READERS[row.other[0]](args.datasets, row.other[1])
            vo = metric(figures(model, o, model.run(o.texts, cascade=False)), row.metric)
            other = f"{o.source} {vo:.3f} ({vo - ours:+.3f})"
            if rc is not None:
                vc = metric(figures(model, o, model.run(o.texts, cascade=True)), row.metric)
                other += f" / {vc:.3f} ({vc - metric(rc, row.metric):+.3f})"
        table.add_row(
            row.model,
            data.source,
            row.metric,
            f"{row.target:.3f}",
            f"{row.published:.3f}",
            *cells,
            auc,
            other,
        )
        notes.append(f"{row.model}: {model.version}; published: {row.published_by}")
    out.print(table)
    for note in notes:
        out.print(f"  {note}")
    table, _, heads_speed = harms_report.heads_table(args.datasets)
    out.print(table)
    if not args.no_transfer:
        out.print(harms_report.transfer_table(args.datasets))
    texts = [
        t
        for name, split in (("cold", "test"), ("olid", "test"), ("sms_spam", "test"))
        for t in READERS[name](args.datasets, split).texts
    ]
    screener = Screener.from_policy(None)
    bare = Screener.build(_without_models(screener.policy))
    full_speed = harms_report.screening_speed(screener, texts)
    bare_speed = harms_report.screening_speed(bare, texts)
    out.print(
        f"stage cost (one core, batches of 256, {len(texts):,} test texts): default policy "
        f"without classifiers {bare_speed:,.0f} items/s; with every model it names "
        f"{full_speed:,.0f} items/s (classifiers {1e6 / full_speed - 1e6 / bare_speed:.1f} "
        f"µs/item); zh-harms / en-harms alone {heads_speed:,.0f} items/s (median over sets)"
    )
    recall, clean_actions = harms_report.plain_figures(screener)
    print(
        f"cold_acc={record['zh-offensive']:.4f} olid_mf1={record['en-offensive']:.4f} "
        f"plain_recall={recall:.4f} plain_clean_actions={clean_actions:.4f} "
        f"items_per_s={full_speed:.0f}"
    )
    return 0


def _without_models(policy: Policy) -> Policy:
    """The same policy with no category naming a model (the classifier stage off)."""
    from dataclasses import replace

    parts = {k: v for k, v in policy.parts.items() if k != "classifier"}
    return replace(policy, parts=parts)


if __name__ == "__main__":
    sys.exit(main())
