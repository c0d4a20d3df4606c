"""Train the default models shipped in ``src/wenming/models`` from the public data sets.

    python scripts/train_models.py [--datasets ../shared/datasets] [--only en-spam]

``make models`` runs this. Each recipe names its training splits, features and
regularization; the script trains, evaluates on the public test split and on one
other data set of the same kind (to show how far the model generalises), writes the
figures into the model card, and saves the model. Runs on CPU in a few minutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wenming.classify.data import Labelled
from wenming.classify.features import FeatureSpec
from wenming.classify.metrics import report
from wenming.classify.model import Model
from wenming.classify.public import READERS, SOURCES, combine
from wenming.classify.train import TrainOptions, train

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Recipe:
    lang: str
    train: tuple[tuple[str, str], ...]
    test: tuple[str, str]
    also: tuple[tuple[str, str], ...]
    options: TrainOptions


RECIPES: dict[str, Recipe] = {
    "zh-offensive": Recipe(
        lang="zh",
        train=(("cold", "train"), ("cold", "dev")),
        test=("cold", "test"),
        also=(("swsr", "all"),),
        options=TrainOptions(spec=FeatureSpec(1, 3, 0, 0), c=8.0, max_features=200_000, folds=3),
    ),
    "en-offensive": Recipe(
        lang="en",
        train=(("olid", "train"),),
        test=("olid", "test"),
        also=(("davidson_hate_offensive", "all"),),
        options=TrainOptions(spec=FeatureSpec(1, 4, 1, 2, fold_digits=False), c=4.0, min_df=3),
    ),
    "en-spam": Recipe(
        lang="en",
        train=(("sms_spam", "train"),),
        test=("sms_spam", "test"),
        also=(),
        options=TrainOptions(spec=FeatureSpec(1, 5, 1, 2, fold_digits=False), c=16.0),
    ),
}


def evaluate(model: Model, data: Labelled) -> dict[str, Any]:
    labels, scores = model.predict(data.texts)
    r = report(data.labels, labels, labels=model.labels, scores=scores, positive=model.positive)
    return {"data": data.source, **r.to_dict()}


def build(name: str, recipe: Recipe, datasets: Path, out: Path) -> Model:
    parts = [READERS[s](datasets, split) for s, split in recipe.train]
    data = combine(parts, "+".join(p.source for p in parts))
    sources = sorted({s for s, _ in recipe.train})
    started = time.perf_counter()
    model = train(
        data,
        name=name,
        options=recipe.options,
        lang=recipe.lang,
        sources=[{"id": s, **SOURCES[s]} for s in sources],
    )
    seconds = time.perf_counter() - started
    test = READERS[recipe.test[0]](datasets, recipe.test[1])
    evaluation = [{"role": "test", **evaluate(model, test)}]
    for s, split in recipe.also:
        evaluation.append(
            {"role": "other data set", **evaluate(model, READERS[s](datasets, split))}
        )
    card = {
        **model.card,
        "evaluation": evaluation,
        "training_seconds": round(seconds, 1),
        "also_sources": [{"id": s, **SOURCES[s]} for s, _ in recipe.also],
    }
    return replace(model, card=card).save(out / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "wenming" / "models")
    parser.add_argument("--only", action="append", choices=sorted(RECIPES))
    args = parser.parse_args(argv)
    if not args.datasets.is_dir():
        print(f"no data sets at {args.datasets}; pass --datasets", file=sys.stderr)
        return 2
    for name in args.only or list(RECIPES):
        model = build(name, RECIPES[name], args.datasets, args.out)
        for ev in model.card["evaluation"]:
            print(
                f"{model.version:<28} {ev['role']:<15} {ev['data']:<32} n={ev['n']:<6} "
                f"acc={ev['accuracy']:.4f} macroF1={ev['macro_f1']:.4f} auc={ev['auc']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
