"""Rumor-busting: a registry of fact-checks and the matcher that finds restated claims.

A :class:`~wenming.claims.model.FactCheck` is a rated claim with its rebuttal;
:mod:`~wenming.claims.formats` reads and writes ClaimReview, CSV and JSONL;
:class:`~wenming.claims.registry.FactCheckDir` keeps a registry and its embeddings on
disk; :class:`~wenming.claims.matcher.Matcher` finds, for any post in any language, the
fact-checks it restates, through a lexical → dense cascade
(:mod:`~wenming.claims.lexical`, :mod:`~wenming.claims.embed`). Start with
``FactCheckDir(path).matcher(E5Embedder()).match(["post text"])``; the screening
detector is :mod:`wenming.detectors.claims`. This package uses no store, service or
edge: it is the pure part of rumor-busting.
"""
