"""Lesson 27 claims: TestClient and httpx.AsyncClient side by side on the same app.

Each topic has a pair of tests, the synchronous TestClient one first, then the async one.
"""

import asyncio
import re
import threading

import httpx
import pytest
from fastapi.testclient import TestClient

from .app import User, app, get_current_user, lifespan
from .support import BASE_URL, Overrides, temporary_overrides

# --- The same request, two clients --------------------------------------------------------


def test_testclient_sends_requests_without_a_server(client: TestClient) -> None:
    """TestClient calls the ASGI app in-process: no socket, no server, plain function calls."""
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.asyncio
async def test_async_client_sends_the_same_request_with_await(
    async_client: httpx.AsyncClient,
) -> None:
    """httpx.AsyncClient over ASGITransport gets the same answer; each call is awaited."""
    response = await async_client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --- Lifespan ------------------------------------------------------------------------------


def test_testclient_without_with_does_not_run_the_lifespan() -> None:
    """A TestClient not used as a context manager never runs startup: no store, 503."""
    client = TestClient(app)
    assert client.get("/health").status_code == 200, "routes needing nothing still work"
    response = client.get("/items/1")
    assert response.status_code == 503, "the lifespan never opened the store"
    assert response.json() == {"detail": "store not open: no lifespan"}


def test_testclient_as_context_manager_runs_startup_and_shutdown() -> None:
    """`with TestClient(app)` runs startup on entry and shutdown on exit."""
    assert not hasattr(app.state, "store")
    with TestClient(app) as client:
        assert hasattr(app.state, "store"), "startup ran on entering the block"
        assert client.get("/items/1").json() == {"id": 1, "name": "apple"}
    assert not hasattr(app.state, "store"), "shutdown ran on leaving the block"


@pytest.mark.asyncio
async def test_asgi_transport_alone_does_not_run_the_lifespan() -> None:
    """ASGITransport only sends HTTP requests: startup never runs, so the store is missing."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        response = await client.get("/items/1")
    assert response.status_code == 503
    assert not hasattr(app.state, "store")


@pytest.mark.asyncio
async def test_lifespan_context_runs_the_lifespan_around_async_requests() -> None:
    """`async with app.router.lifespan_context(app)` runs startup, then shutdown at the end."""
    async with app.router.lifespan_context(app):
        assert hasattr(app.state, "store"), "startup ran"
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            response = await client.get("/items/2")
        assert response.json() == {"id": 2, "name": "pear"}
    assert not hasattr(app.state, "store"), "shutdown ran"


@pytest.mark.asyncio
async def test_the_lifespan_itself_can_be_entered_without_any_client() -> None:
    """`@asynccontextmanager` makes `lifespan(app)` an async context manager a test enters."""
    async with lifespan(app):
        assert hasattr(app.state, "store"), "entering ran startup: the store is open"
    assert not hasattr(app.state, "store"), "leaving ran shutdown: the store is gone"


# --- Unhandled exceptions -----------------------------------------------------------------


def test_testclient_reraises_server_exceptions_by_default(client: TestClient) -> None:
    """By default the app's unhandled exception propagates into the test, traceback and all."""
    with pytest.raises(RuntimeError, match="boom: an unhandled bug"):
        client.get("/boom")


def test_raise_server_exceptions_false_returns_the_500_a_real_client_gets() -> None:
    """With raise_server_exceptions=False the test sees the bare 500 a real client would."""
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    assert "boom" not in response.text, "the exception text never reaches the client"


@pytest.mark.asyncio
async def test_asgi_transport_reraises_app_exceptions_by_default() -> None:
    """ASGITransport also re-raises the app's exception into the test by default."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        with pytest.raises(RuntimeError, match="boom: an unhandled bug"):
            await client.get("/boom")


@pytest.mark.asyncio
async def test_asgi_transport_raise_app_exceptions_false_returns_the_500() -> None:
    """ASGITransport(raise_app_exceptions=False) is the async twin of the TestClient flag."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"


# --- Cookies ------------------------------------------------------------------------------


def test_testclient_keeps_cookies_across_requests(client: TestClient) -> None:
    """The client's cookie jar stores Set-Cookie and sends it with every later request."""
    assert client.get("/me").status_code == 401
    assert client.post("/login", json={"username": "ada"}).status_code == 204
    assert "session" in client.cookies, "the jar kept the cookie from the login response"
    assert client.get("/me").json() == {"username": "ada"}
    assert client.get("/me").json() == {"username": "ada"}, "and keeps sending it"
    # The server still knows the session; only the other client's empty jar differs.
    assert TestClient(app, base_url=BASE_URL).get("/me").status_code == 401


@pytest.mark.asyncio
async def test_async_client_keeps_cookies_across_requests(
    async_client: httpx.AsyncClient,
) -> None:
    """httpx.AsyncClient has the same cookie jar: log in once, stay logged in."""
    assert (await async_client.get("/me")).status_code == 401
    login = await async_client.post("/login", json={"username": "grace"})
    assert login.status_code == 204
    assert (await async_client.get("/me")).json() == {"username": "grace"}


def test_secure_cookie_is_not_sent_back_over_plain_http() -> None:
    """A `Secure` cookie is stored but never sent to http://testserver (the default URL)."""
    with TestClient(app) as client:  # base_url defaults to http://testserver
        assert client.post("/login", json={"username": "ada"}).status_code == 204
        assert "session" in client.cookies, "the jar has the cookie..."
        assert client.get("/me").status_code == 401, "...but only sends it over https"


def test_per_request_cookies_are_deprecated_set_them_on_the_client(client: TestClient) -> None:
    """`client.get(..., cookies=...)` warns (DeprecationWarning); `client.cookies.set` does not."""
    client.post("/login", json={"username": "ada"})
    token = client.cookies["session"]
    client.cookies.clear()
    with pytest.warns(DeprecationWarning, match="per-request cookies"):
        client.get("/me", cookies={"session": token})
    client.cookies.set("session", token)
    assert client.get("/me").json() == {"username": "ada"}


def test_login_cookie_is_a_random_token_httponly_secure_and_lax(client: TestClient) -> None:
    """Set-Cookie: 16 random bytes (22 URL-safe characters), HttpOnly, Secure, SameSite=lax."""
    response = client.post("/login", json={"username": "ada"})
    token = client.cookies["session"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token), f"token_urlsafe(16) is 22 chars: {token!r}"
    assert response.headers["set-cookie"] == (
        f"session={token}; HttpOnly; Path=/; SameSite=lax; Secure"
    ), "HttpOnly: no page script reads it; Secure: https only; lax: not sent on cross-site POSTs"
    client.post("/login", json={"username": "ada"})
    assert client.cookies["session"] != token, "every login gets a fresh random token"


# --- Dependency overrides -----------------------------------------------------------------


def test_override_fixture_swaps_a_dependency_for_one_test(
    client: TestClient, overrides: Overrides
) -> None:
    """With get_current_user overridden, /me answers without any login."""
    overrides[get_current_user] = lambda: User(username="fake")
    assert client.get("/me").json() == {"username": "fake"}


def test_temporary_overrides_clears_even_when_the_test_fails() -> None:
    """The override helper behind the fixture empties the overrides after a failed assert."""

    def a_failing_test() -> None:
        with temporary_overrides(app) as overrides:
            overrides[get_current_user] = lambda: User(username="fake")
            assert app.dependency_overrides, "the override is installed..."
            raise AssertionError("...when the test fails here")

    with pytest.raises(AssertionError, match="when the test fails here"):
        a_failing_test()
    assert app.dependency_overrides == {}, "...and removed all the same"


def test_testclient_runs_the_app_in_another_thread_on_its_own_loop(
    client: TestClient, overrides: Overrides
) -> None:
    """TestClient runs the app in a portal thread with its own event loop, not the test's."""
    seen: list[threading.Thread] = []

    async def spy() -> User:  # async: it runs on the event loop that serves the app
        seen.append(threading.current_thread())
        return User(username="spy")

    overrides[get_current_user] = spy
    assert client.get("/me").status_code == 200
    (app_thread,) = seen
    assert app_thread is not threading.current_thread()


@pytest.mark.asyncio
async def test_async_client_runs_the_app_on_the_test_event_loop(
    async_client: httpx.AsyncClient, overrides: Overrides
) -> None:
    """With AsyncClient the app's async code runs on the test's own loop and thread."""
    seen: list[tuple[asyncio.AbstractEventLoop, threading.Thread]] = []

    async def spy() -> User:
        seen.append((asyncio.get_running_loop(), threading.current_thread()))
        return User(username="spy")

    overrides[get_current_user] = spy
    assert (await async_client.get("/me")).status_code == 200
    assert seen == [(asyncio.get_running_loop(), threading.current_thread())]


# --- Parametrised cases -------------------------------------------------------------------

# One table, two clients: each case carries an id, so a failure reads
# "test_item_lookup[sync-zero-is-below-minimum]" instead of "[0-422-None]".
ITEM_CASES = [
    pytest.param("1", 200, {"id": 1, "name": "apple"}, id="known-item"),
    pytest.param("2", 200, {"id": 2, "name": "pear"}, id="another-known-item"),
    pytest.param("3", 404, {"detail": "no such item"}, id="unknown-item"),
    pytest.param("0", 422, None, id="zero-is-below-minimum"),
    pytest.param("-5", 422, None, id="negative"),
    pytest.param("apple", 422, None, id="not-an-integer"),
    pytest.param("1.5", 422, None, id="fraction"),
    # Surprise: pydantic's lax mode accepts an integral float literal (lesson 02).
    pytest.param("1.0", 200, {"id": 1, "name": "apple"}, id="integral-float-literal"),
]


@pytest.mark.parametrize(("item_id", "status", "body"), ITEM_CASES)
def test_item_lookup_cases_with_testclient(
    client: TestClient, item_id: str, status: int, body: dict[str, object] | None
) -> None:
    """Each case of the table gives its status (and body) through TestClient."""
    response = client.get(f"/items/{item_id}")
    assert response.status_code == status
    if body is not None:
        assert response.json() == body
    else:
        assert response.json()["detail"][0]["loc"] == ["path", "item_id"]


@pytest.mark.parametrize(("item_id", "status", "body"), ITEM_CASES)
@pytest.mark.asyncio
async def test_item_lookup_cases_with_async_client(
    async_client: httpx.AsyncClient, item_id: str, status: int, body: dict[str, object] | None
) -> None:
    """The same table through httpx.AsyncClient gives the same answers."""
    response = await async_client.get(f"/items/{item_id}")
    assert response.status_code == status
    if body is not None:
        assert response.json() == body
    else:
        assert response.json()["detail"][0]["loc"] == ["path", "item_id"]


# The login's username rule, edges included: 1 to 40 characters of a-z, 0-9 and _.
LOGIN_CASES = [
    pytest.param("", 422, "string_too_short", id="empty"),
    pytest.param("a", 204, None, id="one-character"),
    pytest.param("a" * 40, 204, None, id="forty-characters"),
    pytest.param("a" * 41, 422, "string_too_long", id="forty-one-characters"),
    pytest.param("Ada", 422, "string_pattern_mismatch", id="upper-case"),
    pytest.param("ada lovelace", 422, "string_pattern_mismatch", id="space"),
]


@pytest.mark.parametrize(("username", "status", "error"), LOGIN_CASES)
def test_login_username_cases(
    client: TestClient, username: str, status: int, error: str | None
) -> None:
    """A username of 1 to 40 of a-z, 0-9, _ logs in (204); else 422 naming the broken rule."""
    response = client.post("/login", json={"username": username})
    assert response.status_code == status, f"username={username!r}"
    if error is not None:
        (problem,) = response.json()["detail"]
        assert (problem["loc"], problem["type"]) == (["body", "username"], error)
