"""Pass the request ID on to the next service

An ID is most useful when every service a request touches logs it. In
lessons/31_request_ids_and_logging/app.py, add a dependency `get_shipping_client()` that
yields an `httpx.AsyncClient` with base URL `http://shipping.internal`, and a route
`GET /orders/{order_id}/shipping` that calls `GET /quotes/{order_id}` with it, sending the
current request ID as `X-Request-ID`, and answers
`{"order_id": ..., "price": <the quote's "price">, "request_id": ...}`.
"""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from .. import app as lesson
from ..app import app

HINT = (
    "Write the dependency as an async generator (`async with httpx.AsyncClient(...) as "
    "client: yield client`) so the client is closed after the request. The ID is in "
    "`request_id_var`, set by the middleware before your route runs."
)

client = TestClient(app)


def shipping_service(seen: list[httpx.Request]) -> Callable[[], AsyncIterator[httpx.AsyncClient]]:
    """A stand-in for get_shipping_client: a client whose transport records each request."""

    def quote(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"price": 4.5, "currency": "EUR"})

    async def make_client() -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.MockTransport(quote)
        async with httpx.AsyncClient(transport=transport, base_url="http://shipping.internal") as c:
            yield c

    return make_client


@pytest.fixture
def seen() -> list[httpx.Request]:
    """The requests the fake shipping service received (the lesson's conftest clears overrides)."""
    dependency = getattr(lesson, "get_shipping_client", None)
    assert dependency is not None, "app.py has no get_shipping_client dependency yet"
    requests: list[httpx.Request] = []
    app.dependency_overrides[dependency] = shipping_service(requests)
    return requests


def test_the_incoming_id_is_sent_to_the_shipping_service(seen: list[httpx.Request]) -> None:
    """The quote request carries the caller's X-Request-ID, and the answer includes the price."""
    response = client.get("/orders/1/shipping", headers={"X-Request-ID": "ship-1"})
    assert response.status_code == 200, f"got {response.status_code}"
    assert response.json() == {"order_id": 1, "price": 4.5, "request_id": "ship-1"}
    assert [(r.method, r.url.path) for r in seen] == [("GET", "/quotes/1")]
    assert seen[0].headers["X-Request-ID"] == "ship-1"


def test_a_generated_id_is_the_one_sent_downstream(seen: list[httpx.Request]) -> None:
    """With no incoming ID, the shipping service gets the same generated ID the client sees."""
    response = client.get("/orders/2/shipping")
    echoed = response.headers["X-Request-ID"]
    assert seen[0].headers["X-Request-ID"] == echoed
    assert response.json()["request_id"] == echoed
    assert seen[0].url.path == "/quotes/2"
