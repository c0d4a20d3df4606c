"""Strikes, sanctions, minor flags and youth-mode ratings: tables, records, repository."""
