"""Records of the fact-check registry: a stored fact-check with its bookkeeping, and a
version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wenming.core.factcheck import FactCheck


@dataclass(frozen=True, slots=True)
class FactCheckRow:
    """A stored fact-check with its bookkeeping."""

    factcheck: FactCheck
    seq: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    embedding: bytes | None
    embedding_recipe: str | None
    embedding_hash: str | None


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: int
    change: str
    record: dict[str, Any]
    actor: str
    created_at: datetime
