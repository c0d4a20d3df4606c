"""Fixtures: the real e5 embedder (loaded once) and a small bilingual registry on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.detectors.claims.fixtures import FACTCHECKS
from wenming.core.factcheck import factcheck_from_mapping
from wenming.detectors.claims.embed import E5Embedder
from wenming.detectors.claims.registry import FactCheckDir


@pytest.fixture(scope="session")
def embedder() -> E5Embedder:
    return E5Embedder()


@pytest.fixture(scope="session")
def registry_template(tmp_path_factory: pytest.TempPathFactory, embedder: E5Embedder) -> Path:
    path = tmp_path_factory.mktemp("factchecks")
    reg = FactCheckDir(path)
    reg.upsert(factcheck_from_mapping(x) for x in FACTCHECKS)
    reg.vectors(reg.load(), embedder)
    return path


@pytest.fixture
def registry(tmp_path: Path, registry_template: Path) -> FactCheckDir:
    """A fresh copy of the embedded fixture registry for each test."""
    path = tmp_path / "factchecks"
    shutil.copytree(registry_template, path)
    return FactCheckDir(path)
