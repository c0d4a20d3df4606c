"""The versioned JSON API (``/v1``): routes and their wire schemas.

Routes parse input, call one use case of :mod:`wenming.service` and render the result;
dependencies and errors come from :mod:`wenming.http`. It may import the service, the
runtime, the core and ``wenming.http``; never ``wenming.web`` (its sibling) or the store's
queries. :func:`wenming.api.routes.install` adds the routes to an app.
"""
