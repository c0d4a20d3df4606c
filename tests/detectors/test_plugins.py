"""Every registered detector plugin: its examples are really flagged, and it is documented."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from wenming.core.model import Item
from wenming.core.normalize import normalize
from wenming.core.policy import PolicyError
from wenming.detectors.base import Prepared, Registry, Resources
from wenming.detectors.claims.registry import FactCheckDir
from wenming.detectors.screener import Screener
from wenming.policies.loader import parse_policy

DOCS = Path(__file__).resolve().parents[2] / "docs" / "detectors.md"


def test_every_detector_flags_each_of_its_examples(registry: FactCheckDir) -> None:
    screener = Screener.from_policy(None, resources=Resources(factchecks_dir=registry.path))
    names = [d.name for d in screener.detectors]
    assert names == Registry.from_entry_points().names, "the default policy uses every detector"
    for det in screener.detectors:
        examples = det.examples()
        assert examples, f"{det.name} ships no examples"
        for text in examples:
            found = det.detect([Prepared(Item("x", text), normalize(text))])[0]
            assert found, f"{det.name} does not flag its own example {text!r}"


def test_every_registered_detector_is_documented() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    for plugin in Registry.from_entry_points().plugins:
        assert f"`{plugin.name}`" in doc, f"docs/detectors.md does not describe {plugin.name}"
        for key in sorted(plugin.category_keys | plugin.top_keys):
            assert f"`{key}`" in doc, f"docs/detectors.md does not name {plugin.name}'s {key}"


def test_decisions_record_detector_versions() -> None:
    text = "categories:\n  spam: {terms: [buy now], block_at: 0.9}\n"
    policy = parse_policy(text)
    assert policy.part_versions["lexicon"] == "1"
    registry = Registry.from_entry_points()
    bumped = Registry()
    for plugin in registry.plugins:
        bumped.register(replace(plugin, version="2") if plugin.name == "lexicon" else plugin)
    assert parse_policy(text, registry=bumped).version != policy.version


def test_a_third_party_plugin_owns_its_policy_keys() -> None:
    from wenming.detectors.base import DetectorPlugin

    seen: list[object] = []

    def parse(reader, categories):  # type: ignore[no-untyped-def]
        for cid in categories:
            raw = reader.category_raw(cid).get("shout_at_caps")
            if raw is not None:
                seen.append(reader.number(raw, ("categories", cid, "shout_at_caps"), 1, 100))
        return tuple(seen) or None

    registry = Registry.from_entry_points()
    registry.register(
        DetectorPlugin(
            name="shouting",
            version="3",
            build=lambda p, r: None,
            parse=parse,
            category_keys=frozenset({"shout_at_caps"}),
        )
    )
    policy = parse_policy(
        "categories:\n  spam: {shout_at_caps: 12, block_at: 0.9}\n", registry=registry
    )
    assert policy.part("shouting") == (12.0,)
    assert policy.part_versions["shouting"] == "3"
    with pytest.raises(PolicyError, match=r"p.yaml:2: categories.spam.shout_at_caps must be"):
        parse_policy(
            "categories:\n  spam: {shout_at_caps: loud, block_at: 0.9}\n",
            source="p.yaml",
            registry=registry,
        )
    # without the plugin, the key is nobody's and stays an error
    with pytest.raises(PolicyError, match="unknown key 'shout_at_caps'"):
        parse_policy("categories:\n  spam: {shout_at_caps: 12, block_at: 0.9}\n")


def test_a_rule_example_that_does_not_match_is_refused() -> None:
    text = (
        "categories:\n  spam:\n    block_at: 0.9\n    rules:\n"
        "      - {id: x, pattern: 'abc', examples: ['xyz']}\n"
    )
    with pytest.raises(PolicyError, match=r"p.yaml:5: example 'xyz' does not match"):
        parse_policy(text, source="p.yaml")
