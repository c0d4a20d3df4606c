"""Alembic migrations of the store, shipped inside the package and run programmatically
(:mod:`wenming.store.migrate`); ``wenming db upgrade`` is the command-line way in."""
