"""The engine wing: the screener and one folder per detector plugin.

:mod:`.screener` normalizes a batch once, runs every detector and decides;
:mod:`.base` defines the detector interface and :class:`~.base.DetectorPlugin` (each
plugin owns its policy keys, its version, its examples and its private engine — claim
matching in ``claims/``, trained models in ``classifier/``); :mod:`.redteam` measures a
policy against evasion tricks. It may import the core and the policy loader
(:mod:`wenming.policies`), never the store, the queue, the service or an edge.
See ``docs/detectors.md``.
"""
