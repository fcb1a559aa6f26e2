"""Lesson 27 claim: the errors a route raises on purpose are the errors its schema documents.

A test suite can hold the docs to the code: every status below is both answered by the app
and declared in /openapi.json, with the `Problem` body it promises.
"""

import pytest
from fastapi.testclient import TestClient

from .app import Problem, app
from .support import BASE_URL

OPERATIONS = app.openapi()["paths"]


@pytest.mark.parametrize(
    ("method", "path", "route", "status", "detail", "with_lifespan"),
    [
        pytest.param("get", "/items/99", "/items/{item_id}", 404, "no such item", True, id="404"),
        pytest.param("get", "/me", "/me", 401, "not logged in", True, id="401"),
        pytest.param(
            "get",
            "/items/1",
            "/items/{item_id}",
            503,
            "store not open: no lifespan",
            False,
            id="503-items",
        ),
        pytest.param("get", "/me", "/me", 503, "store not open: no lifespan", False, id="503-me"),
    ],
)
def test_every_error_a_route_answers_is_documented(
    method: str, path: str, route: str, status: int, detail: str, with_lifespan: bool
) -> None:
    """The route answers this status with a Problem body, and its schema declares it."""
    client = TestClient(app, base_url=BASE_URL)
    if with_lifespan:
        with client:
            response = client.request(method, path)
    else:
        response = client.request(method, path)
    assert response.status_code == status
    assert Problem.model_validate(response.json()) == Problem(detail=detail)
    documented = OPERATIONS[route][method]["responses"][str(status)]
    assert documented["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


def test_each_route_declares_its_statuses_and_no_others() -> None:
    """Each route lists its success, FastAPI's 422, and only the errors it raises itself."""
    assert set(OPERATIONS["/login"]["post"]["responses"]) == {"204", "422", "503"}
    assert set(OPERATIONS["/items/{item_id}"]["get"]["responses"]) == {"200", "404", "422", "503"}
    # FastAPI documents a 422 for any route with parameters, the optional cookie included.
    assert set(OPERATIONS["/me"]["get"]["responses"]) == {"200", "401", "422", "503"}
