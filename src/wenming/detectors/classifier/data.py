"""Reading labelled and unlabelled texts from JSONL, CSV and TSV files.

``.csv`` and ``.tsv`` files are read with a header row; anything else is read as
JSONL (one object per line). Every error names the file and, where it has one, the
line, and says what is wrong, because training data usually comes from somewhere else.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class DataError(ValueError):
    """Input that cannot be trained on or scored; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Labelled:
    """Texts with their labels, and the sha256 of the bytes they were read from."""

    texts: list[str]
    labels: list[str]
    sha256: str
    source: str

    @property
    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items()))


def _label(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for every record of a JSONL, CSV or TSV file."""
    if str(path) == "-":
        yield from _jsonl(sys.stdin.read().splitlines(), "<stdin>")
        return
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f, delimiter="\t" if suffix == ".tsv" else ",")
            for row in reader:
                yield reader.line_num, dict(row)
        return
    with path.open(encoding="utf-8-sig") as f:
        yield from _jsonl(f, str(path))


def _jsonl(lines: Any, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{source}:{lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise DataError(f"{source}:{lineno}: expected a JSON object, got {type(obj).__name__}")
        yield lineno, obj


def read_labelled(path: Path, *, text_field: str = "text", label_field: str = "label") -> Labelled:
    """Read training or evaluation data; every record needs both fields."""
    texts: list[str] = []
    labels: list[str] = []
    for lineno, rec in records(path):
        for fieldname in (text_field, label_field):
            if rec.get(fieldname) is None or rec.get(fieldname) == "":
                have = ", ".join(sorted(map(str, rec))) or "none"
                raise DataError(
                    f"{path}:{lineno}: missing field {fieldname!r} "
                    f"(fields present: {have}); choose fields with "
                    "--text-field/--label-field"
                )
        texts.append(str(rec[text_field]))
        labels.append(_label(rec[label_field]))
    if not texts:
        raise DataError(
            f"{path}: no records; a labelled file needs one object per line "
            f"with {text_field!r} and {label_field!r}"
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return Labelled(texts, labels, digest, str(path))


def check_trainable(data: Labelled, *, min_per_class: int = 2) -> None:
    """Refuse data a classifier cannot learn from, with the reason."""
    counts = data.counts
    if len(counts) < 2:
        only = next(iter(counts))
        raise DataError(
            f"{data.source}: every one of the {len(data.labels)} records has "
            f"label {only!r}; a classifier needs at least two labels"
        )
    small = {k: v for k, v in counts.items() if v < min_per_class}
    if small:
        listed = ", ".join(f"{k!r} ({v})" for k, v in small.items())
        raise DataError(
            f"{data.source}: too few examples of {listed}; each label needs "
            f"at least {min_per_class} for the held-out calibration split"
        )
