"""``wenming train``, ``wenming eval`` and ``wenming classify``: trained text classifiers.

``train`` learns a model from labelled JSONL or CSV and writes it (weights, config and
model card) to ``models/NAME``; ``eval`` prints accuracy, macro-F1, per-class figures,
AUC and the confusion matrix of a model on labelled data; ``classify`` writes one
``{"id", "score", "label"}`` line per input item. Models are found by name on the
search path of :mod:`wenming.detectors.classifier.model` (the shipped defaults included).
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wenming.cli import app
from wenming.detectors.classifier.data import DataError, read_labelled, records
from wenming.detectors.classifier.features import FeatureSpec
from wenming.detectors.classifier.metrics import Report, report
from wenming.detectors.classifier.model import Model, ModelError, load_model
from wenming.detectors.classifier.train import TrainOptions, train

err = Console(stderr=True)
BATCH = 512


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error[/] {message}", soft_wrap=True)
    return typer.Exit(2)


def _ngrams(value: str, option: str) -> tuple[int, int]:
    """``"1-4"`` → ``(1, 4)``; ``"3"`` → ``(3, 3)``; ``"0"`` → off."""
    try:
        lo, _, hi = value.partition("-")
        pair = (int(lo), int(hi or lo))
    except ValueError:
        raise _fail(f"{option} must look like 1-4 (or 0 for none), got {value!r}") from None
    if pair[0] > pair[1] or pair[0] < 0:
        raise _fail(f"{option} must be LOW-HIGH with 0 <= LOW <= HIGH, got {value!r}")
    return pair


def _load(name: str) -> Model:
    try:
        return load_model(name)
    except ModelError as exc:
        raise _fail(str(exc)) from None


@app.command("train")
def train_cmd(
    data: Annotated[Path, typer.Option("--data", help="Labelled JSONL, CSV or TSV file.")],
    name: Annotated[str, typer.Option("--name", help="Model name (its folder name).")],
    text_field: Annotated[str, typer.Option(help="Field (column) holding the text.")] = "text",
    label_field: Annotated[str, typer.Option(help="Field (column) holding the label.")] = "label",
    lang: Annotated[
        str | None,
        typer.Option(
            help="Language of the data (zh turns word n-grams off: Chinese has no spaces)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Folder to write the model to (default: models/NAME)."),
    ] = None,
    positive: Annotated[
        str | None,
        typer.Option(
            help="Binary tasks: the harmful label (default: a known name such as 1/OFF/spam, "
            "else the rarer label)."
        ),
    ] = None,
    negative: Annotated[
        str | None,
        typer.Option(help="Multi-class tasks: the harmless label; the score is 1 - P(harmless)."),
    ] = None,
    char_ngrams: Annotated[str, typer.Option(help="Character n-gram lengths.")] = "1-4",
    word_ngrams: Annotated[
        str | None,
        typer.Option(help="Word n-gram lengths, 0 for none (default 1-2; 0 with --lang zh)."),
    ] = None,
    c: Annotated[float, typer.Option("--c", help="Inverse L2 regularization strength.")] = 4.0,
    max_features: Annotated[int, typer.Option(help="Vocabulary size cap.")] = 200_000,
    min_df: Annotated[
        int, typer.Option(help="Keep n-grams found in at least this many texts.")
    ] = 2,
    folds: Annotated[int, typer.Option(help="Cross-validation folds for calibration.")] = 5,
) -> None:
    """Train a classifier on labelled data and save it with its model card.

    Binary or multi-class. Probabilities are calibrated, and the decision threshold and the thresholds reaching 80/90/95% precision are chosen, on out-of-fold predictions (held-out data), then the model is refit on everything.
    """  # noqa: E501
    chars = _ngrams(char_ngrams, "--char-ngrams")
    words = _ngrams(
        word_ngrams or ("0" if (lang or "").startswith("zh") else "1-2"), "--word-ngrams"
    )
    spec = FeatureSpec(char_min=chars[0], char_max=chars[1], word_min=words[0], word_max=words[1])
    options = TrainOptions(spec=spec, min_df=min_df, max_features=max_features, c=c, folds=folds)
    try:
        labelled = read_labelled(data, text_field=text_field, label_field=label_field)
        with _progress("training") as progress:
            task = progress.add_task("training", total=options.folds + 3)

            def step(what: str, done: int, total: int) -> None:
                progress.update(task, completed=done, total=total, description=what)

            model = train(
                labelled,
                name=name,
                options=options,
                positive=positive,
                negative=negative,
                lang=lang,
                progress=step,
            )
    except DataError as exc:
        raise _fail(str(exc)) from None
    folder = output or Path("models") / name
    model = model.save(folder)
    card = model.card
    err.print(
        f"[bold]trained {model.version}[/] on {len(labelled.texts)} texts "
        f"({', '.join(f'{k}: {v}' for k, v in labelled.counts.items())}); "
        f"vocabulary {len(model.vocab)}; saved to {folder}"
    )
    held = card["heldout"]
    err.print(
        f"held-out ({held['method']}): accuracy {held['accuracy']:.4f}, "
        f"macro-F1 {held['macro_f1']:.4f}"
        + (f", AUC {held['auc']:.4f}" if held.get("auc") is not None else "")
    )
    err.print("thresholds: " + ", ".join(f"{k} {v:g}" for k, v in model.thresholds.items()))


@app.command("eval")
def eval_cmd(
    model: Annotated[str, typer.Option("--model", help="Model name or folder.")],
    data: Annotated[Path, typer.Option("--data", help="Labelled JSONL, CSV or TSV file.")],
    text_field: Annotated[str, typer.Option(help="Field (column) holding the text.")] = "text",
    label_field: Annotated[str, typer.Option(help="Field (column) holding the label.")] = "label",
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Binary models: the harm score from which to predict the harmful label "
            "(default: the model's decision threshold)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Evaluate a model on labelled data: accuracy, macro-F1, per-class P/R/F1, AUC, confusion."""
    m = _load(model)
    try:
        labelled = read_labelled(data, text_field=text_field, label_field=label_field)
    except DataError as exc:
        raise _fail(str(exc)) from None
    unknown = set(labelled.labels) - set(m.labels)
    if unknown:
        raise _fail(
            f"{data}: labels {sorted(unknown)} are not the model's labels "
            f"{list(m.labels)}; relabel the data to match"
        )
    if threshold is not None and m.binary:
        m = replace(m, threshold=threshold)
    labels: list[str] = []
    scores = []
    with _progress("scoring") as progress:
        task = progress.add_task("scoring", total=len(labelled.texts))
        for i in range(0, len(labelled.texts), BATCH):
            lab, sc = m.predict(labelled.texts[i : i + BATCH])
            labels += lab
            scores += sc.tolist()
            progress.advance(task, len(lab))
    import numpy as np  # only for the AUC

    r = report(
        labelled.labels,
        labels,
        labels=m.labels,
        scores=np.array(scores),
        positive=m.positive if m.binary else None,
    )
    if as_json:
        sys.stdout.write(json.dumps({"model": m.version, **r.to_dict()}) + "\n")
        return
    _print_report(m, r, source=str(data))


def _print_report(m: Model, r: Report, *, source: str) -> None:
    out = Console()
    out.print(f"[bold]{m.version}[/] on {source} ({r.n} texts)")
    summary = Table(show_edge=False)
    for col in ("accuracy", "macro-F1", "AUC"):
        summary.add_column(col, justify="right")
    summary.add_row(
        f"{r.accuracy:.4f}", f"{r.macro_f1:.4f}", "-" if r.auc is None else f"{r.auc:.4f}"
    )
    out.print(summary)
    per = Table(title="per class", show_edge=False)
    for col in ("label", "precision", "recall", "F1", "support"):
        per.add_column(col, justify="left" if col == "label" else "right")
    for c in r.classes:
        per.add_row(c.label, f"{c.precision:.4f}", f"{c.recall:.4f}", f"{c.f1:.4f}", str(c.support))
    out.print(per)
    cm = Table(title="confusion: gold ↓ predicted →", show_edge=False)
    cm.add_column("")
    for label in r.labels:
        cm.add_column(label, justify="right")
    for label, row in zip(r.labels, r.confusion, strict=True):
        cm.add_row(label, *map(str, row))
    out.print(cm)


@app.command("classify")
def classify_cmd(
    input: Annotated[str, typer.Argument(help="JSONL (or CSV) of items; '-' reads stdin.")],
    model: Annotated[str, typer.Option("--model", help="Model name or folder.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Where to write JSONL scores; '-' is stdout.")
    ] = "-",
    text_field: Annotated[str, typer.Option(help="Field (column) holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Field (column) holding the id.")] = "id",
) -> None:
    """Score items with a model: one {"id", "score", "label"} line per item.

    score is the calibrated probability of the harmful class; label is the predicted label.
    """
    m = _load(model)
    ids: list[object] = []
    texts: list[str] = []
    count = 0
    with ExitStack() as stack:
        dst: TextIO = (
            sys.stdout
            if output == "-"
            else stack.enter_context(open(output, "w", encoding="utf-8"))
        )
        progress = stack.enter_context(_progress("classifying", disabled=output == "-"))
        task = progress.add_task("classifying", total=None)

        def flush() -> None:
            labels, scores = m.predict(texts)
            for id_, label, score in zip(ids, labels, scores.tolist(), strict=True):
                dst.write(
                    json.dumps(
                        {"id": id_, "score": round(score, 6), "label": label}, ensure_ascii=False
                    )
                    + "\n"
                )
            progress.advance(task, len(texts))
            ids.clear()
            texts.clear()

        try:
            for lineno, rec in records(Path(input)):
                if rec.get(text_field) is None:
                    raise DataError(f"{input}:{lineno}: missing field {text_field!r}")
                ids.append(rec.get(id_field, lineno))
                texts.append(str(rec[text_field]))
                count += 1
                if len(texts) >= BATCH:
                    flush()
        except DataError as exc:
            raise _fail(str(exc)) from None
        if texts:
            flush()
    err.print(f"classified {count} items with {m.version}")


def _progress(what: str, *, disabled: bool = False) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=disabled or not err.is_terminal,
    )


@app.command("export-training")
def export_training_cmd(
    output: Annotated[
        str, typer.Option("--output", "-o", help="JSONL file to write; '-' is stdout.")
    ] = "-",
    since: Annotated[
        str | None, typer.Option(help="Only decisions made on or after this date (YYYY-MM-DD).")
    ] = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform's items.")] = None,
) -> None:
    """Write the items moderators decided as labelled JSONL for `wenming train`.

    Each line is {"id", "text", "label", "verdict", "decided_at", "overturned"}; the label is the category of the newest human decision (so an overturned appeal gives the corrected label), or "none" when it was allowed.
    """  # noqa: E501
    from wenming.cli._service import runtime
    from wenming.service import keys
    from wenming.service.training import examples

    start = None
    if since:
        try:
            start = datetime.fromisoformat(since).replace(tzinfo=UTC)
        except ValueError:
            raise _fail(f"--since {since!r} is not a date (YYYY-MM-DD)") from None
    rt = runtime()
    try:
        platform_id = None
        if platform:
            found = keys.platform_find(rt.store, platform)
            if found is None:
                raise _fail(f"no platform {platform!r}")
            platform_id = found.id
        rows = examples(rt.store, since=start, platform_id=platform_id)
        n = 0
        with ExitStack() as stack:
            dst: TextIO = (
                sys.stdout
                if output == "-"
                else stack.enter_context(open(output, "w", encoding="utf-8"))
            )
            for ex in rows:
                dst.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")
                n += 1
    finally:
        rt.close()
    typer.echo(f"exported {n} decided items", err=True)
