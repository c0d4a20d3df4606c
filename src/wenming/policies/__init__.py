"""The bundled policy packs and the policy loader.

The default pack lives in ``default/`` (YAML, term lists, examples, demo fact-checks);
:mod:`.loader` reads a policy file with line numbers and lets every detector plugin
parse its own keys. It may import the core and the detector registry.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def default_policy_path() -> Path:
    """The path of the bundled default policy file."""
    return Path(str(files("wenming.policies").joinpath("default/policy.yaml")))


def default_factchecks_path() -> Path:
    """The demo fact-checks (JSONL) that `wenming serve --demo` publishes."""
    return Path(str(files("wenming.policies").joinpath("default/factchecks.jsonl")))


def default_examples_path() -> Path:
    """The bundled example posts (JSONL) used by the demo."""
    return Path(str(files("wenming.policies").joinpath("default/examples.jsonl")))
