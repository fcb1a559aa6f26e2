"""Report the duration in Server-Timing too

Browsers' developer tools show the standard `Server-Timing` header in their network
panel. In lessons/12_middleware/pure_asgi.py, make `ProcessTimeMiddleware` also send
`Server-Timing: app;dur=<milliseconds with 3 decimals>` (for 0.25 s: `app;dur=250.000`),
from the same measurement as X-Process-Time. Leave non-HTTP connections untouched.
"""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from .. import app as lesson
from ..pure_asgi import ProcessTimeMiddleware
from ..pure_asgi import app as pure_app

HINT = (
    "Read the clock once in send_with_process_time and format that one elapsed value twice: "
    "seconds for X-Process-Time, milliseconds for Server-Timing. `headers` there is a "
    "MutableHeaders: set as many as you like before the message goes out."
)

SERVER_TIMING = re.compile(r"app;dur=(\d+\.\d{3})")


class FakeClock:
    """Returns the given readings in order; a third reading would be a StopIteration."""

    def __init__(self, *readings: float) -> None:
        self.readings = iter(readings)

    def __call__(self) -> float:
        return next(self.readings)


def test_server_timing_is_exact_with_an_injected_clock() -> None:
    """Clock readings 100.0 then 100.25 → `app;dur=250.000` and X-Process-Time 0.250000."""
    variant = FastAPI()
    variant.include_router(lesson.routes)
    variant.add_middleware(ProcessTimeMiddleware, clock=FakeClock(100.0, 100.25))
    response = TestClient(variant).get("/hello")
    assert response.headers.get("server-timing") == "app;dur=250.000"
    assert response.headers["x-process-time"] == "0.250000", "one measurement, two headers"


def test_both_headers_report_the_same_duration() -> None:
    """On the real clock, Server-Timing (ms) and X-Process-Time (s) agree to a microsecond."""
    client = TestClient(pure_app, base_url="http://api.example.com")
    for url in ("/hello", "/no-such-page", "/stream"):
        response = client.get(url)
        match = SERVER_TIMING.fullmatch(response.headers.get("server-timing", ""))
        assert match, f"{url}: Server-Timing is {response.headers.get('server-timing')!r}"
        seconds = float(response.headers["x-process-time"])
        assert abs(float(match.group(1)) / 1000 - seconds) <= 1.5e-6, url  # both round to 1 µs


def test_websockets_still_pass_through() -> None:
    """The WebSocket echo still works behind the middleware."""
    client = TestClient(pure_app, base_url="http://api.example.com")
    with client.websocket_connect("ws://api.example.com/ws") as websocket:
        websocket.send_text("ping")
        assert websocket.receive_text() == "ping"
