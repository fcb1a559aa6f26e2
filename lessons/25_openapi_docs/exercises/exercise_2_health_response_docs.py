"""Document what /health answers

`GET /health` publishes FastAPI's default "Successful Response" and no example. In
lessons/25_openapi_docs/app.py give its 200 the description "The service is up" and the
example `{"status": "ok"}`, and document the operation with a docstring that becomes its
description. Then review the schema change and accept it with
`UPDATE_SNAPSHOTS=1 pytest lessons/25_openapi_docs`.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Look at how GET /orders/{order_id} does it: `response_description=` for the text, and "
    "`responses={200: {...}}` with an `example` under its application/json content."
)

client = TestClient(app)


def test_health_200_has_its_own_description_and_example() -> None:
    """The 200 of GET /health is described as "The service is up", with an example body."""
    ok = client.get("/openapi.json").json()["paths"]["/health"]["get"]["responses"]["200"]
    assert ok["description"] == "The service is up"
    assert ok["content"]["application/json"]["example"] == {"status": "ok"}


def test_health_example_is_what_the_endpoint_answers() -> None:
    """The documented example is exactly the real body: examples must not lie."""
    ok = client.get("/openapi.json").json()["paths"]["/health"]["get"]["responses"]["200"]
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == ok["content"]["application/json"]["example"]


def test_health_operation_has_a_description() -> None:
    """The endpoint's docstring is published as the operation's description."""
    operation = client.get("/openapi.json").json()["paths"]["/health"]["get"]
    assert operation.get("description"), "give health() a docstring"
