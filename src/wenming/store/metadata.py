"""The one SQLAlchemy ``MetaData`` every area's tables sit on, and the column types they share.

Area table modules (``store/<area>/tables.py``) import this module and nothing else of
the store, so there is no cycle between them; :mod:`.schema` imports them all to
hand Alembic and the migration check the complete picture.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData
from sqlalchemy.dialects.postgresql import JSONB

# Names for constraints and indexes, so migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# JSONB on PostgreSQL (queryable, GIN-indexable); JSON text elsewhere.
Document = JSON().with_variant(JSONB(), "postgresql")
# 64-bit ids on PostgreSQL; SQLite needs INTEGER for an auto-incrementing rowid alias.
SerialId = BigInteger().with_variant(Integer(), "sqlite")
Timestamp = DateTime(timezone=True)
