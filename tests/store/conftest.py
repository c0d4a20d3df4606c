"""The store contract suite runs on every backend (see tests/databases.py)."""

from tests.databases import db, pg_schema, sqlite_template, store

__all__ = ["db", "pg_schema", "sqlite_template", "store"]
