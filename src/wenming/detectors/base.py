"""The detector interface, the plugin that builds a detector, and the registry plugins join.

A *detector* looks at a batch of prepared items (each item with its normalized text,
computed once and shared by every detector) and returns, per item, the signals it
found. A :class:`DetectorPlugin` is how a detector joins wenming: its name and
version, the policy keys it reads (in each category and at the top), how it parses
and validates them (a :class:`~wenming.core.policy.PolicyReader` gives errors with
file and line), and how it builds its detector from a loaded policy. Built-in plugins
register through the same ``wenming.detectors`` entry point a third-party package
would use (see :mod:`wenming.detectors.builtin` and ``docs/detectors.md``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from wenming.core.model import Item, Signal
from wenming.core.normalize import Normalized
from wenming.core.policy import Category, Extension, ExtensionPart, Policy, PolicyReader

if TYPE_CHECKING:
    from wenming.detectors.claims.embed import E5Embedder
    from wenming.detectors.claims.matcher import Matcher


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
        """Texts this detector really flags under the policy it was built from."""
        ...


class FactCheckSource(Protocol):
    """The live fact-check registry: a matcher that is current when asked for."""

    def matcher(self) -> Matcher:
        """A matcher over the fact-checks as they are now."""
        ...


@dataclass
class Resources:
    """What the composition root lends the detectors it builds: their settings and the
    heavy objects they share.

    One embedding engine per process (:meth:`embedder`, loaded on first use) serves the
    claim matcher, the classifiers' second stage and fact-check search. ``factchecks``
    is the live registry (the database, through the service layer); without one the
    claims detector reads the registry directory ``factchecks_dir``.
    """

    cascade: bool = False
    model_path: tuple[Path, ...] = ()
    embed_threads: int | None = None
    factchecks_dir: Path | None = None
    factchecks: FactCheckSource | None = None
    _embedder: E5Embedder | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def embedder(self) -> E5Embedder:
        """The process's one multilingual-e5 engine (created once, loaded on first use)."""
        with self._lock:
            if self._embedder is None:
                from wenming.detectors.claims.embed import E5Embedder

                self._embedder = E5Embedder(threads=self.embed_threads)
            return self._embedder


DetectorFactory = Callable[[Policy, Resources], Detector | None]
"""Builds a detector for a policy, or returns ``None`` when the policy does not use it."""

LegacyFactory = Callable[[Policy], Detector | None]

Parse = Callable[[PolicyReader, Mapping[str, Category]], object | None]
Summary = Callable[[object, str], Mapping[str, Any]]


def _no_part(_reader: PolicyReader, _categories: Mapping[str, Category]) -> None:
    return None


@dataclass(frozen=True)
class DetectorPlugin:
    """A detector as a plugin: it owns its part of the policy and builds itself.

    ``parse`` reads only ``category_keys`` (in each category) and ``top_keys`` and
    returns the plugin's parsed part (kept in :attr:`Policy.parts` under ``name``), or
    ``None`` when the policy does not use it; ``build`` makes the detector from the
    policy (reading ``policy.part(name)``) and the composition root's
    :class:`Resources`, or returns ``None``. ``summary`` says, for
    the console and ``wenming policy check``, what the part holds for one category.
    """

    name: str
    version: str
    build: DetectorFactory
    parse: Parse = _no_part
    category_keys: frozenset[str] = frozenset()
    top_keys: frozenset[str] = frozenset()
    summary: Summary | None = None


class Register(Protocol):
    """What a plugin hook receives: ``register(plugin)`` (or the older
    ``register(name, factory)`` for a detector without policy keys)."""

    def __call__(
        self, plugin: DetectorPlugin | str, factory: LegacyFactory | None = None, /
    ) -> None: ...


class Registry:
    """Detector plugins by name, filled from the ``wenming.detectors`` entry points."""

    def __init__(self) -> None:
        self._plugins: dict[str, DetectorPlugin] = {}

    def register(
        self, plugin: DetectorPlugin | str, factory: LegacyFactory | None = None, /
    ) -> None:
        if isinstance(plugin, str):
            if factory is None:
                raise TypeError("register(name, factory) needs a factory")
            legacy = factory
            plugin = DetectorPlugin(
                name=plugin, version="0", build=lambda policy, _resources: legacy(policy)
            )
        if plugin.name in self._plugins:
            raise ValueError(f"a detector named {plugin.name!r} is already registered")
        self._plugins[plugin.name] = plugin

    @property
    def names(self) -> list[str]:
        return list(self._plugins)

    @property
    def plugins(self) -> list[DetectorPlugin]:
        return list(self._plugins.values())

    def build(self, policy: Policy, resources: Resources | None = None) -> list[Detector]:
        """Every registered detector that the policy uses, in registration order."""
        lent = resources or Resources()
        built = (plugin.build(policy, lent) for plugin in self._plugins.values())
        return [d for d in built if d is not None]

    def summary(self, policy: Policy, category: str) -> dict[str, Any]:
        """What each plugin's part of ``policy`` holds for ``category`` (counts, names)."""
        out: dict[str, Any] = {}
        for plugin in self._plugins.values():
            if plugin.summary is not None:
                out.update(plugin.summary(policy.part(plugin.name), category))
        return out

    @classmethod
    def from_entry_points(cls) -> Registry:
        registry = cls()
        eps = sorted(entry_points(group="wenming.detectors"), key=lambda e: e.name != "builtin")
        for ep in eps:
            hook: Callable[[Register], None] = ep.load()
            hook(registry.register)
        return registry


def extension_plugin(
    *,
    name: str,
    version: str,
    key: str,
    parse: Callable[[Extension, str], Any],
    build: Callable[[list[Any]], Detector],
) -> DetectorPlugin:
    """A plugin for a detector that reads one category key holding a nested value:
    ``parse(extension, category)`` validates one category's value (errors through
    ``extension.fail``) when the policy loads; ``build(parsed)`` makes the detector from
    every category's parsed value."""

    def parse_part(reader: PolicyReader, categories: Mapping[str, Category]) -> object | None:
        cids = [cid for cid in categories if key in reader.category_raw(cid)]
        if not cids:
            return None
        exts = {cid: reader.extension(cid, key) for cid in cids}
        return ExtensionPart(
            raw={cid: e.value for cid, e in exts.items()},
            parsed=tuple(parse(e, cid) for cid, e in exts.items()),
        )

    def build_detector(policy: Policy, _resources: Resources) -> Detector | None:
        part = policy.part(name)
        return build(list(part.parsed)) if isinstance(part, ExtensionPart) else None

    return DetectorPlugin(
        name=name,
        version=version,
        build=build_detector,
        parse=parse_part,
        category_keys=frozenset({key}),
    )
