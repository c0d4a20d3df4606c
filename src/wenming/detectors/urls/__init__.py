"""The urls detector: see :mod:`wenming.detectors.urls.detector`."""
