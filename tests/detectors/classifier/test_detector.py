"""The classifier detector inside screening: batched, per category, language-aware."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.detectors.classifier.conftest import toy_rows
from wenming.core.model import Item
from wenming.core.normalize import normalize
from wenming.detectors.base import Prepared, Registry, Resources
from wenming.detectors.classifier import detector as classifier
from wenming.detectors.classifier.data import Labelled
from wenming.detectors.classifier.model import ModelError, load_model
from wenming.detectors.classifier.train import TrainOptions, train
from wenming.detectors.screener import Screener
from wenming.policies.loader import parse_policy

POLICY = """\
name: classifier-fixture
categories:
  abuse:
    title: {zh: 辱骂, en: Abuse}
    models:
      - {name: en-offensive, langs: [en]}
      - {name: zh-offensive, weight: 0.9, langs: [zh]}
    review_at: 0.5
    block_at: 0.97
  spam:
    title: {zh: 垃圾广告, en: Spam}
    model: en-spam
    review_at: 0.6
"""


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.build(parse_policy(POLICY))


def test_registered_and_built_only_when_a_category_names_a_model(screener: Screener) -> None:
    assert "classifier" in Registry.from_entry_points().names
    assert any(d.name == "classifier" for d in screener.detectors)
    plain = parse_policy("categories:\n  spam:\n    terms: [buy now]\n    block_at: 0.9\n")
    assert classifier.build(plain) is None


def test_scores_feed_categories_with_model_evidence(screener: Screener) -> None:
    rude, clean, spam, zh = screener.screen(
        [
            Item("1", "shut up you stupid fucking idiot", lang="en"),
            Item("2", "Thanks for the lovely photos from the trip!", lang="en"),
            Item(
                "3", "URGENT! You have won a £2000 prize. Call 09061701461 to claim now", lang="en"
            ),
            Item("4", "你们这些黑鬼都是垃圾，滚出中国", lang="zh"),
        ]
    )
    assert "abuse" in rude.labels and clean.labels == ()
    assert "spam" in spam.labels and "abuse" in zh.labels
    ev = next(s for s in rude.signals if s.category == "abuse")
    assert ev.detector == "classifier" and ev.start is None and ev.end is None
    assert ev.detail["model"] == "en-offensive"
    assert ev.detail["model_version"].startswith("en-offensive@")
    assert clean.scores.get("abuse", 0.0) < 0.5


def test_language_filter_and_weight(screener: Screener) -> None:
    det = next(d for d in screener.detectors if d.name == "classifier")
    zh_text = "你们这些黑鬼都是垃圾，滚出中国"
    en_text = "shut up you stupid fucking idiot"
    zh, en, zh_guess, en_guess, clean = det.detect(
        [
            Prepared(Item("a", zh_text, lang="zh"), normalize(zh_text)),
            Prepared(Item("b", en_text, lang="en"), normalize(en_text)),
            # no language given: it is guessed from the script
            Prepared(Item("c", zh_text), normalize(zh_text)),
            Prepared(Item("d", en_text), normalize(en_text)),
            Prepared(
                Item("e", "lovely weather for a walk", lang="en"),
                normalize("lovely weather for a walk"),
            ),
        ]
    )
    assert {s.detail["model"] for s in zh if s.category == "abuse"} == {"zh-offensive"}
    assert {s.detail["model"] for s in en if s.category == "abuse"} == {"en-offensive"}
    assert {s.detail["model"] for s in zh_guess if s.category == "abuse"} == {"zh-offensive"}
    assert {s.detail["model"] for s in en_guess if s.category == "abuse"} == {"en-offensive"}
    # scores under half the category's lowest threshold are noise, not evidence
    assert clean == []
    raw = float(load_model("zh-offensive").score([zh_text])[0])
    zh_abuse = next(s for s in zh if s.category == "abuse")
    assert zh_abuse.score == pytest.approx(raw * 0.9, abs=1e-3)


def test_examples_are_flagged(screener: Screener) -> None:
    det = next(d for d in screener.detectors if d.name == "classifier")
    assert len(det.examples()) == 3
    for text in det.examples():
        assert screener.screen_one(text).labels, text


def test_policy_naming_an_unknown_model_fails_clearly() -> None:
    policy = parse_policy("categories:\n  x:\n    model: nope\n    review_at: 0.5\n")
    with pytest.raises(ModelError, match="no model named 'nope'"):
        classifier.build(policy)


def test_a_trained_model_is_found_through_the_search_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = toy_rows()
    data = Labelled([str(r["text"]) for r in rows], [str(r["label"]) for r in rows], "", "t")
    train(data, name="toy-abuse", options=TrainOptions(folds=3)).save(tmp_path / "toy-abuse")
    policy = parse_policy("categories:\n  abuse:\n    model: toy-abuse\n    review_at: 0.5\n")
    s = Screener.build(policy, resources=Resources(model_path=(tmp_path,)))
    assert s.screen_one("you are a stupid moron").labels == ("abuse",)
    assert s.screen_one("thanks, so helpful and kind").labels == ()


def test_cascade_can_be_turned_off_and_evidence_names_the_stage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = parse_policy(POLICY)
    texts = ["shut up you stupid fucking idiot", "你们这些黑鬼都是垃圾，滚出中国"]
    batch = [Prepared(Item(str(i), t), normalize(t)) for i, t in enumerate(texts)]
    fast = classifier.build(policy, cascade=False)
    assert isinstance(fast, classifier.ClassifierDetector)
    signals = [s for item in fast.detect(batch) for s in item]
    assert signals and {s.detail["stage"] for s in signals} == {"fast"}
    default = classifier.build(policy)
    assert isinstance(default, classifier.ClassifierDetector)
    assert all(not m.uses_cascade(default.cascade) for m in default.models.values())
    on = classifier.build(policy, Resources(cascade=True))
    assert isinstance(on, classifier.ClassifierDetector)
    assert on.models["zh-offensive"].uses_cascade(on.cascade)
