"""The detector interface and the registry detectors join.

A detector looks at a batch of prepared items (each item with its normalized text,
computed once and shared by every detector) and returns, per item, the signals it
found. Detectors are built from the policy by a *factory* registered under a name;
built-in detectors register through the same ``wenming.detectors`` entry point that a
third-party package would use (see :mod:`wenming.detectors.builtin`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol

from wenming.core.model import Item, Signal
from wenming.core.normalize import Normalized
from wenming.core.policy import Policy


@dataclass(frozen=True, slots=True)
class Prepared:
    """An item with its normalized text, as every detector receives it."""

    item: Item
    norm: Normalized


class Detector(Protocol):
    """Finds signals in a batch of items. ``detect`` returns one list per input item."""

    name: str
    version: str

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        """Return the signals of each item of ``batch``, in the same order."""
        ...

    def examples(self) -> list[str]:
        """A few texts this detector flags under the default policy (for demos and tests)."""
        ...


DetectorFactory = Callable[[Policy], Detector | None]
"""Builds a detector for a policy, or returns ``None`` when the policy does not use it."""



class Register(Protocol):
    """How a plugin adds a detector; ``policy_keys`` are the category keys it reads."""

    def __call__(self, name: str, factory: DetectorFactory, *,
                 policy_keys: tuple[str, ...] = ()) -> None: ...


class Registry:
    """Named detector factories, filled from the ``wenming.detectors`` entry points."""

    def __init__(self) -> None:
        self._factories: dict[str, DetectorFactory] = {}
        self._policy_keys: dict[str, str] = {}

    def register(self, name: str, factory: DetectorFactory, *,
                 policy_keys: tuple[str, ...] = ()) -> None:
        if name in self._factories:
            raise ValueError(f"a detector named {name!r} is already registered")
        for key in policy_keys:
            if key in self._policy_keys:
                raise ValueError(f"category key {key!r} is already read by detector "
                                 f"{self._policy_keys[key]!r}")
            self._policy_keys[key] = name
        self._factories[name] = factory

    @property
    def policy_keys(self) -> frozenset[str]:
        """The category keys that registered detectors read (beyond the core's own)."""
        return frozenset(self._policy_keys)

    @property
    def names(self) -> list[str]:
        return list(self._factories)

    def build(self, policy: Policy) -> list[Detector]:
        """Every registered detector that the policy uses, in registration order."""
        built = (factory(policy) for factory in self._factories.values())
        return [d for d in built if d is not None]

    @classmethod
    def from_entry_points(cls) -> Registry:
        registry = cls()
        eps = sorted(entry_points(group="wenming.detectors"), key=lambda e: e.name != "builtin")
        for ep in eps:
            hook: Callable[[Register], None] = ep.load()
            hook(registry.register)
        return registry
