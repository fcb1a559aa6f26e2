"""Lesson 34 claims: the OpenAPI document states every status a route answers, and the bounds.

The literal values here are the documented ones (README, docstrings): a changed bound or a
forgotten `responses=` entry is a changed contract for every client, so it must fail a test.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .app import app, counters

client = TestClient(app)
OPENAPI = app.openapi()

OK = {"200": "Successful Response"}
INVALID = {"422": "Validation Error"}
GATEWAY = {
    "502": "The upstream failed or answered nonsense",
    "503": "No upstream is configured",
}


@pytest.mark.parametrize(
    ("method", "path", "documented"),
    [
        ("get", "/stats", OK),
        ("get", "/work/blocking-in-async", OK),
        ("get", "/work/blocking-in-def", OK),
        ("get", "/work/async-io", OK),
        ("get", "/reports/{report_id}", OK | INVALID),
        ("get", "/reports/{report_id}/uncached", OK | INVALID),
        ("post", "/orders/import", OK | INVALID | {"413": "The body is over the size limit"}),
        ("get", "/prices/{symbol}", OK | INVALID | GATEWAY | {"504": "Upstream too slow"}),
        ("get", "/prices/{symbol}/no-timeout", OK | INVALID | GATEWAY),
    ],
)
def test_each_route_documents_exactly_the_statuses_it_answers(
    method: str, path: str, documented: dict[str, str]
) -> None:
    """OpenAPI lists each route's statuses, no more, no fewer; errors have an ErrorBody."""
    responses: dict[str, Any] = OPENAPI["paths"][path][method]["responses"]
    described = {status: response["description"] for status, response in responses.items()}
    assert described == documented, f"{method.upper()} {path}"
    for status in documented.keys() - {"200", "422"}:
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}, status


def test_an_order_line_documents_its_bounds() -> None:
    """OpenAPI: `sku` is 1 to 32 characters, `quantity` 1 to 1000."""
    properties = OPENAPI["components"]["schemas"]["OrderLine"]["properties"]
    sku, quantity = properties["sku"], properties["quantity"]
    assert (sku["minLength"], sku["maxLength"]) == (1, 32)
    assert (quantity["minimum"], quantity["maximum"]) == (1, 1000)


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ({"sku": "A", "quantity": 1}, 200),
        ({"sku": "A" * 32, "quantity": 1000}, 200),
        ({"sku": "", "quantity": 1}, 422),
        ({"sku": "A" * 33, "quantity": 1}, 422),
        ({"sku": "A", "quantity": 0}, 422),
        ({"sku": "A", "quantity": 1001}, 422),
    ],
)
def test_order_lines_are_accepted_exactly_within_their_bounds(
    line: dict[str, object], status: int
) -> None:
    """The bounds themselves are imported; one character or one unit past them is 422."""
    before = counters.imports_handled
    response = client.post("/orders/import", json=[line])
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json() == {"lines": 1}
    else:
        [error] = response.json()["detail"]
        assert error["loc"][:2] == ["body", 0], error
        assert counters.imports_handled == before, "an invalid line reached the handler"
