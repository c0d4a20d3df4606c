"""The hash-chained audit log: its table, record and repository."""
