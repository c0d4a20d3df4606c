"""The audit log's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One link of the audit chain; ``hash`` commits to every other field and ``prev_hash``."""

    seq: int
    ts: datetime
    actor: str
    action: str
    subject: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    #: ``kid:hmac`` of ``hash`` under the audit key (``None`` when no key was set).
    mac: str | None = None
