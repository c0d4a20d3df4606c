"""Subjects, items and decisions: tables, records, prepared statements, bulk writes and
the repository (with the scans that search and sweeps need)."""
