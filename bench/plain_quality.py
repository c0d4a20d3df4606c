"""The default policy on the plainly worded sets: recall on harmful posts, actions on clean.

Screens ``bench/data/plain_en.jsonl`` and ``plain_zh.jsonl`` (written by the project,
evaluation-only; see ``bench/data/README.md``) and prints, per language and per kind,
the share of harmful posts that get any action beyond ``allow`` (recall) and the share
of clean posts that do (false actions), then the misses and false actions themselves,
and the CPU cost of each screening stage (normalize, each detector, decide) in µs per
item on the plain sets plus the bundled example posts, repeated. Usage::

    .venv/bin/python bench/plain_quality.py [--policy FILE] [--show 10] [--speed-items 20000]
        [--set plain|plain_fresh]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from wenming.core.decide import decide
from wenming.core.model import Item, Signal, Verdict
from wenming.core.normalize import normalize
from wenming.detectors.base import Prepared
from wenming.detectors.screener import Screener
from wenming.policies import default_examples_path

DATA = Path(__file__).resolve().parent / "data"


def load(lang: str, name: str = "plain") -> list[dict[str, object]]:
    with (DATA / f"{name}_{lang}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policy", type=Path, default=None)
    ap.add_argument("--show", type=int, default=10, help="misses and false actions to print")
    ap.add_argument("--speed-items", type=int, default=20_000, help="0 skips the speed part")
    ap.add_argument(
        "--set",
        default="plain",
        choices=["plain", "plain_fresh"],
        help="plain: the main sets; plain_fresh: the smaller set written after "
        "the rules (bench/data/README.md)",
    )
    args = ap.parse_args()
    screener = Screener.from_policy(args.policy)
    print(f"policy {screener.policy.version}\n")
    totals = Counter[str]()
    for lang in ("en", "zh"):
        rows = load(lang, args.set)
        items = [Item(id=str(r["id"]), text=str(r["text"]), lang=lang) for r in rows]
        decisions = screener.screen(items)
        per_kind: dict[str, list[int]] = {}
        misses, false_actions = [], []
        for row, d in zip(rows, decisions, strict=True):
            acted = d.verdict is not Verdict.ALLOW
            kind = str(row["kind"])
            stat = per_kind.setdefault(kind, [0, 0])
            stat[0] += 1
            stat[1] += acted
            key = "harm" if row["harmful"] else "clean"
            totals[f"{key}_n"] += 1
            totals[f"{key}_acted"] += acted
            totals[f"{lang}_{key}_n"] += 1
            totals[f"{lang}_{key}_acted"] += acted
            if row["harmful"] and not acted:
                misses.append((kind, row["text"]))
            elif not row["harmful"] and acted:
                why = sorted(
                    {
                        f"{s.detector}:{s.detail.get('rule') or s.detail.get('term') or ''}"
                        for s in d.signals
                        if s.category in d.labels
                    }
                )
                false_actions.append(
                    (kind, d.verdict.value, ",".join(d.labels) + " " + " ".join(why), row["text"])
                )
        h_n, h_a = totals[f"{lang}_harm_n"], totals[f"{lang}_harm_acted"]
        c_n, c_a = totals[f"{lang}_clean_n"], totals[f"{lang}_clean_acted"]
        print(
            f"[{lang}] harmful {h_n}: recall {h_a / h_n:.3f}; clean {c_n}: actions {c_a / c_n:.3f}"
        )
        for kind, (n, acted) in sorted(per_kind.items()):
            print(f"    {kind:<15} {n:>4}  acted {acted / n:6.1%}")
        for kind, text in misses[: args.show]:
            print(f"    MISS  {kind:<12} {text}")
        for kind, verdict, labels, text in false_actions[: args.show]:
            print(f"    FALSE {kind:<12} {verdict}/{labels} {text}")
        print()
    recall = totals["harm_acted"] / totals["harm_n"]
    clean = totals["clean_acted"] / totals["clean_n"]
    if args.speed_items:
        speed(screener, args.speed_items)
    print(f"plain_recall={recall:.3f} plain_clean_actions={clean:.3f}")


def speed(screener: Screener, n: int, batch: int = 256) -> None:
    """CPU time per item of each stage, one core, batches of ``batch``."""
    texts = [str(r["text"]) for lang in ("en", "zh") for r in load(lang)]
    with default_examples_path().open(encoding="utf-8") as f:
        texts += [json.loads(line)["text"] for line in f if line.strip()]
    items = [Item(id=str(i), text=texts[i % len(texts)]) for i in range(n)]
    cost: Counter[str] = Counter()
    clock = time.process_time
    for i in range(0, n, batch):
        chunk = items[i : i + batch]
        t = clock()
        prepared = [Prepared(it, normalize(it.text)) for it in chunk]
        cost["normalize"] += clock() - t
        found: list[list[Signal]] = [[] for _ in prepared]
        for det in screener.detectors:
            t = clock()
            out = det.detect(prepared)
            cost[det.name] += clock() - t
            for acc, sigs in zip(found, out, strict=True):
                acc.extend(sigs)
        t = clock()
        for p, sigs in zip(prepared, found, strict=True):
            decide(p.item.id, sigs, screener.policy)
        cost["decide"] += clock() - t
    total = sum(cost.values())
    print(f"speed: {n} items (plain sets + bundled examples, repeated), one core, CPU time")
    for stage, sec in cost.items():
        print(f"    {stage:<12} {sec / n * 1e6:8.1f} µs/item")
    print(f"    {'total':<12} {total / n * 1e6:8.1f} µs/item = {n / total:,.0f} items/s\n")


if __name__ == "__main__":
    main()
