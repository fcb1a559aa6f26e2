"""Lesson 09 claims: outbound calls go through an injected httpx.AsyncClient; failures map to 5xx.

No test here touches the network: the client is replaced with one on `httpx.MockTransport`,
or pointed at a local port that refuses connections.
"""

import json
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Any

import anyio
import httpx
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

from .app import UPSTREAM_TIMEOUT, UPSTREAM_URL, app, get_http_client, lifespan

client = TestClient(app)

Upstream = Callable[[httpx.Request], httpx.Response]


def use_client(make_client: Callable[[], httpx.AsyncClient]) -> None:
    """Make every request's `get_http_client` yield a fresh client from `make_client`."""

    async def override() -> AsyncIterator[httpx.AsyncClient]:
        async with make_client() as http_client:  # closed when the request is done
            yield http_client

    app.dependency_overrides[get_http_client] = override


def use_upstream(upstream: Upstream) -> list[httpx.Request]:
    """Answer outbound calls with `upstream`; returns the list of requests it received."""
    received: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return upstream(request)

    use_client(
        lambda: httpx.AsyncClient(
            transport=httpx.MockTransport(recording), base_url="http://upstream.test"
        )
    )
    return received


@pytest.fixture(autouse=True)
def clear_overrides() -> Iterator[None]:
    yield
    app.dependency_overrides.clear()


def test_outbound_call_goes_through_the_injected_client() -> None:
    """The handler calls the upstream with the injected client and returns its validated data."""
    received = use_upstream(lambda request: httpx.Response(200, json={"id": 7, "name": "Ada"}))
    response = client.get("/profiles/7")
    assert response.status_code == 200
    assert response.json() == {"id": 7, "name": "Ada"}
    assert [(r.method, r.url.path) for r in received] == [("GET", "/users/7")]


@pytest.mark.parametrize(
    "timeout", [httpx.ConnectTimeout, httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout]
)
def test_upstream_timeout_becomes_504(timeout: type[httpx.TimeoutException]) -> None:
    """Any kind of upstream timeout → 504 Gateway Timeout."""

    def too_slow(request: httpx.Request) -> httpx.Response:
        raise timeout("upstream too slow", request=request)

    use_upstream(too_slow)
    response = client.get("/profiles/1")
    assert response.status_code == 504
    assert response.json() == {"detail": "Upstream timed out"}


def test_upstream_connection_error_becomes_502() -> None:
    """An upstream that cannot be reached (connection error) → 502 Bad Gateway."""

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    use_upstream(unreachable)
    response = client.get("/profiles/1")
    assert response.status_code == 502
    assert response.json() == {"detail": "Upstream unreachable"}


def test_refused_connection_on_a_real_socket_becomes_502() -> None:
    """A real client against a local port nobody listens on (no internet needed) → 502."""
    with socket.socket() as closed:
        # Bound but not listening: the port is ours (no one else can take it) and every
        # connection to it is refused by the kernel.
        closed.bind(("127.0.0.1", 0))
        host, port = closed.getsockname()
        # trust_env=False: ignore any HTTP_PROXY setting, so the call really goes to that port.
        use_client(lambda: httpx.AsyncClient(base_url=f"http://{host}:{port}", trust_env=False))
        response = client.get("/profiles/1")
    assert response.status_code == 502
    assert response.json() == {"detail": "Upstream unreachable"}


@pytest.mark.parametrize("status", [500, 502, 503])
def test_upstream_server_error_becomes_502(status: int) -> None:
    """An upstream 5xx → 502: the failure is the upstream's, reported as a gateway error."""
    use_upstream(lambda request: httpx.Response(status, text="boom"))
    response = client.get("/profiles/1")
    assert response.status_code == 502
    assert response.json() == {"detail": "Upstream error"}


def test_upstream_not_found_becomes_404() -> None:
    """An upstream 404 is a meaningful answer for our client: the user does not exist."""
    use_upstream(lambda request: httpx.Response(404, json={"error": "no such user"}))
    response = client.get("/profiles/99")
    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}


def test_upstream_invalid_body_becomes_502() -> None:
    """A 200 whose body is not the expected shape → 502, never a 500 or a pass-through."""
    use_upstream(lambda request: httpx.Response(200, json={"id": "seven"}))
    response = client.get("/profiles/7")
    assert response.status_code == 502
    assert response.json() == {"detail": "Upstream sent an invalid body"}


def test_lifespan_owns_one_shared_client_with_a_timeout() -> None:
    """The lifespan opens one AsyncClient with an explicit timeout and closes it at shutdown."""
    with TestClient(app):
        shared = app.state.http_client
        assert isinstance(shared, httpx.AsyncClient)
        assert shared.timeout == UPSTREAM_TIMEOUT
        phases = shared.timeout.as_dict()  # connect, read, write, pool
        unlimited = [phase for phase, seconds in phases.items() if seconds is None]
        assert not unlimited, f"no timeout for {unlimited}: a hung upstream would hang us"
        assert phases == dict.fromkeys(("connect", "read", "write", "pool"), 2.0), (
            f"each phase should stop at 2 seconds, got {phases}"
        )
        assert not shared.is_closed
    assert shared.is_closed, "the lifespan did not close the client at shutdown"


@pytest.mark.asyncio
async def test_the_lifespan_is_an_async_context_manager_on_its_own() -> None:
    """`lifespan(app)` is an async context manager: alone, it opens, then closes, the client."""
    async with lifespan(app):  # no server, no TestClient: what FastAPI does at startup
        shared = app.state.http_client
        assert isinstance(shared, httpx.AsyncClient)
        assert not shared.is_closed
    assert shared.is_closed, "leaving the lifespan closes the shared client"


def test_without_an_override_every_request_uses_the_shared_client() -> None:
    """get_http_client hands each request the one client the lifespan put on app.state."""
    sent: list[httpx.Request] = []

    def reply(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            200, json={"id": int(request.url.path.rsplit("/", 1)[-1]), "name": "Ada"}
        )

    fake = httpx.AsyncClient(transport=httpx.MockTransport(reply), base_url=UPSTREAM_URL)
    with TestClient(app) as started:
        shared = app.state.http_client
        app.state.http_client = fake  # stand in for the shared client, no network
        try:
            answers = [started.get(f"/profiles/{user_id}") for user_id in (1, 2)]
        finally:
            app.state.http_client = shared
    anyio.run(fake.aclose)
    assert [answer.json() for answer in answers] == [
        {"id": 1, "name": "Ada"},
        {"id": 2, "name": "Ada"},
    ]
    assert [str(request.url) for request in sent] == [
        f"{UPSTREAM_URL}/users/1",
        f"{UPSTREAM_URL}/users/2",
    ], "both requests should have gone through the one shared client"


class UserShape(TypedDict):
    """The oracle: what a valid upstream user looks like, independent of the app's model."""

    id: int
    name: str


user_oracle = TypeAdapter(UserShape)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)
upstream_bodies = st.one_of(
    st.fixed_dictionaries({"id": st.integers(), "name": st.text()}).map(json.dumps),
    st.fixed_dictionaries({"id": json_values, "name": json_values}).map(json.dumps),
    json_values.map(json.dumps),
    st.binary(max_size=40),
).map(lambda body: body.encode() if isinstance(body, str) else body)


@given(status=st.integers(min_value=200, max_value=599), body=upstream_bodies)
def test_any_upstream_answer_maps_to_a_clear_status_never_500(status: int, body: bytes) -> None:
    """Hypothesis: whatever the upstream answers, we return 200, 404 or 502, as the oracle says."""
    use_upstream(lambda request: httpx.Response(status, content=body))
    try:
        response = client.get("/profiles/1")
    finally:
        app.dependency_overrides.clear()
    if status == 404:
        assert response.status_code == 404
        return
    try:
        expected = user_oracle.validate_json(body) if status == 200 else None
    except ValidationError:
        expected = None
    if expected is None:
        assert response.status_code == 502, response.text
    else:
        assert response.status_code == 200, response.text
        assert response.json() == expected


def test_unguarded_outbound_call_turns_an_upstream_failure_into_a_500() -> None:
    """Without the mapping (`return response.json()`), an upstream failure becomes our 500."""
    naive = FastAPI()

    @naive.get("/profiles/{user_id}")
    async def naive_profile(
        user_id: int, http: Annotated[httpx.AsyncClient, Depends(get_http_client)]
    ) -> Any:
        response = await http.get(f"/users/{user_id}")
        return response.json()  # trusts the upstream: no timeout, status or body handling

    use_upstream(lambda request: httpx.Response(503, text="<html>maintenance</html>"))
    naive.dependency_overrides = dict(app.dependency_overrides)  # the same fake upstream
    response = TestClient(naive, raise_server_exceptions=False).get("/profiles/1")
    assert response.status_code == 500, "the naive handler did not fail as a 500"
    assert client.get("/profiles/1").status_code == 502, "the lesson's handler maps it to 502"


HTTP_ERROR = {"$ref": "#/components/schemas/HTTPError"}


def test_the_profile_route_documents_each_gateway_error() -> None:
    """OpenAPI lists 404, 502 and 504 for /profiles/{user_id}, described, with an HTTPError body."""
    responses = app.openapi()["paths"]["/profiles/{user_id}"]["get"]["responses"]
    assert sorted(responses) == ["200", "404", "422", "502", "504"], "documented statuses"
    errors = {
        status: (responses[status]["description"], responses[status]["content"])
        for status in ("404", "502", "504")
    }
    assert errors == {
        "404": ("The upstream has no such user", {"application/json": {"schema": HTTP_ERROR}}),
        "502": (
            "The upstream failed or sent a bad answer",
            {"application/json": {"schema": HTTP_ERROR}},
        ),
        "504": ("The upstream timed out", {"application/json": {"schema": HTTP_ERROR}}),
    }
