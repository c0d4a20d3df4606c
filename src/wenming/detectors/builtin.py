"""Registers wenming's built-in detectors, through the same hook a plugin would use.

A third-party package adds a detector by declaring an entry point in the
``wenming.detectors`` group that names a function like :func:`register`, which hands
its :class:`~wenming.detectors.base.DetectorPlugin` to ``register`` (docs/detectors.md).
"""

from __future__ import annotations

from wenming.detectors import intent, phishing, pii
from wenming.detectors.base import Register
from wenming.detectors.claims import detector as claims
from wenming.detectors.classifier import detector as classifier
from wenming.detectors.lexicon import detector as lexicon
from wenming.detectors.rules import detector as rules
from wenming.detectors.urls import detector as urls


def register(register: Register) -> None:
    """Add the built-in detectors to a registry."""
    register(lexicon.PLUGIN)
    register(rules.PLUGIN)
    register(urls.PLUGIN)
    register(classifier.PLUGIN)
    register(claims.PLUGIN)
    register(intent.PLUGIN)
    register(pii.PLUGIN)
    register(phishing.PLUGIN)
