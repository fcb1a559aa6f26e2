"""Accept the ID under its other common name

Some proxies and clients send the ID as `X-Correlation-ID`. In
lessons/31_request_ids_and_logging/app.py, make the middleware use an incoming
`X-Correlation-ID` when there is no `X-Request-ID`, under the same rules (well-formed:
kept; malformed: replaced by a fresh uuid4). `X-Request-ID` wins when both arrive, and the
response still echoes the ID in `X-Request-ID`.
"""

import uuid

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "The middleware picks the incoming header with a `next(...)` over `scope['headers']` "
    "(names arrive in lower case). Look for the second name only when the first is absent; "
    "`choose_request_id` already applies the rules."
)

client = TestClient(app)


def test_a_correlation_id_is_used_when_there_is_no_request_id() -> None:
    """X-Correlation-ID: corr-7 alone → the response header and body carry corr-7."""
    response = client.get("/orders/1", headers={"X-Correlation-ID": "corr-7"})
    assert response.headers["X-Request-ID"] == "corr-7"
    assert response.json()["request_id"] == "corr-7"


def test_the_request_id_wins_over_a_correlation_id() -> None:
    """With both headers sent, X-Request-ID is the one kept."""
    both = {"X-Request-ID": "req-1", "X-Correlation-ID": "corr-1"}
    response = client.get("/orders/1", headers=both)
    assert response.headers["X-Request-ID"] == "req-1"
    assert response.json()["request_id"] == "req-1"


def test_a_malformed_correlation_id_is_replaced_too() -> None:
    """X-Correlation-ID with a space is replaced by a fresh uuid4, as X-Request-ID would be."""
    response = client.get("/orders/1", headers={"X-Correlation-ID": "two words"})
    echoed = response.headers["X-Request-ID"]
    assert uuid.UUID(echoed).version == 4
    assert response.json()["request_id"] == echoed
