"""Screening quality of a policy: evasion recall per trick, and labels raised on clean text.

Recall: every term of the policy rewritten with each evasion trick (see
:mod:`wenming.detectors.redteam`) inside carrier sentences. Clean text: the rows that public data
sets label as *not* offensive / *not* spam (``../shared/datasets``), where any label the
term lists raise is a false alarm; for contrast, the label rate on the rows the same
data sets call offensive/spam. Usage::

    .venv/bin/python bench/screen_quality.py [--policy FILE] [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from wenming.detectors.redteam import acting_terms, recall
from wenming.detectors.screener import Screener


def _csv(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f, delimiter=delimiter)


def datasets(root: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Per data set: (clean texts, harmful texts)."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    cold = list(_csv(root / "cold/test.csv"))
    out["COLD test (zh)"] = (
        [r["TEXT"] for r in cold if r["label"] == "0"],
        [r["TEXT"] for r in cold if r["label"] == "1"],
    )
    swsr = list(_csv(root / "swsr/SexComment.csv"))
    out["SWSR (zh)"] = (
        [r["comment_text"] for r in swsr if r["label"] == "0"],
        [r["comment_text"] for r in swsr if r["label"] == "1"],
    )
    olid = list(_csv(root / "olid/olid-training-v1.0.tsv", "\t"))
    out["OLID train (en)"] = (
        [r["tweet"] for r in olid if r["subtask_a"] == "NOT"],
        [r["tweet"] for r in olid if r["subtask_a"] == "OFF"],
    )
    dav = list(_csv(root / "davidson_hate_offensive/labeled_data.csv"))
    out["Davidson (en)"] = (
        [r["tweet"] for r in dav if r["class"] == "2"],
        [r["tweet"] for r in dav if r["class"] in ("0", "1")],
    )
    sms = list(_csv(root / "sms_spam/SMSSpamCollection", "\t"))
    out["SMS spam (en)"] = (
        [r["SMS"] for r in sms if r["Label"] == "ham"],
        [r["SMS"] for r in sms if r["Label"] == "spam"],
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policy", type=Path, default=None)
    ap.add_argument(
        "--datasets", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets"
    )
    ap.add_argument("--examples", type=int, default=5, help="false alarms to print per set")
    args = ap.parse_args()
    screener = Screener.from_policy(args.policy)
    policy = screener.policy
    print(f"policy {policy.version}\n")

    terms, literal = acting_terms(policy)
    print(f"## evasion recall ({len(terms)} terms that reach a threshold on their own)")
    print(f"{'trick':<14} {'caught':>7} {'total':>7} {'recall':>8}")
    for r in recall(screener, terms, literal=literal):
        print(f"{r.trick:<14} {r.caught:>7} {r.total:>7} {r.recall:>8.1%}")

    print("\n## labels on public data sets (the whole policy: terms, rules, URLs, classifiers)")
    print(
        f"{'data set':<18} {'clean rows':>10} {'labelled':>9} {'rate':>7}   "
        f"{'harmful rows':>12} {'labelled':>9} {'rate':>7}"
    )
    for name, (clean, harmful) in datasets(args.datasets).items():
        dc = screener.screen(clean)
        dh = screener.screen(harmful)
        fp = [(t, d) for t, d in zip(clean, dc, strict=True) if d.labels]
        tp = sum(1 for d in dh if d.labels)
        print(
            f"{name:<18} {len(clean):>10} {len(fp):>9} {len(fp) / len(clean):>7.2%}   "
            f"{len(harmful):>12} {tp:>9} {tp / len(harmful):>7.2%}"
        )
        cats = Counter(c for _, d in fp for c in d.labels)
        if cats:
            print(f"{'':<18} false alarms by category: {dict(cats.most_common())}")
        for text, d in fp[: args.examples]:
            matches = [s.match for s in d.signals][:3]
            print(f"{'':<18}   {d.labels} {matches} {text[:80]!r}")


if __name__ == "__main__":
    main()
