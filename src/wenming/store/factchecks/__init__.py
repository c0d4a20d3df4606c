"""The fact-check registry and its versions: tables, records, repository."""
