"""What every area's repository shares: where its connection comes from, and UTC.

An area repository (``store.review``, ``tx.review``, …) is one class per area for reads
and a subclass that adds the writes. On the store, each read runs in its own short
transaction; on a write transaction (``with store.transaction() as tx``) the same reads
and the writes run on that transaction's connection, so a use case sees what it wrote.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import InterfaceError as SAInterfaceError

if TYPE_CHECKING:
    from wenming.store.database import Store, Tx


def utc(value: datetime) -> datetime:
    """Everything the store keeps is UTC: naive values (SQLite hands those back) are
    taken as UTC, aware ones converted."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def opt_utc(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


def new_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then 74 random bits.

    Time-ordered ids keep B-tree inserts at the right edge of the index and let
    PostgreSQL range-partition the big tables by month on the primary key itself.
    """
    ms = time.time_ns() // 1_000_000
    # The module's generator is seeded from the OS and re-seeded in forked children;
    # ids need uniqueness, not secrecy, and this is much cheaper than os.urandom.
    rand = random.getrandbits(80)
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | rand & ((1 << 80) - 1)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 4122 variant
    return uuid.UUID(int=value)


DatabaseError = DBAPIError
"""Every error the database driver raises (what edges map to 503 or 500)."""
ValueRefusedError = DataError
"""The database refused a value (too long, a NUL character): the caller's fault."""


def unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached or dropped the connection
    (retry later), rather than a statement it refused."""
    if isinstance(exc, OperationalError | SAInterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Area:
    """Base of the area repositories: reads through :meth:`_conn`, writes on :attr:`conn`."""

    __slots__ = ("store", "tx")

    def __init__(self, store: Store, tx: Tx | None = None) -> None:
        self.store = store
        self.tx = tx

    @property
    def dialect(self) -> str:
        return self.store.dialect

    @property
    def conn(self) -> Connection:
        """The write transaction's connection (only write repositories have one)."""
        assert self.tx is not None, "writes happen inside store.transaction()"
        return self.tx.conn

    @contextmanager
    def _conn(self) -> Iterator[Connection]:
        if self.tx is not None:
            yield self.tx.conn
            return
        with self.store.engine.connect() as conn, conn.begin():
            yield conn

    def _insert(self, table: Any) -> Any:
        """``INSERT`` in the dialect that knows ``ON CONFLICT``."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)
