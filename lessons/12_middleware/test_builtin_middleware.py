"""Lesson 12 claims: TrustedHostMiddleware, GZipMiddleware, hostile headers, a real server."""

import asyncio
from collections.abc import Mapping
from typing import Any, Protocol

import httpx
import pytest
import starlette
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import Message

from lessons.testkit import http_scope, parse_version, serve

from .app import app

client = TestClient(app, base_url="http://api.example.com")
STARLETTE_VERSION = parse_version(starlette.__version__)


def middleware_option(cls: object, option: str) -> Any:
    """Read a middleware's configured option from the app itself, not from a copy here."""
    for entry in app.user_middleware:
        if entry.cls is cls:
            return entry.kwargs[option]
    raise AssertionError(f"{cls!r} is not installed on the app")


ALLOWED_HOSTS: list[str] = middleware_option(TrustedHostMiddleware, "allowed_hosts")
GZIP_MINIMUM: int = middleware_option(GZipMiddleware, "minimum_size")


def host_is_allowed(host: str) -> bool:
    """The documented rule: an exact name, or any subdomain of a `*.domain` pattern."""
    return any(
        host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:]))
        for pattern in ALLOWED_HOSTS
    )


# --- TrustedHostMiddleware ------------------------------------------------------------------
label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
port = st.one_of(st.just(""), st.integers(min_value=1, max_value=65535).map(lambda p: f":{p}"))


@st.composite
def allowed_hosts(draw: st.DrawFn) -> str:
    """A host the app should accept: an exact name or a subdomain of a wildcard pattern."""
    pattern = draw(st.sampled_from(ALLOWED_HOSTS))
    if pattern.startswith("*."):
        labels = draw(st.lists(label, min_size=1, max_size=3))
        pattern = ".".join(labels) + pattern[1:]
    return pattern + draw(port)


foreign_hosts = (
    st.lists(label, min_size=1, max_size=4)
    .map(".".join)
    .filter(lambda host: not host_is_allowed(host))
)


@given(host=allowed_hosts())
def test_trusted_host_accepts_the_configured_hosts(host: str) -> None:
    """Every configured name, and any subdomain of a `*.` pattern, with any port, gets in."""
    response = client.get("/hello", headers={"host": host})
    assert response.status_code == 200, host


@given(host=foreign_hosts)
@example(host="example.com.attacker.test")
@example(host="notexample.com")
def test_trusted_host_rejects_foreign_hosts_with_400(host: str) -> None:
    """Any other Host gets 400 "Invalid host header" and never reaches a route."""
    response = client.get("/hello", headers={"host": host})
    assert response.status_code == 400, host
    assert response.text == "Invalid host header"


def test_host_names_match_case_insensitively_from_starlette_1_9() -> None:
    """An upper-case Host is accepted from Starlette 1.9 on, rejected (400) before it."""
    expected = 200 if STARLETTE_VERSION >= (1, 9) else 400
    for host in ("API.EXAMPLE.COM", "LocalHost"):
        response = client.get("/hello", headers={"host": host})
        assert response.status_code == expected, (host, starlette.__version__)


def test_malformed_host_port_is_ignored_by_starlette_0x_and_rejected_by_1_10() -> None:
    """`Host: api.example.com:notaport` passes on Starlette 0.46-0.52 and is a 400 on 1.10."""
    if (1, 0) <= STARLETTE_VERSION < (1, 10):
        pytest.skip(f"measured on Starlette 0.46-0.52 and 1.10; installed {starlette.__version__}")
    expected = 400 if STARLETTE_VERSION >= (1, 10) else 200
    response = client.get("/hello", headers={"host": "api.example.com:notaport"})
    assert response.status_code == expected, starlette.__version__


def call_asgi(headers: list[tuple[bytes, bytes]], path: str = "/hello") -> Message:
    """Send one raw request to the app (no client library to tidy the headers first)."""
    path, _, query = path.partition("?")
    scope = http_scope(
        path, query_string=query.encode(), headers=headers, server=("api.example.com", 80)
    )
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]


def test_request_without_host_header_is_rejected() -> None:
    """A request with no Host header at all (HTTP/1.0 style) gets 400."""
    assert call_asgi([])["status"] == 400


header_name = st.binary(min_size=1, max_size=16).map(bytes.lower)


@given(
    host=st.binary(max_size=40),
    extra=st.lists(st.tuples(header_name, st.binary(max_size=40)), max_size=4),
    accept_encoding=st.binary(max_size=30),
    path=st.sampled_from(["/hello", "/text?size=5000", "/stream", "/no-such-page"]),
)
@example(host=b"api.example.com:notaport", extra=[], accept_encoding=b"", path="/hello")
@example(host=b"[::1", extra=[], accept_encoding=b"gzip;q=oops", path="/hello")
@example(host=b"api.example.com\r\nX-Injected: 1", extra=[], accept_encoding=b"", path="/hello")
def test_hostile_headers_get_4xx_never_500(
    host: bytes, extra: list[tuple[bytes, bytes]], accept_encoding: bytes, path: str
) -> None:
    """Any bytes in Host, Accept-Encoding or other headers: 200, 400 or 404, never a 500."""
    headers = [(b"host", host), (b"accept-encoding", accept_encoding), *extra]
    status = call_asgi(headers, path)["status"]
    assert status < 500, (host, extra, accept_encoding)


# --- GZipMiddleware -------------------------------------------------------------------------
class TextResponse(Protocol):
    """What the tests read from a response (httpx or httpx2, depending on Starlette)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...


def fetch_text(size: int, accept_encoding: str = "gzip") -> TextResponse:
    """GET /text?size=N, saying which content encodings this client accepts."""
    return client.get("/text", params={"size": size}, headers={"accept-encoding": accept_encoding})


def test_gzip_starts_exactly_at_the_configured_minimum_size() -> None:
    """One byte below `minimum_size` is sent as is; at `minimum_size` it is gzipped."""
    below = fetch_text(GZIP_MINIMUM - 1)
    assert "content-encoding" not in below.headers
    assert below.headers["content-length"] == str(GZIP_MINIMUM - 1)
    at = fetch_text(GZIP_MINIMUM)
    assert at.headers["content-encoding"] == "gzip"
    assert int(at.headers["content-length"]) < GZIP_MINIMUM, "the wire carries fewer bytes"
    assert at.text == "a" * GZIP_MINIMUM, "the client decompresses to the original"
    assert at.headers["vary"] == "Accept-Encoding", "caches must key on Accept-Encoding"


@given(size=st.integers(min_value=0, max_value=3 * GZIP_MINIMUM))
def test_gzip_compresses_exactly_the_bodies_at_or_above_the_threshold(size: int) -> None:
    """For any body size: gzip ⇔ size ≥ minimum_size, and the content survives either way."""
    response = fetch_text(size)
    compressed = response.headers.get("content-encoding") == "gzip"
    assert compressed == (size >= GZIP_MINIMUM), size
    assert response.text == "a" * size


def test_gzip_needs_the_client_to_accept_it() -> None:
    """A client that does not send `Accept-Encoding: gzip` gets the plain body, however big."""
    response = fetch_text(10 * GZIP_MINIMUM, accept_encoding="identity")
    assert "content-encoding" not in response.headers
    assert response.headers["content-length"] == str(10 * GZIP_MINIMUM)


def test_gzip_compresses_a_stream_whatever_its_size() -> None:
    """The threshold applies to one-shot bodies: a streamed body is gzipped even when tiny."""
    response = client.get("/stream", headers={"accept-encoding": "gzip"})
    assert len(response.content) < GZIP_MINIMUM
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "chunk 0\nchunk 1\nchunk 2\n"


def test_gzip_skips_already_compressed_media_types_from_starlette_1_5() -> None:
    """event-streams are never gzipped; PNG images are skipped from Starlette 1.5 on."""
    variant = FastAPI()
    variant.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM)
    big = b"a" * (2 * GZIP_MINIMUM)

    @variant.get("/image")
    def image() -> Response:
        return Response(big, media_type="image/png")

    @variant.get("/events")
    def events() -> Response:
        return Response(big, media_type="text/event-stream")

    variant_client = TestClient(variant)
    png = variant_client.get("/image", headers={"accept-encoding": "gzip"})
    sse = variant_client.get("/events", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in sse.headers
    png_gzipped = png.headers.get("content-encoding") == "gzip"
    assert png_gzipped == (STARLETTE_VERSION < (1, 5)), starlette.__version__
    assert png.content == big


# --- A real server --------------------------------------------------------------------------
def test_real_uvicorn_serves_the_middleware_stack() -> None:
    """Under Uvicorn the README's command works: 127.0.0.1 is trusted, timed and gzipped."""
    with serve("lessons.12_middleware.app:app") as server:
        hello = httpx.get(f"{server.base_url}/hello")
        foreign = httpx.get(f"{server.base_url}/hello", headers={"host": "attacker.test"})
        text = httpx.get(
            f"{server.base_url}/text",
            params={"size": GZIP_MINIMUM},
            headers={"accept-encoding": "gzip"},
        )
    assert hello.status_code == 200
    assert float(hello.headers["x-process-time"]) >= 0
    assert foreign.status_code == 400
    assert text.headers["content-encoding"] == "gzip"
    assert text.text == "a" * GZIP_MINIMUM


@pytest.mark.parametrize(
    ("size", "status"), [(-1, 422), (0, 200), (1_000_000, 200), (1_000_001, 422)]
)
def test_text_size_is_bounded(size: int, status: int) -> None:
    """The demo route serves 0 to 1 000 000 bytes and refuses anything else with 422."""
    assert fetch_text(size, accept_encoding="identity").status_code == status


def test_the_app_gzips_from_1000_bytes_up() -> None:
    """The threshold the app chose: 999 bytes go as they are, 1000 are compressed."""
    assert "content-encoding" not in fetch_text(999).headers
    assert fetch_text(1000).headers["content-encoding"] == "gzip"
