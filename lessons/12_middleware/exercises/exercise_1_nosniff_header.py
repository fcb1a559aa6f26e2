"""A security header on every response

Browsers may "sniff" a response and treat text as a script; `X-Content-Type-Options:
nosniff` forbids it. In lessons/12_middleware/app.py, add a middleware that puts that
header on every response: routes, 404s, 422s, gzipped bodies, and the 400 that
TrustedHostMiddleware answers to a foreign host. The timing middleware must stay the
outermost layer.
"""

from fastapi.testclient import TestClient

from .. import app as lesson

HINT = (
    "Where you add it decides what it wraps: to see TrustedHost's 400 it must be added after "
    "TrustedHost, and to keep the timer outermost it must be added before the timing "
    "middleware (the one added last runs first)."
)

client = TestClient(lesson.app, base_url="http://api.example.com")


def test_every_kind_of_response_says_nosniff() -> None:
    """200, 404, 405 and 422 responses all carry X-Content-Type-Options: nosniff."""
    for method, url, status in [
        ("GET", "/hello", 200),
        ("GET", "/no-such-page", 404),
        ("POST", "/hello", 405),
        ("GET", "/text?size=-1", 422),
    ]:
        response = client.request(method, url)
        assert response.status_code == status
        assert response.headers.get("x-content-type-options") == "nosniff", (method, url)


def test_a_rejected_host_gets_the_header_too() -> None:
    """TrustedHost's 400 passes through the new layer: it is added outside TrustedHost."""
    response = client.get("/hello", headers={"host": "evil.test"})
    assert response.status_code == 400
    assert response.headers.get("x-content-type-options") == "nosniff"


def test_gzipped_and_streamed_bodies_keep_the_header() -> None:
    """Compression (innermost) and streaming do not lose the header."""
    for url in ("/text?size=5000", "/stream"):
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip", url
        assert response.headers.get("x-content-type-options") == "nosniff", url


def test_the_timing_middleware_is_still_outermost() -> None:
    """The app's middleware list starts with add_process_time, and has one layer more."""
    outermost = lesson.app.user_middleware[0]
    assert outermost.kwargs.get("dispatch") is lesson.add_process_time
    assert len(lesson.app.user_middleware) == 4, "add exactly one middleware"
