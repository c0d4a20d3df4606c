"""The work stream's tables, records and repository: outbox, claims, shadows, sweeps."""
