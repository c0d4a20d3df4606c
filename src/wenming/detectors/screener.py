"""The screening pipeline: normalize once, run every detector on the batch, decide.

:class:`Screener` is the in-process Python API and what the service, the worker and
the ``wenming screen`` command all call::

    screener = Screener.from_policy("policies/default/policy.yaml")
    for decision in screener.screen(["加我微信领取福利", "see you tomorrow"]):
        print(decision.verdict, decision.labels)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from wenming.core.decide import decide
from wenming.core.model import Decision, Item, Signal
from wenming.core.normalize import normalize
from wenming.core.policy import Policy
from wenming.detectors.base import Detector, Prepared, Registry, Resources
from wenming.policies.loader import load_policy

ItemLike = Item | str | Mapping[str, Any]


class Screener:
    """A compiled policy and its detectors; thread-safe once built."""

    def __init__(self, policy: Policy, detectors: Sequence[Detector]) -> None:
        self.policy = policy
        self.detectors = list(detectors)

    @classmethod
    def from_policy(
        cls,
        path: str | Path | None = None,
        *,
        registry: Registry | None = None,
        resources: Resources | None = None,
    ) -> Screener:
        """Load the policy at ``path`` (the bundled default pack if ``None``) and build."""
        registry = registry or Registry.from_entry_points()
        return cls.build(
            load_policy(path, registry=registry), registry=registry, resources=resources
        )

    @classmethod
    def build(
        cls, policy: Policy, *, registry: Registry | None = None, resources: Resources | None = None
    ) -> Screener:
        registry = registry or Registry.from_entry_points()
        return cls(policy, registry.build(policy, resources))

    def screen(self, items: Iterable[ItemLike]) -> list[Decision]:
        """Screen a batch; one decision per item, in order. Strings get ids "0", "1", …"""
        batch = [
            Prepared(item, normalize(item.text))
            for item in (_as_item(x, i) for i, x in enumerate(items))
        ]
        found: list[list[Signal]] = [[] for _ in batch]
        for detector in self.detectors:
            for signals, per_item in zip(found, detector.detect(batch), strict=True):
                signals.extend(per_item)
        return [decide(p.item.id, sigs, self.policy) for p, sigs in zip(batch, found, strict=True)]

    def screen_one(self, item: ItemLike) -> Decision:
        return self.screen([item])[0]


def _as_item(x: ItemLike, i: int) -> Item:
    if isinstance(x, Item):
        return x
    if isinstance(x, str):
        return Item(id=str(i), text=x)
    return Item.from_mapping(dict(x))
