"""Use cases run against both backends (see tests/databases.py)."""

from tests.databases import db, pg_schema, service_screener, sqlite_template, store

__all__ = ["db", "pg_schema", "service_screener", "sqlite_template", "store"]
