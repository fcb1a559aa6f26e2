"""Lesson 34 claims: bodies over the limit get 413 before the app reads them, and no further.

Most tests drive the ASGI app by hand, with a `receive` that counts how much of the body
the server asked for: "the handler never saw it" and "reading stopped at the limit" are
then counted facts.
"""

import asyncio
import json
from collections.abc import Iterator
from typing import cast

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from starlette.types import Message, Receive, Scope, Send

from lessons.testkit import http_scope

from .app import BodySizeLimit, app, counters

client = TestClient(app)

# The limit as the app configures it (read from its middleware stack, not copied), so a
# learner who changes it keeps meaningful tests.
options = {getattr(m.cls, "__name__", ""): m.kwargs for m in app.user_middleware}
LIMIT = cast(int, options[BodySizeLimit.__name__]["max_bytes"])
CHUNK = 1024
TOO_LARGE = {"detail": f"Request body is larger than {LIMIT} bytes"}


@pytest.fixture(autouse=True)
def zero_counters() -> Iterator[None]:
    counters.reset()
    yield
    counters.reset()


class Upload:
    """A client body that arrives CHUNK bytes at a time; counts the chunks the server took."""

    def __init__(self, total: int, disconnect_after: int | None = None) -> None:
        self.remaining = total
        self.disconnect_after = disconnect_after
        self.chunks_read = 0

    async def receive(self) -> Message:
        if self.chunks_read == self.disconnect_after:
            return {"type": "http.disconnect"}
        self.chunks_read += 1
        size = min(CHUNK, self.remaining)
        self.remaining -= size
        return {"type": "http.request", "body": b" " * size, "more_body": self.remaining > 0}


def post_scope(content_length: bytes | None) -> Scope:
    headers = [(b"host", b"testserver"), (b"content-type", b"application/json")]
    if content_length is not None:
        headers.append((b"content-length", content_length))
    return http_scope("/orders/import", method="POST", headers=headers)


def drive(scope: Scope, receive: Receive) -> list[Message]:
    """Run the app on one request by hand; returns what it sent back."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def status_and_json(sent: list[Message]) -> tuple[int, object]:
    start, *bodies = sent
    return start["status"], json.loads(b"".join(m.get("body", b"") for m in bodies))


ONE_LINE = json.dumps([{"sku": "A-1", "quantity": 1}]).encode()


def json_body(size: int) -> bytes:
    """A valid import body (one order line) padded with JSON whitespace to exactly `size`."""
    return ONE_LINE + b" " * (size - len(ONE_LINE))


def test_declared_oversized_body_is_413_before_a_single_byte_is_read() -> None:
    """Content-Length over the limit: 413 at once; no body read, the handler never ran."""
    upload = Upload(total=50 * LIMIT)
    sent = drive(post_scope(str(upload.remaining).encode()), upload.receive)
    assert status_and_json(sent) == (413, TOO_LARGE)
    assert upload.chunks_read == 0
    assert counters.imports_handled == 0


def test_chunked_oversized_body_is_read_only_just_past_the_limit() -> None:
    """No Content-Length: the middleware counts, and stops at the first chunk over the limit."""
    upload = Upload(total=50 * LIMIT)
    sent = drive(post_scope(None), upload.receive)
    assert status_and_json(sent) == (413, TOO_LARGE)
    assert upload.chunks_read == LIMIT // CHUNK + 1, "it read past the first chunk over the limit"
    assert counters.imports_handled == 0


@pytest.mark.parametrize("content_length", [b"\xb2", b"-1", b"1e9", b""])
def test_a_content_length_that_is_not_plain_digits_is_ignored_and_the_body_counted(
    content_length: bytes,
) -> None:
    """A bogus Content-Length ("²", "-1", "1e9", empty) is no crash: the bytes are counted."""
    upload = Upload(total=2 * LIMIT)
    sent = drive(post_scope(content_length), upload.receive)
    assert status_and_json(sent) == (413, TOO_LARGE)
    assert upload.chunks_read == LIMIT // CHUNK + 1


def test_a_client_that_leaves_mid_body_gets_no_answer_and_the_handler_never_runs() -> None:
    """A disconnect while the body arrives ends the request quietly: nothing sent, nothing run."""
    upload = Upload(total=LIMIT, disconnect_after=3)
    assert drive(post_scope(None), upload.receive) == []
    assert counters.imports_handled == 0


def test_the_app_behind_the_limit_gets_the_body_once_and_then_the_real_receive() -> None:
    """The collected body is replayed once; after it, the app reads the client's own messages."""
    seen: list[Message] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.extend([await receive(), await receive()])

    messages: Iterator[Message] = iter(
        [
            {"type": "http.request", "body": b"ab", "more_body": True},
            {"type": "http.request", "body": b"cd", "more_body": False},
            {"type": "http.disconnect"},
        ]
    )

    async def receive() -> Message:
        return next(messages)

    async def send(message: Message) -> None:
        raise AssertionError(f"nothing should be sent, got {message}")

    asyncio.run(BodySizeLimit(inner, max_bytes=4)(post_scope(None), receive, send))
    assert seen == [
        {"type": "http.request", "body": b"abcd", "more_body": False},
        {"type": "http.disconnect"},
    ]


@pytest.mark.parametrize("scope_type", ["lifespan", "websocket"])
def test_non_http_scopes_pass_straight_through(scope_type: str) -> None:
    """Lifespan and WebSocket traffic is not a request body: the middleware stays out of it."""
    calls: list[tuple[Scope, Receive, Send]] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append((scope, receive, send))

    async def receive() -> Message:
        raise AssertionError(f"the middleware must not read {scope_type} messages")

    async def send(message: Message) -> None:
        raise AssertionError(f"the middleware must not send {scope_type} messages")

    scope = {"type": scope_type, "asgi": {"version": "3.0"}}
    asyncio.run(BodySizeLimit(inner, max_bytes=1)(scope, receive, send))
    assert calls == [(scope, receive, send)]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_the_limit_is_16_kib_a_body_of_16384_bytes_passes_and_16385_is_413(
    declared: bool,
) -> None:
    """The documented limit, byte for byte: 16 KiB is imported, one byte more is refused."""
    for size, status, body in [
        (16 * 1024, 200, {"lines": 1}),
        (16 * 1024 + 1, 413, {"detail": "Request body is larger than 16384 bytes"}),
    ]:
        data = json_body(size)
        content = data if declared else iter([data[i : i + CHUNK] for i in range(0, size, CHUNK)])
        response = client.post(
            "/orders/import", content=content, headers={"content-type": "application/json"}
        )
        assert (response.status_code, response.json()) == (status, body), size


# Mostly right around the limit, where an off-by-one would hide, plus anything up to 3x it.
sizes = st.integers(LIMIT - 64, LIMIT + 64) | st.integers(len(ONE_LINE), 3 * LIMIT)


@given(size=sizes, declared=st.booleans())
def test_a_body_gets_413_exactly_when_it_is_larger_than_the_limit(
    size: int, declared: bool
) -> None:
    """Hypothesis: around and beyond the limit, 413 ⇔ size > limit; else the handler imports it."""
    body = json_body(size)
    before = counters.imports_handled
    content = body if declared else iter([body[i : i + CHUNK] for i in range(0, size, CHUNK)])
    response = client.post(
        "/orders/import", content=content, headers={"content-type": "application/json"}
    )
    if size > LIMIT:
        assert response.status_code == 413
        assert response.json() == TOO_LARGE
        assert counters.imports_handled == before
    else:
        assert response.status_code == 200, response.text
        assert response.json() == {"lines": 1}
        assert counters.imports_handled == before + 1
