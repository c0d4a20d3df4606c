"""Small labelled data sets the classifier tests write themselves (no shared data)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

RUDE = ["idiot", "moron", "stupid", "loser", "trash", "pathetic", "disgusting", "dumb"]
KIND = ["thanks", "lovely", "helpful", "great", "wonderful", "kind", "nice", "appreciate"]
FILLER = ["you", "are", "the", "team", "today", "post", "really", "so", "this", "again"]


def toy_rows(n: int = 120, seed: int = 7) -> list[dict[str, object]]:
    """``n`` short English comments: rude ones labelled ``OFF``, kind ones ``NOT``."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(n):
        rude = i % 2 == 0
        words = rng.sample(FILLER, 4) + rng.sample(RUDE if rude else KIND, 2)
        rng.shuffle(words)
        rows.append({"id": f"t{i}", "text": " ".join(words), "label": "OFF" if rude else "NOT"})
    return rows


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def toy_jsonl(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "toy.jsonl", toy_rows())
