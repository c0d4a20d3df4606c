"""The lexicon detector: see :mod:`wenming.detectors.lexicon.detector`."""
