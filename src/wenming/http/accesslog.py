"""Keeps secrets out of the access log: report status tokens travel in the URL
(``/v1/report-status/TOKEN``, ``/report/status/TOKEN``) and whoever reads the log must
not be able to follow, or appeal, someone else's report. :func:`install` adds the filter
to uvicorn's access logger; ``wenming serve`` calls it.
"""

from __future__ import annotations

import logging
import re

_TOKEN_PATH = re.compile(r"(/(?:v1/report-status|report/status)/)[^/?#\s\"]+")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Rewrites status tokens in a record's message arguments (uvicorn passes the path
    as one of them) and in its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install(logger_name: str = "uvicorn.access") -> None:
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
