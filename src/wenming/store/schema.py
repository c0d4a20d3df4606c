"""Every table of the system of record on one :data:`metadata`: what Alembic compares
the migrations with (``migrations/env.py``, ``tests/store/test_migrations.py``)."""

from __future__ import annotations

from wenming.store.access import tables as _access  # noqa: F401
from wenming.store.audit import tables as _audit  # noqa: F401
from wenming.store.enforcement import tables as _enforcement  # noqa: F401
from wenming.store.factchecks import tables as _factchecks  # noqa: F401
from wenming.store.items import tables as _items  # noqa: F401
from wenming.store.metadata import metadata
from wenming.store.review import tables as _review  # noqa: F401
from wenming.store.work import tables as _work  # noqa: F401

__all__ = ["metadata"]
