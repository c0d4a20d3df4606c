"""The use cases: screen, ingest, report, review, appeal, enforce, fact-check, audit.

Each module is a row of functions composed from the store, the queue and the engine
wing; routes, pages, commands and workers call exactly one of them per request. It may
import the core, the engine wing, the policy loader, the store and the queue port;
never the runtime or an edge.
"""
