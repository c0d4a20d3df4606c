"""Trained text classifiers: training, evaluation, storage and scoring.

Start with :func:`wenming.detectors.classifier.model.load_model` to score texts with a shipped or
trained model, and :func:`wenming.detectors.classifier.train.train` to train one. The model format
and the search path for model names are described in :mod:`wenming.detectors.classifier.model`;
the screening detector that uses these models is :mod:`wenming.detectors.classifier.detector`.
"""
