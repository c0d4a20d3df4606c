"""The system of record: SQLAlchemy tables, queries and Alembic migrations.

The only package that speaks SQL (an import-linter contract holds everyone else to it).
SQLite by default, PostgreSQL by URL, the same statements on both. It may import the
core only; the service layer calls it, edges never do.
"""
