"""The pure core: items, signals, decisions, the normalizer, the policy model, the decider.

Frozen dataclasses and functions with no I/O: :mod:`.model` (items, signals, verdicts,
decisions), :mod:`.normalize` (evasion-aware views with offset maps), :mod:`.text_index`
(multi-pattern matching over those views), :mod:`.policy` (the validated policy and the
reader detector plugins parse their keys with), :mod:`.decide` (signals → verdict with
reasons), :mod:`.governance` (queues, ladders, statements of reasons, age ratings) and
:mod:`.factcheck`. It imports only the standard library and the few compiled libraries
the hot path needs; an import-linter contract keeps every outer layer out.
"""
