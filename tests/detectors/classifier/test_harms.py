"""The per-category models zh-harms and en-harms: shipped, calibrated, right way round.

Scored on wenming's held-out written rows (training/heldout/), which training never
sees: rows from held-out templates filled mostly with held-out slot values.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from wenming.core.model import Item
from wenming.detectors.classifier import detector as classifier
from wenming.detectors.classifier import harms, harms_eval
from wenming.detectors.classifier.heads import MultiHead, load_heads, split_name
from wenming.detectors.classifier.metrics import roc_auc
from wenming.detectors.classifier.model import CARD_FILE, ModelError, packaged_models
from wenming.detectors.screener import Screener
from wenming.policies.loader import parse_policy

TRAINING = Path(__file__).resolve().parents[3] / "training"

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


def test_heldout_calibration_beats_a_coin(lang_model: tuple[str, MultiHead]) -> None:
    """Heads are calibrated to equal priors, so the check is the balanced Brier score.

    The mean of the Brier scores over harmful and over clean rows, per head, on the
    held-out rows: a constant 0.5 scores 0.25; calibrated and discriminating heads less.
    """
    lang, model = lang_model
    rows = harms.heldout(TRAINING, lang)
    p = model.proba([str(r["text"]) for r in rows]).astype(np.float64)
    assert ((p >= 0) & (p <= 1)).all()
    balanced = []
    for j, head in enumerate(harms.HEADS):
        y = np.array([head in r["labels"] for r in rows])
        clean = np.array([not r["labels"] for r in rows])
        balanced.append(0.5 * ((1 - p[y, j]) ** 2).mean() + 0.5 * (p[clean, j] ** 2).mean())
    assert float(np.mean(balanced)) < 0.2, balanced
    # zh-harms:hate learned mostly from COLD and is no better than a coin on the written
    # regional-hate and counter-speech rows (its card's known failure modes); the policy
    # uses it only as a booster. Every other head must beat the coin clearly.
    others = [b for h, b in zip(harms.HEADS, balanced, strict=True) if (lang, h) != ("zh", "hate")]
    assert max(others) < 0.3, balanced


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


HEADS_POLICY = """\
name: heads-fixture
categories:
  violence:
    title: {zh: 暴力, en: Violence}
    models:
      - {name: "zh-harms:violence", langs: [zh]}
      - {name: "en-harms:violence", langs: [en]}
    review_at: 0.5
  fraud:
    title: {zh: 诈骗, en: Fraud}
    models:
      - {name: "en-harms:fraud", langs: [en]}
    review_at: 0.5
"""


def test_policy_names_heads_and_each_model_scores_once() -> None:
    screener = Screener.build(parse_policy(HEADS_POLICY))
    detector = next(d for d in screener.detectors if d.name == "classifier")
    assert isinstance(detector, classifier.ClassifierDetector)
    assert set(detector.multi) == {"zh-harms", "en-harms"} and not detector.models
    threat, scam, calm = screener.screen(
        [
            Item(id="1", text="我要炸了这栋楼", lang="zh"),
            Item(
                id="2",
                text="USPS: your package is on hold, confirm your address at "
                "http://usps-redelivery.info",
                lang="en",
            ),
            Item(id="3", text="see you at the park tomorrow", lang="en"),
        ]
    )
    assert threat.verdict == "review" and threat.labels == ("violence",)
    assert threat.signals[0].detail["model"] == "zh-harms:violence"
    assert scam.labels == ("fraud",)
    assert calm.verdict == "allow"


def test_an_unknown_head_fails_when_the_policy_loads() -> None:
    bad = HEADS_POLICY.replace("en-harms:fraud", "en-harms:politics")
    with pytest.raises(ModelError, match="no head 'politics'"):
        Screener.build(parse_policy(bad))
