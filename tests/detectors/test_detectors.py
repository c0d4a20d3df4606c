"""Rules, URLs, combination rules and the detector registry."""

from __future__ import annotations

from wenming.core.model import Item
from wenming.core.normalize import normalize
from wenming.detectors.base import Prepared, Registry
from wenming.detectors.screener import Screener
from wenming.detectors.urls.detector import UrlDetector


def _evidence(screener: Screener, text: str, **kw: object) -> list[dict[str, object]]:
    item = Item(id="1", text=text, **kw)  # type: ignore[arg-type]
    return screener.screen([item])[0].to_dict()["evidence"]  # type: ignore[no-any-return]


def test_regex_rules_run_on_the_canonical_view(screener: Screener) -> None:
    ev = _evidence(screener, "电话：１３８１２３４５６７８")  # full-width digits
    assert [(e["detector"], e["rule"], e["match"]) for e in ev] == [
        ("rules", "cn-mobile", "１３８１２３４５６７８")
    ]
    assert _evidence(screener, "order 213812345678901") == []


def test_listed_domains_match_subdomains_and_defanged_links(screener: Screener) -> None:
    for text in [
        "go to https://shop.scam-shop.top/deal",
        "scam-shop[.]top",
        "ＳＣＡＭ－ＳＨＯＰ．ＴＯＰ",
        "visit www.evil。cn now",
    ]:
        ev = _evidence(screener, text)
        assert ev and ev[0]["detector"] == "urls", text
        start, end = ev[0]["start"], ev[0]["end"]
        assert isinstance(start, int) and isinstance(end, int)
        assert text[start:end] == ev[0]["match"]
    assert _evidence(screener, "visit notscam-shop.top and example.com") == []


def test_the_urls_field_is_checked_and_shorteners_are_flagged(screener: Screener) -> None:
    ev = _evidence(screener, "look", urls=("https://evil.cn/a",))
    assert ev[0]["domain"] == "evil.cn" and ev[0]["start"] is None
    ev = _evidence(screener, "short https://bit.ly/3xyz")
    assert ev[0]["shortener"] is True and ev[0]["score"] == 0.3


def test_registrable_domains_use_the_public_suffix_list(screener: Screener) -> None:
    det = next(d for d in screener.detectors if isinstance(d, UrlDetector))
    assert det.registrable("a.b.example.co.uk") == "example.co.uk"
    assert det.registrable("localhost") is None


def test_near_rules_need_every_term_within_the_window(screener: Screener) -> None:
    ev = _evidence(screener, "刷单有返利")
    assert [(e["rule"], e["match"]) for e in ev] == [("task-scam", "刷单有返利")]
    assert _evidence(screener, "刷单" + "的" * 30 + "返利") == []


def test_registry_builds_what_the_policy_uses(screener: Screener) -> None:
    registry = Registry.from_entry_points()
    assert {"lexicon", "rules", "urls"} <= set(registry.names)
    names = [d.name for d in registry.build(screener.policy)]
    assert names[:3] == ["lexicon", "rules", "urls"]


def test_a_plugin_detector_joins_through_register(screener: Screener) -> None:
    class Shouting:
        name, version = "shouting", "1"

        def detect(self, batch: object) -> list[list[object]]:
            from wenming.core.model import Signal

            assert isinstance(batch, list)
            return [
                [Signal("spam", 0.5, "shouting")] if p.item.text.isupper() else [] for p in batch
            ]

        def examples(self) -> list[str]:
            return ["BUY NOW"]

    registry = Registry.from_entry_points()
    registry.register("shouting", lambda policy: Shouting())  # type: ignore[arg-type,return-value]
    s = Screener.build(screener.policy, registry=registry)
    assert s.screen_one("BUY NOW").labels == ("spam",)
    assert Prepared(Item("1", "x"), normalize("x")).norm.compact == "x"
