"""The rules detector: see :mod:`wenming.detectors.rules.detector`."""
