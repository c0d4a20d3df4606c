"""The HTTP API (FastAPI): a thin edge over :mod:`wenming.service`; start at :mod:`.app`."""
