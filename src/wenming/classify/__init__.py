"""Trained text classifiers: training, evaluation, storage and scoring.

Start with :func:`wenming.classify.model.load_model` to score texts with a shipped or
trained model, and :func:`wenming.classify.train.train` to train one. The model format
and the search path for model names are described in :mod:`wenming.classify.model`;
the screening detector that uses these models is :mod:`wenming.detectors.classifier`.
"""
