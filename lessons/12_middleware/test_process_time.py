"""Lesson 12 claims: X-Process-Time from two middlewares, the clock, and middleware order."""

import asyncio
import itertools
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Protocol
from urllib.parse import quote

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import Message, Receive, Scope, Send

from . import app as lesson
from . import ordering
from .pure_asgi import ProcessTimeMiddleware
from .pure_asgi import app as pure_app

# The main app only answers its own host names (TrustedHostMiddleware), so the test
# clients talk to one of them instead of the default "testserver".
BASE_URL = "http://api.example.com"
decorator_client = TestClient(lesson.app, base_url=BASE_URL)
pure_client = TestClient(pure_app, base_url=BASE_URL)
CLIENTS = {"decorator": decorator_client, "pure_asgi": pure_client}
HEADER_FORMAT = re.compile(r"\d+\.\d{6}")  # seconds, microsecond resolution


class FakeClock:
    """A clock that returns the given readings in order: the test decides every duration."""

    def __init__(self, *readings: float) -> None:
        self.readings = iter(readings)

    def __call__(self) -> float:
        return next(self.readings)


class SteppingClock:
    """A clock that stands still until someone calls advance()."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def timed_app(kind: str, clock: Callable[[], float]) -> FastAPI:
    """A fresh app timed by the lesson's decorator function or pure ASGI class."""
    variant = FastAPI()
    if kind == "decorator":
        # The very function app.py registers; it reads the module attribute `clock`.
        variant.middleware("http")(lesson.add_process_time)
    else:
        variant.add_middleware(ProcessTimeMiddleware, clock=clock)
    return variant


class HasHeaders(Protocol):
    """A test client's response (httpx or httpx2, depending on the Starlette version)."""

    @property
    def headers(self) -> Mapping[str, str]: ...


def process_time(response: HasHeaders) -> float:
    """The X-Process-Time header as a number, after checking its format."""
    header = response.headers["x-process-time"]
    assert HEADER_FORMAT.fullmatch(header), f"unexpected X-Process-Time {header!r}"
    return float(header)


# --- Both middlewares do the same job -----------------------------------------------------
@pytest.mark.parametrize("kind", list(CLIENTS))
@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/hello", 200),
        ("GET", "/stream", 200),
        ("GET", "/no-such-page", 404),
        ("POST", "/hello", 405),
        ("GET", "/text?size=-1", 422),
    ],
)
def test_process_time_header_is_on_every_response(
    kind: str, method: str, url: str, status: int
) -> None:
    """Both the decorator and the pure ASGI middleware time 200s, streams, 404s, 405s, 422s."""
    response = CLIENTS[kind].request(method, url)
    assert response.status_code == status
    assert process_time(response) >= 0


@given(path=st.text(min_size=1, max_size=30))
def test_process_time_header_is_on_any_path(path: str) -> None:
    """Whatever path a client asks for, the answer carries X-Process-Time."""
    response = decorator_client.get("/" + quote(path))
    assert response.status_code < 500
    assert process_time(response) >= 0


def test_rejected_host_is_timed_because_timing_is_outermost() -> None:
    """The timing middleware was added last, so it wraps TrustedHost: even its 400 is timed."""
    outermost_first = lesson.app.user_middleware  # the app's middleware list, outermost first
    classes: list[object] = [entry.cls for entry in outermost_first]
    assert classes[0] is BaseHTTPMiddleware
    assert outermost_first[0].kwargs["dispatch"] is lesson.add_process_time, "timing is outermost"
    assert classes.index(TrustedHostMiddleware) < classes.index(GZipMiddleware)
    response = decorator_client.get("/hello", headers={"host": "evil.test"})
    assert response.status_code == 400
    assert process_time(response) >= 0


# --- The clock -----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(CLIENTS))
def test_process_time_is_exact_with_an_injected_clock(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a fake clock reading 100.0 then 100.25, the header says exactly 0.250000."""
    clock = FakeClock(100.0, 100.25)
    # The decorator reads the module attribute `clock`; the class takes it as an argument.
    monkeypatch.setattr(lesson, "clock", clock)
    variant = timed_app(kind, clock)
    variant.include_router(lesson.routes)
    response = TestClient(variant).get("/hello")
    assert response.headers["x-process-time"] == "0.250000"


def test_default_clock_is_the_monotonic_perf_counter() -> None:
    """Both middlewares default to time.perf_counter, which (unlike time.time) never jumps."""
    assert lesson.clock is time.perf_counter
    assert ProcessTimeMiddleware.__init__.__defaults__ == (time.perf_counter,)
    assert time.get_clock_info("perf_counter").monotonic
    wall = time.get_clock_info("time")
    assert wall.adjustable, "the wall clock can be set back"
    assert not wall.monotonic


def test_wall_clock_jump_breaks_time_time_but_not_perf_counter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the wall clock is set back mid-request, the seed's time.time() version goes negative."""
    seed_style = FastAPI()

    @seed_style.middleware("http")
    async def wall_clock_timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.time()
        response = await call_next(request)
        response.headers["X-Process-Time"] = str(time.time() - started)
        return response

    @seed_style.get("/hello")
    def hello() -> dict[str, str]:
        return {"message": "hello"}

    readings = itertools.count(start=1_000_000_000, step=-3600)  # each reading an hour earlier

    monkeypatch.setattr(time, "time", lambda: float(next(readings)))
    seed_header = float(TestClient(seed_style).get("/hello").headers["x-process-time"])
    ours = process_time(decorator_client.get("/hello"))
    monkeypatch.undo()
    assert seed_header < 0, "time.time() durations are wrong when the wall clock moves"
    assert ours >= 0, "perf_counter ignores wall-clock changes"


# --- Where the two kinds differ, and where they agree ------------------------------------
@pytest.mark.parametrize("kind", list(CLIENTS))
def test_process_time_stops_at_the_start_of_a_streamed_body(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header leaves before the body: a stream is not buffered and not timed to its end."""
    clock = SteppingClock()
    chunks = 5
    variant = timed_app(kind, clock)

    @variant.get("/slow-stream")
    def slow_stream() -> StreamingResponse:
        def produce() -> Iterator[bytes]:
            for _ in range(chunks):
                clock.advance(1.0)  # each chunk "takes" one second
                yield b"x"

        return StreamingResponse(produce())

    monkeypatch.setattr(lesson, "clock", clock)
    response = TestClient(variant).get("/slow-stream")
    assert response.content == b"x" * chunks
    assert process_time(response) < chunks, "the header was not held back until the end"
    if kind == "pure_asgi":
        assert process_time(response) == 0, "headers go out before the first chunk exists"


def test_decorator_middleware_gets_a_body_stream_not_the_endpoints_response() -> None:
    """In @app.middleware, call_next returns a stream wrapper: the JSON body is not readable."""
    seen: dict[str, object] = {}
    variant = FastAPI()

    @variant.middleware("http")
    async def inspect(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        seen["is_json_response"] = isinstance(response, JSONResponse)
        seen["has_body"] = hasattr(response, "body")
        seen["has_body_iterator"] = hasattr(response, "body_iterator")
        return response

    @variant.get("/json")
    def json_endpoint() -> JSONResponse:
        return JSONResponse({"ok": True})

    assert TestClient(variant).get("/json").json() == {"ok": True}
    assert seen == {"is_json_response": False, "has_body": False, "has_body_iterator": True}


@pytest.mark.parametrize("scope_type", ["websocket", "lifespan"])
def test_pure_asgi_middleware_passes_other_scopes_through_untouched(scope_type: str) -> None:
    """A websocket or lifespan connection reaches the app with the very same send callable."""
    received: dict[str, object] = {}

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        received.update(scope=scope, receive=receive, send=send)

    async def receive() -> Message:
        return {"type": f"{scope_type}.connect"}

    async def send(message: Message) -> None:
        raise AssertionError("the inner app sends nothing in this test")

    scope: Scope = {"type": scope_type, "asgi": {"version": "3.0"}}
    middleware = ProcessTimeMiddleware(inner, clock=FakeClock())  # no readings: never timed
    asyncio.run(middleware(scope, receive, send))
    assert received == {"scope": scope, "receive": receive, "send": send}


@pytest.mark.parametrize("kind", list(CLIENTS))
def test_websockets_work_through_both_middlewares(kind: str) -> None:
    """A WebSocket echo works behind either timing middleware (they only time HTTP)."""
    with CLIENTS[kind].websocket_connect(BASE_URL.replace("http", "ws") + "/ws") as websocket:
        websocket.send_text("ping")
        assert websocket.receive_text() == "ping"


@pytest.mark.parametrize("kind", list(CLIENTS))
def test_unhandled_exception_500_skips_user_middleware(kind: str) -> None:
    """A crash's 500 comes from ServerErrorMiddleware, outside every user middleware: untimed."""
    variant = timed_app(kind, time.perf_counter)

    @variant.get("/crash")
    def crash() -> None:
        raise RuntimeError("bug")

    response = TestClient(variant, raise_server_exceptions=False).get("/crash")
    assert response.status_code == 500
    assert "x-process-time" not in response.headers
    assert process_time(TestClient(variant).get("/no-such-page")) >= 0, "other errors are timed"


# --- Order ---------------------------------------------------------------------------------
def test_a_pure_asgi_middleware_passes_other_scopes_through_untraced() -> None:
    """Lifespan events go through the Tracer layers too, untouched and not traced."""
    ordering.trace.clear()
    with TestClient(ordering.app) as started:  # startup and shutdown: "lifespan" scopes
        assert ordering.trace == [], "the Tracer traced a non-HTTP scope"
        assert started.get("/trace").status_code == 200, "the app behind it still answers"
    assert ordering.trace[-1] == "added third: response"


def test_last_added_middleware_runs_outermost() -> None:
    """Requests pass the middleware in reverse order of adding; responses in adding order."""
    TestClient(ordering.app).get("/trace")
    assert ordering.trace == [
        "added third: request",
        "added second: request",
        "added first: request",
        "endpoint",
        "added first: response",
        "added second: response",
        "added third: response",
    ]


@pytest.mark.asyncio
async def test_tracer_records_the_response_once_when_its_start_message_passes() -> None:
    """A pure ASGI layer sees a response as messages: one start, then body chunks."""

    async def chunked(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"one", "more_body": True})
        await send({"type": "http.response.body", "body": b"two", "more_body": False})

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    seen: list[tuple[str, list[str]]] = []

    async def send(message: Message) -> None:
        seen.append((message["type"], list(ordering.trace)))  # the trace as each one arrives

    ordering.trace.clear()
    scope: Scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    await ordering.Tracer(chunked, name="t")(scope, receive, send)
    assert seen == [
        ("http.response.start", ["t: request", "t: response"]),
        ("http.response.body", ["t: request", "t: response"]),
        ("http.response.body", ["t: request", "t: response"]),
    ], "the Tracer must record the response once, as the start message passes, not per chunk"
