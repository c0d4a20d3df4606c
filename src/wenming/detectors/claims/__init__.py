"""Rumor-busting: a registry of fact-checks and the matcher that finds restated claims.

A :class:`~wenming.core.factcheck.FactCheck` is a rated claim with its rebuttal;
:mod:`~wenming.detectors.claims.formats` reads and writes ClaimReview, CSV and JSONL;
:class:`~wenming.detectors.claims.registry.FactCheckDir` keeps a registry and its embeddings on
disk; :class:`~wenming.detectors.claims.matcher.Matcher` finds, for any post in any language, the
fact-checks it restates, through a lexical → dense cascade
(:mod:`~wenming.detectors.claims.lexical`, :mod:`~wenming.detectors.claims.embed`). Start with
``FactCheckDir(path).matcher(E5Embedder()).match(["post text"])``; the screening
detector is :mod:`wenming.detectors.claims.detector`. This package uses no store, service or
edge: it is the pure part of rumor-busting.
"""
