"""HTTP plumbing shared by the API and the web pages, below both.

``deps`` (the ``Annotated`` dependencies: runtime, store, authenticated key, public
caller, fact-check index), ``errors`` (JSON errors with a stable ``code``) and
``limits`` (body-size limit, token buckets). It may import the runtime and the service;
``wenming.api`` and ``wenming.web`` import it and never each other.
"""
