"""The HTTP server edge: one ASGI app that serves the API and the web pages.

:func:`wenming.server.app.create_app` builds it on a runtime, installing the API's
routes (:mod:`wenming.api`) and the pages (:mod:`wenming.web`); ``wenming serve`` runs
it under uvicorn. This is the only module that imports both ``api`` and ``web``.
"""
