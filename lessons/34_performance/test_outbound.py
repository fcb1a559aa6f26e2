"""Lesson 34 claims: outbound calls have a timeout, and upstream trouble maps to 502/503/504.

In process, the upstream is an `httpx.MockTransport`; no test here touches the network.
test_served.py runs the same endpoints against a real, silent local upstream
(measure.HangingUpstream), whose own behaviour the last two tests check.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from .app import UPSTREAM_URL_ENV, Upstream, app, get_upstream
from .measure import HangingUpstream

client = TestClient(app)

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def clean_app() -> Iterator[None]:
    """Undo overrides, and forget any upstream clients a lifespan left on app.state."""
    yield
    app.dependency_overrides.clear()
    app.state.upstream = None


def use_upstream(handler: Handler) -> list[str]:
    """Answer outbound calls with `handler`; returns "<client> <path>" for every call made."""
    calls: list[str] = []

    def mock_client(name: str) -> httpx.AsyncClient:
        def recording(request: httpx.Request) -> httpx.Response:
            calls.append(f"{name} {request.url.path}")
            return handler(request)

        transport = httpx.MockTransport(recording)
        return httpx.AsyncClient(transport=transport, base_url="http://upstream.test")

    async def override() -> AsyncIterator[Upstream]:
        async with mock_client("bounded") as bounded, mock_client("unbounded") as unbounded:
            yield Upstream(bounded=bounded, unbounded=unbounded)

    app.dependency_overrides[get_upstream] = override
    return calls


def quote(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"symbol": "ACME", "price_cents": 12345})


def test_a_price_comes_from_the_upstream_through_the_bounded_client() -> None:
    """GET /prices/ACME asks the upstream's /quotes/ACME with the client that has a timeout."""
    calls = use_upstream(quote)
    response = client.get("/prices/ACME")
    assert response.status_code == 200
    assert response.json() == {"symbol": "ACME", "price_cents": 12345}
    assert calls == ["bounded /quotes/ACME"]


def test_the_no_timeout_endpoint_uses_the_unbounded_client() -> None:
    """GET /prices/ACME/no-timeout makes the same call with the client that never times out."""
    calls = use_upstream(quote)
    response = client.get("/prices/ACME/no-timeout")
    assert response.status_code == 200
    assert response.json() == {"symbol": "ACME", "price_cents": 12345}
    assert calls == ["unbounded /quotes/ACME"]


@pytest.mark.parametrize(
    ("failure", "status", "detail"),
    [
        (httpx.ReadTimeout, 504, "Upstream timed out"),
        (httpx.ConnectTimeout, 504, "Upstream timed out"),
        (httpx.PoolTimeout, 504, "Upstream timed out"),
        (httpx.ConnectError, 502, "Upstream unreachable"),
        (httpx.ReadError, 502, "Upstream unreachable"),
    ],
)
def test_upstream_timeouts_are_504_and_connection_failures_502(
    failure: type[httpx.RequestError], status: int, detail: str
) -> None:
    """Any timeout → 504 Gateway Timeout; a connection that fails otherwise → 502."""

    def failing(request: httpx.Request) -> httpx.Response:
        raise failure("upstream trouble", request=request)

    use_upstream(failing)
    response = client.get("/prices/ACME")
    assert response.status_code == status
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("upstream_status", "body", "detail"),
    [
        (500, b"boom", "Upstream error"),
        (404, b'{"error": "unknown symbol"}', "Upstream error"),
        (200, b'{"symbol": "ACME"}', "Upstream sent an invalid quote"),
        (200, b"not json", "Upstream sent an invalid quote"),
    ],
)
def test_a_bad_upstream_answer_is_502_never_500(
    upstream_status: int, body: bytes, detail: str
) -> None:
    """An upstream error status or an invalid body → 502 with a clear detail, not a crash."""
    use_upstream(lambda request: httpx.Response(upstream_status, content=body))
    response = client.get("/prices/ACME")
    assert response.status_code == 502
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize("symbol", ["acme", "TOOLONG", "A1", "A-B"])
def test_a_symbol_outside_the_pattern_is_422_and_never_sent_upstream(symbol: str) -> None:
    """Symbols are 1-5 capital letters: anything else is 422 before any outbound call."""
    calls = use_upstream(quote)
    response = client.get(f"/prices/{symbol}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "symbol"]
    assert calls == []


def test_without_an_upstream_url_prices_are_503(monkeypatch: pytest.MonkeyPatch) -> None:
    """No LESSON34_UPSTREAM_URL: both price endpoints answer 503 naming the setting."""
    monkeypatch.delenv(UPSTREAM_URL_ENV, raising=False)
    detail = {"detail": f"No upstream configured: set {UPSTREAM_URL_ENV}"}
    with TestClient(app) as running:
        for path in ("/prices/ACME", "/prices/ACME/no-timeout"):
            response = running.get(path)
            assert response.status_code == 503, path
            assert response.json() == detail, path


def test_before_the_lifespan_has_run_prices_are_503(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that skipped the lifespan (app.state has no upstream at all) also gets 503."""
    monkeypatch.delattr(app.state, "upstream", raising=False)
    response = client.get("/prices/ACME")
    assert response.status_code == 503
    assert response.json() == {"detail": f"No upstream configured: set {UPSTREAM_URL_ENV}"}


def test_the_lifespan_opens_one_bounded_and_one_unbounded_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With an upstream URL, the lifespan opens both clients (0.3 s; no timeout) and closes them."""
    monkeypatch.setenv(UPSTREAM_URL_ENV, "http://upstream.test:8001")
    with TestClient(app):
        upstream: Upstream = app.state.upstream
        assert upstream.bounded.base_url == "http://upstream.test:8001"
        assert upstream.unbounded.base_url == "http://upstream.test:8001"
        # The bounded client gives up after 0.3 s in every phase ...
        assert upstream.bounded.timeout == httpx.Timeout(0.3)
        # ... the unbounded one never does: connect, write, read and pool are all None.
        assert set(upstream.unbounded.timeout.as_dict().values()) == {None}
    assert upstream.bounded.is_closed
    assert upstream.unbounded.is_closed


def test_httpx_waits_five_seconds_per_phase_unless_told_otherwise() -> None:
    """httpx's default timeout is 5 s per phase (connect, read, write, pool), not "none"."""
    with httpx.Client() as default_client:
        assert default_client.timeout.as_dict() == {
            "connect": 5.0,
            "read": 5.0,
            "write": 5.0,
            "pool": 5.0,
        }


@pytest.mark.asyncio
async def test_the_silent_upstream_holds_a_client_until_it_hangs_up() -> None:
    """measure.HangingUpstream: a client connects and waits, unanswered, until release()."""
    upstream = HangingUpstream()
    try:
        async with httpx.AsyncClient(base_url=upstream.url, timeout=None) as waiting:
            call = asyncio.create_task(waiting.get("/quotes/ACME"))
            await asyncio.to_thread(upstream.hold_next, 30.0)  # it has connected
            assert not call.done(), "the upstream answered; it should stay silent"
            assert upstream.release() == 1
            with pytest.raises(httpx.TransportError):  # reset or closed: no response, ever
                await call
    finally:
        upstream.close()


def test_waiting_for_a_client_that_never_comes_is_a_timeout_error() -> None:
    """hold_next gives up after its timeout with TimeoutError instead of blocking forever."""
    upstream = HangingUpstream()
    try:
        with pytest.raises(TimeoutError, match="no client connected to the upstream within 0s"):
            upstream.hold_next(0)
        assert upstream.release() == 0
    finally:
        upstream.close()
