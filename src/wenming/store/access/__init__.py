"""Platforms (the tenants), API keys and console users: tables, records, repository."""
