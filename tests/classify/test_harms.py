"""The per-category models zh-harms and en-harms: shipped, calibrated, right way round.

Scored on wenming's held-out written rows (training/heldout/), which training never
sees: rows from held-out templates filled mostly with held-out slot values.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from wenming.classify import harms, harms_eval
from wenming.classify.heads import MultiHead, load_heads, split_name
from wenming.classify.metrics import roc_auc
from wenming.classify.model import CARD_FILE, ModelError, packaged_models

TRAINING = Path(__file__).resolve().parents[2] / "training"

# The plainly worded posts at the top of issue 14 (each: language, head, text).
PLAIN = [
    ("en", "hate", "All immigrants are vermin and should be exterminated"),
    ("en", "violence", "I am going to bomb your school tomorrow"),
    ("en", "violence", "I'll come and hurt your kids"),
    ("zh", "violence", "我要炸了这栋楼"),
    ("zh", "hate", "河南人都是骗子"),
]
CLEAN = {
    "en": ["Thanks for the lovely photos from the trip!", "The meeting is at 3pm, see you there"],
    "zh": ["今天天气很好，我们去公园散步吧", "谢谢你的帮助，这篇文章写得很清楚"],
}


@pytest.fixture(scope="module", params=["zh", "en"])
def lang_model(request: pytest.FixtureRequest) -> tuple[str, MultiHead]:
    lang = str(request.param)
    return lang, load_heads(f"{lang}-harms", [packaged_models()])


def test_heads_cover_the_policy_categories(lang_model: tuple[str, MultiHead]) -> None:
    lang, model = lang_model
    assert model.head_names == harms.HEADS
    assert model.version.startswith(f"{lang}-harms@")
    with pytest.raises(ModelError, match="no head 'politics'"):
        model.index("politics")


def test_heldout_rows_rank_harmful_above_clean(lang_model: tuple[str, MultiHead]) -> None:
    lang, model = lang_model
    aucs = {}
    for s in harms_eval.written_sets(TRAINING, lang):
        auc = roc_auc(s.y, harms_eval.score(model, s.texts, s.head))
        assert auc is not None
        aucs[s.head] = auc
    assert set(aucs) == set(harms.HEADS)
    assert float(np.mean(list(aucs.values()))) >= 0.85, aucs
    assert min(aucs.values()) >= 0.6, aucs


def test_heldout_calibration_beats_the_base_rate(lang_model: tuple[str, MultiHead]) -> None:
    """Brier score of every head's probabilities under that of always saying the rate."""
    lang, model = lang_model
    rows = harms.heldout(TRAINING, lang)
    texts = [str(r["text"]) for r in rows]
    p = model.proba(texts)
    y = np.array([[h in r["labels"] for h in harms.HEADS] for r in rows], dtype=np.float64)  # type: ignore[operator]
    brier = ((p - y) ** 2).mean(axis=0)
    base = ((y.mean(axis=0) - y) ** 2).mean(axis=0)
    assert float(brier.sum()) < float(base.sum()), (brier, base)
    assert ((p >= 0) & (p <= 1)).all()


@pytest.mark.parametrize(("lang", "head", "text"), PLAIN)
def test_plain_posts_score_above_clean_ones(lang: str, head: str, text: str) -> None:
    model = load_heads(f"{lang}-harms", [packaged_models()])
    j = model.index(head)
    bad = float(model.proba([text])[0, j])
    good = model.proba(CLEAN[lang])[:, j]
    assert bad > 0.5 > float(good.max()), (bad, good)


def test_cards_say_data_licences_and_figures(lang_model: tuple[str, MultiHead]) -> None:
    lang, _ = lang_model
    folder = packaged_models() / f"{lang}-harms"
    card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    assert card["sources"] and all(s["licence"] for s in card["sources"])
    assert card["data"]["by_source"][f"training/{lang}"] > 1000
    kinds = {e["kind"] for e in card["evaluation"]}
    assert {"written", "in-domain", "transfer"} <= kinds
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 4_000_000


def test_split_name() -> None:
    assert split_name("zh-harms:violence") == ("zh-harms", "violence")
    assert split_name("en-spam") == ("en-spam", None)
    assert split_name("models/x:y/z") == ("models/x:y/z", None)
