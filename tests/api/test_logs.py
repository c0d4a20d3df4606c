"""What the logs must not hold: report status tokens, item text in SQL errors."""

from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy.exc import DBAPIError

from tests.databases import Database
from wenming.http import accesslog
from wenming.service.work import describe
from wenming.store.engine import redact_detail
from wenming.store.items import tables as _items_t


def test_status_tokens_are_redacted_from_the_access_log(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.access")
    accesslog.install("test.access")
    with caplog.at_level(logging.INFO, logger="test.access"):
        # uvicorn's access record: '%s - "%s %s HTTP/%s" %d' with the path as an argument
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "1.2.3.4:5",
            "GET",
            "/v1/report-status/SeCrEtToKeN123?lang=en",
            "1.1",
            200,
        )
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "1.2.3.4:5",
            "GET",
            "/report/status/OtherToken456",
            "1.1",
            200,
        )
    text = caplog.text
    assert "SeCrEtToKeN123" not in text and "OtherToken456" not in text
    assert "/v1/report-status/[redacted]?lang=en" in text


def test_sql_errors_do_not_carry_item_text(db: Database) -> None:
    store = db.store()
    try:
        with pytest.raises(DBAPIError) as raised, store.engine.begin() as conn:
            # A platform id that does not exist breaks a foreign key (or NOT NULL) rule.
            conn.execute(
                _items_t.items.insert().values(
                    id=uuid.uuid4(),
                    platform_id=None,
                    external_id="x",
                    text="my secret post text",
                    text_hash="h",
                )
            )
        # What the API's and the worker's logs print of it (parameters are hidden by the
        # engine; PostgreSQL's DETAIL quotes the row, and is cut).
        assert "my secret post text" not in redact_detail(str(raised.value))
        assert "my secret post text" not in describe(raised.value)
    finally:
        store.close()
