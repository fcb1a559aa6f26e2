"""Lesson 31 claims: every log record of a request carries its ID, wherever it was logged."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from lessons.testkit import http_scope, serve

from .app import RequestIdFilter, RequestIdMiddleware, app, db_logger, logger, request_id_var
from .conftest import raw_request

client = TestClient(app)


def app_records(logs: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in logs.records if record.name == logger.name]


def by_message(records: list[logging.LogRecord], start: str) -> logging.LogRecord:
    matching = [record for record in records if record.getMessage().startswith(start)]
    assert len(matching) == 1, f"expected one record starting {start!r}, got {matching}"
    return matching[0]


def test_every_log_record_of_a_request_carries_its_id(logs: pytest.LogCaptureFixture) -> None:
    """Middleware, dependency and async handler records all carry the request's ID."""
    client.get("/orders/1", headers={"X-Request-ID": "trace-me"})
    records = app_records(logs)
    messages = [record.getMessage() for record in records]
    assert messages == [
        "GET '/orders/1' started",
        "audit: GET '/orders/1'",  # the app-level `def` dependency
        "looking up order 1",
        "order 1 found",
        "GET '/orders/1' finished: 200",
    ]
    assert [getattr(record, "request_id", None) for record in records] == ["trace-me"] * 5


def test_the_id_follows_the_request_into_the_thread_pool(logs: pytest.LogCaptureFixture) -> None:
    """A `def` dependency, a `def` handler and a `def` background task run in worker threads,
    and their records carry the ID all the same."""
    response = client.post("/reports", json={"name": "q3"}, headers={"X-Request-ID": "rep-1"})
    assert response.status_code == 202
    records = app_records(logs)
    event_loop_thread = by_message(records, "POST '/reports' started").thread
    for start in ("audit:", "building report q3", "emailed report q3"):
        record = by_message(records, start)
        assert record.thread != event_loop_thread, f"{start!r} ran on the event loop thread"
        assert getattr(record, "request_id", None) == "rep-1", start


def test_an_unhandled_error_is_logged_with_its_id_and_traceback(
    logs: pytest.LogCaptureFixture,
) -> None:
    """The 500's traceback is logged once, at ERROR, with the ID the client got in the body."""
    response = client.get("/boom")
    request_id = response.json()["request_id"]
    errors = [record for record in app_records(logs) if record.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].getMessage() == "unhandled error"
    assert errors[0].exc_info is not None
    assert isinstance(errors[0].exc_info[1], RuntimeError)
    assert getattr(errors[0], "request_id", None) == request_id


def test_a_logger_filter_misses_library_loggers_a_handler_filter_does_not(
    logs: pytest.LogCaptureFixture,
) -> None:
    """The filter on our logger never sees `demo_db`'s records; on the handler it stamps them."""
    client.get("/orders/1", headers={"X-Request-ID": "first"})
    (query,) = [record for record in logs.records if record.name == db_logger.name]
    assert not hasattr(query, "request_id"), "another logger's records skip our logger's filter"

    stamp = RequestIdFilter()
    logs.handler.addFilter(stamp)  # where logging.json puts it: on the handler
    try:
        logs.clear()
        client.get("/orders/2", headers={"X-Request-ID": "second"})
    finally:
        logs.handler.removeFilter(stamp)
    assert logs.records, "the request logged nothing"
    assert {getattr(record, "request_id", None) for record in logs.records} == {"second"}, (
        "with the filter on the handler, every record of the request carries the ID"
    )


def test_hostile_ids_and_paths_cannot_forge_log_lines(logs: pytest.LogCaptureFixture) -> None:
    """A CRLF in the ID or an encoded newline in the path never reaches a log message."""
    forged = b"x\r\nINFO [admin] password reset for everyone"
    response = client.get("/orders/1%0D%0AINFO%20forged", headers={b"X-Request-ID": forged})
    assert response.status_code == 422
    for record in logs.records:
        message = record.getMessage()
        assert "\n" not in message, message
        assert "\r" not in message, message
    warning = by_message(app_records(logs), "replaced a malformed X-Request-ID")
    assert warning.getMessage() == f"replaced a malformed X-Request-ID ({len(forged)} bytes)"


def test_records_outside_any_request_carry_a_dash(logs: pytest.LogCaptureFixture) -> None:
    """Logged outside a request (startup, a script), a record gets "-", not a stale ID."""
    logger.info("probe")
    (record,) = logs.records
    assert record.levelno == logging.INFO
    assert getattr(record, "request_id", None) == "-"


def test_the_id_is_reset_when_the_request_ends(runner: asyncio.Runner) -> None:
    """After the request the context is back to "-": the ID cannot leak into later work."""

    async def request_then_read() -> tuple[str, str]:
        response = await raw_request(app, "/orders/1", [(b"x-request-id", b"short-lived")])
        # The middleware ran in THIS task, so without its reset the ID would still be here.
        return response.body["request_id"], request_id_var.get()

    during, after = runner.run(request_then_read())
    assert during == "short-lived"
    assert after == "-"


def test_real_uvicorn_prints_the_id_on_every_line_of_the_request() -> None:
    """With logging.json, Uvicorn's access line and the library's line carry the ID too."""
    with serve(
        "lessons.31_request_ids_and_logging.app:app",
        "--log-config",
        "lessons/31_request_ids_and_logging/logging.json",
    ) as server:
        response = httpx.get(f"{server.base_url}/orders/1", headers={"X-Request-ID": "demo-123"})
        assert response.headers["X-Request-ID"] == "demo-123"
    # The server has stopped, so every line it logged is in `output` now.
    lines = [line for line in server.output if "[demo-123]" in line]
    loggers = {line.split("] ", 1)[1].split(":", 1)[0] for line in lines}
    assert loggers == {logger.name, db_logger.name, "uvicorn.access"}, lines
    assert not any("demo-123" in line and "[demo-123]" not in line for line in server.output)


def test_an_error_after_the_response_started_is_reraised_not_answered(
    runner: asyncio.Runner, logs: pytest.LogCaptureFixture
) -> None:
    """Once the status line is out no 500 can follow: the error is logged with the ID and
    re-raised for the server to close the connection."""
    sent: list[Message] = []

    async def fails_mid_response(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("the stream broke")

    async def call() -> None:
        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            sent.append(message)

        scope = http_scope("/stream", headers=[(b"x-request-id", b"stream-1")])
        await RequestIdMiddleware(fails_mid_response)(scope, receive, send)

    with pytest.raises(RuntimeError, match="the stream broke"):
        runner.run(call())
    assert [message["type"] for message in sent] == ["http.response.start"], "no second start"
    assert sent[0]["status"] == 200
    assert (b"x-request-id", b"stream-1") in sent[0]["headers"]
    error = by_message(app_records(logs), "unhandled error")
    assert getattr(error, "request_id", None) == "stream-1"
