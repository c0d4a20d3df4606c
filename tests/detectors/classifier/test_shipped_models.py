"""The default models ship inside the package, load offline and score sensibly."""

from __future__ import annotations

import json

import pytest

from wenming.detectors.classifier.model import CARD_FILE, load_model, packaged_models

CASES = {
    "zh-offensive": (
        ["你们这些黑鬼都是垃圾，滚出中国", "河南人都是骗子，没一个好东西"],
        ["今天天气很好，我们去公园散步吧", "谢谢你的帮助，这篇文章写得很清楚"],
    ),
    "en-offensive": (
        ["shut up you stupid fucking idiot", "you are a worthless piece of shit"],
        ["Thanks for the lovely photos from the trip!", "The meeting is at 3pm."],
    ),
    "en-spam": (
        [
            "WINNER!! You have won a £1000 prize. Call 09061701461 now to claim",
            "FREE entry to win a new phone! Text WIN to 80086 now. T&C apply",
        ],
        ["Are we still meeting for lunch tomorrow?", "Sorry, I'll call you later"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_shipped_model_scores_harmful_above_clean(name: str) -> None:
    model = load_model(name, [packaged_models()])
    harmful, clean = CASES[name]
    bad, good = model.score(harmful), model.score(clean)
    assert min(bad) > 0.5 > max(good), (bad, good)
    labels, _ = model.predict(harmful + clean)
    assert labels == [model.positive] * 2 + [model.labels[0]] * 2


@pytest.mark.parametrize("name", sorted(CASES))
def test_shipped_model_card(name: str) -> None:
    folder = packaged_models() / name
    card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    assert card["version"].startswith(f"{name}@")
    assert len(card["data"]["sha256"]) == 64 and card["data"]["rows"] > 1000
    assert card["sources"] and all(s["licence"] for s in card["sources"])
    assert card["evaluation"][0]["role"] == "test"
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 4_000_000  # small enough to ship in the package and in git
