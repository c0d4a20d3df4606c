"""Registers wenming's built-in detectors, through the same hook a plugin would use.

A third-party package adds a detector by declaring an entry point in the
``wenming.detectors`` group that names a function like :func:`register`.
"""

from __future__ import annotations

from wenming.detectors import claims, classifier, intent, lexicon, phishing, pii, rules, urls
from wenming.detectors.base import Register


def register(register: Register) -> None:
    """Add the built-in detectors to a registry."""
    register(lexicon.NAME, lexicon.build)
    register(rules.NAME, rules.build)
    register(urls.NAME, urls.build)
    register(classifier.NAME, classifier.build)
    register(claims.NAME, claims.build)
    register(intent.NAME, intent.build, policy_keys=intent.POLICY_KEYS)
    register(pii.NAME, pii.build, policy_keys=pii.POLICY_KEYS)
    register(phishing.NAME, phishing.build, policy_keys=phishing.POLICY_KEYS)
