"""Send the error id in a header too

A 500 from the catch-all handler carries an `error_id` in its body. Proxies, load
balancers and log shippers record headers, not bodies: in `unexpected_error_handler`
(lessons/11_error_handling/app.py), also send the same id in an `X-Error-Id` response
header. Other errors do not get one.
"""

import logging
import re

import pytest
from fastapi.testclient import TestClient

from .. import app as lesson

HINT = (
    "A JSONResponse has a mutable `headers` mapping: build the response first, set the "
    "header, then return it. Generate the id once and use it in the log, the body and "
    "the header."
)

client = TestClient(lesson.app, raise_server_exceptions=False)
STATEMENT = "/accounts/acc-1/statement"


def test_a_500_carries_its_error_id_in_a_header() -> None:
    """The X-Error-Id header of a 500 is exactly the body's error_id (32 hex digits)."""
    response = client.get(STATEMENT)
    assert response.status_code == 500
    header = response.headers.get("x-error-id")
    assert header is not None, "the 500 has no X-Error-Id header"
    assert header == response.json()["error"]["error_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", header)


def test_each_failure_gets_its_own_id() -> None:
    """Two failing requests get two different ids, in the header as in the body."""
    first, second = client.get(STATEMENT), client.get(STATEMENT)
    assert first.headers.get("x-error-id") is not None
    assert first.headers.get("x-error-id") != second.headers.get("x-error-id")


def test_the_header_names_the_logged_failure(caplog: pytest.LogCaptureFixture) -> None:
    """Support can search the logs for the header's id: the ERROR record contains it."""
    with caplog.at_level(logging.ERROR, logger=lesson.logger.name):
        response = client.get(STATEMENT)
    header = response.headers.get("x-error-id")
    assert header is not None, "the 500 has no X-Error-Id header"
    messages = [r.getMessage() for r in caplog.records if r.name == lesson.logger.name]
    assert len(messages) == 1
    assert header in messages[0]


def test_handled_client_errors_carry_no_error_id() -> None:
    """Domain, validation and HTTPException errors are not incidents: no X-Error-Id."""
    for response in (
        client.post("/accounts/acc-404/withdrawals", json={"amount": 1}),
        client.post("/accounts/acc-1/withdrawals", json={}),
        client.get("/reports/999"),
    ):
        assert response.status_code < 500
        assert "x-error-id" not in response.headers, response.request.url
