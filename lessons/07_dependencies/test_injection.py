"""Lesson 07 claims: Depends injects functions and classes, their parameters become the
route's parameters (validated, in OpenAPI), and app/router dependencies guard routes.

The Hypothesis tests read the bounds from the app's own OpenAPI schema: edit a constraint
in app.py and they test the new edge.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from . import app as lesson
from .app import DEMO_API_KEY, ITEMS, app

client = TestClient(app)
OPENAPI: dict[str, Any] = client.get("/openapi.json").json()


@pytest.fixture(autouse=True)
def fresh_observations() -> Iterator[None]:
    lesson.reset_observations()
    yield
    lesson.reset_observations()


def query_parameter(path: str, name: str) -> dict[str, Any]:
    """The OpenAPI entry of one query parameter of GET `path`."""
    for parameter in OPENAPI["paths"][path]["get"]["parameters"]:
        if parameter["in"] == "query" and parameter["name"] == name:
            found: dict[str, Any] = parameter
            return found
    raise KeyError(f"GET {path} has no query parameter {name!r}")


def string_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """`str | None` is published as anyOf[{string}, {null}]: keep the string branch."""
    branches: list[dict[str, Any]] = [
        b for b in schema.get("anyOf", [schema]) if b["type"] != "null"
    ]
    return branches[0]


OFFSET = query_parameter("/items", "offset")["schema"]
LIMIT = query_parameter("/items", "limit")["schema"]
SEARCH = string_branch(query_parameter("/items", "q")["schema"])

# Every operation of the admin router, as the app itself publishes them.
ADMIN_ROUTES = [
    (method.upper(), path)
    for path, operations in OPENAPI["paths"].items()
    if path.startswith("/admin/")
    for method in operations
]


def test_function_dependency_receives_a_query_parameter() -> None:
    """A function dependency's own parameter (`q`) is read from the query string."""
    response = client.get("/items", params={"q": "item-00"})
    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "item-00"
    assert body["items"] == [item for item in ITEMS if "item-00" in item][:10]


def test_class_dependency_is_built_from_query_parameters() -> None:
    """`Depends()` on a class annotation calls the class: __init__'s parameters are the query."""
    response = client.get("/items", params={"offset": 5, "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["dependency_type"] == "Pagination", "the handler received a Pagination instance"
    assert (body["offset"], body["limit"]) == (5, 3)
    assert body["items"] == ITEMS[5:8]


def test_dependency_defaults_apply_when_parameters_are_absent() -> None:
    """Without query parameters the dependencies' defaults apply (q=None, offset 0, limit 10)."""
    body = client.get("/items").json()
    assert (body["q"], body["offset"], body["limit"]) == (None, 0, 10)
    assert body["items"] == ITEMS[:10]


def test_dependency_parameters_are_published_in_openapi() -> None:
    """The route's OpenAPI lists its dependencies' parameters, constraints included."""
    names = {p["name"] for p in OPENAPI["paths"]["/items"]["get"]["parameters"]}
    assert names == {"q", "offset", "limit"}, "the handler declares none itself: all come from deps"
    assert OFFSET["minimum"] == 0
    assert (LIMIT["minimum"], LIMIT["maximum"]) == (1, 50)
    assert SEARCH["maxLength"] == 20
    # A router-level dependency's header is documented on every route of the router.
    for method, path in ADMIN_ROUTES:
        parameters = OPENAPI["paths"][path][method.lower()]["parameters"]
        headers = [p["name"] for p in parameters if p["in"] == "header"]
        assert headers == ["x-api-key"], f"{method} {path} documents the guard's header"


def test_dependency_parameters_are_validated_like_route_parameters() -> None:
    """An invalid dependency parameter is a 422 pointing at the query, before the handler runs."""
    response = client.get("/items", params={"limit": 0, "offset": -1})
    assert response.status_code == 422
    locations = sorted(tuple(error["loc"]) for error in response.json()["detail"])
    assert locations == [("query", "limit"), ("query", "offset")], "both errors, reported together"


# The strategies straddle the published edges, so they follow any edit to the constraints.
@given(
    offset=st.integers(OFFSET["minimum"] - 5, len(ITEMS) + 10),
    limit=st.integers(LIMIT["minimum"] - 5, LIMIT["maximum"] + 5),
)
def test_pagination_accepts_exactly_the_bounds_in_openapi(offset: int, limit: int) -> None:
    """For any offset/limit: 200 ⇔ inside the published bounds, and the page is that slice."""
    inside = offset >= OFFSET["minimum"] and LIMIT["minimum"] <= limit <= LIMIT["maximum"]
    response = client.get("/items", params={"offset": offset, "limit": limit})
    assert response.status_code == (200 if inside else 422), (offset, limit)
    if inside:
        assert response.json()["items"] == ITEMS[offset : offset + limit]


@given(q=st.text(max_size=2 * SEARCH["maxLength"]))
def test_search_length_limit_matches_openapi(q: str) -> None:
    """For any search text: 200 ⇔ its length is within the published maxLength, echoed intact."""
    response = client.get("/items", params={"q": q})
    assert response.status_code == (200 if len(q) <= SEARCH["maxLength"] else 422), repr(q)
    if response.status_code == 200:
        assert response.json()["q"] == q


def test_app_level_dependency_runs_for_every_route() -> None:
    """FastAPI(dependencies=[...]) runs once per request on every route, even rejected ones."""
    requests = [
        ("GET", "/items"),
        ("GET", "/connections/shared"),
        ("GET", "/lifecycle"),
        ("GET", "/admin/stats"),  # rejected by the router's dependency: still counted
    ]
    for method, path in requests:
        client.request(method, path)
    assert lesson.CALLS["count_every_request"] == len(requests)


def test_app_level_dependency_does_not_run_without_a_matching_route() -> None:
    """A 404 and the docs routes run no app-level dependency: they are not API routes."""
    assert client.get("/no-such-route").status_code == 404
    assert client.get("/openapi.json").status_code == 200
    assert lesson.CALLS["count_every_request"] == 0, "use middleware for truly every request"


def test_the_admin_router_has_routes_to_guard() -> None:
    """The parametrised guard test below has cases: the admin router publishes its routes."""
    assert {("GET", "/admin/stats"), ("POST", "/admin/reindex")} <= set(ADMIN_ROUTES)


def admin_handler_runs() -> dict[str, int]:
    """How often each admin handler ran, from the counters the handlers keep."""
    return {name: count for name, count in lesson.CALLS.items() if name.startswith("admin_")}


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_router_dependency_guards_every_route_of_the_router(method: str, path: str) -> None:
    """APIRouter(dependencies=[...]) applies to each of its routes: no key 401, right key 2xx."""
    assert client.request(method, path).status_code == 401
    wrong = client.request(method, path, headers={"X-API-Key": "guess"})
    assert wrong.status_code == 401
    assert admin_handler_runs() == {}, "a rejected request runs no handler"
    right = client.request(method, path, headers={"X-API-Key": DEMO_API_KEY})
    assert right.status_code == 200
    assert lesson.CALLS["require_api_key"] == 3, "the guard ran for each of the three requests"
    assert list(admin_handler_runs().values()) == [1], "the accepted request ran its handler once"


def test_error_responses_are_documented_in_openapi() -> None:
    """The 401 of the admin guard and the 404 of /lifecycle are in OpenAPI, as HTTPError."""
    http_error = {"$ref": "#/components/schemas/HTTPError"}
    for method, path in ADMIN_ROUTES:
        responses = OPENAPI["paths"][path][method.lower()]["responses"]
        assert set(responses) == {"200", "401", "422"}, f"{method} {path} documents the 401"
        assert responses["401"]["content"]["application/json"]["schema"] == http_error
    lifecycle = OPENAPI["paths"]["/lifecycle"]["get"]["responses"]
    assert set(lifecycle) == {"200", "404", "422"}, "outcome=not_found answers 404"
    assert lifecycle["404"]["content"]["application/json"]["schema"] == http_error
    assert OPENAPI["components"]["schemas"]["HTTPError"]["required"] == ["detail"]


def test_failing_dependency_short_circuits_the_handler() -> None:
    """A dependency raising HTTPException ends the request: the handler never runs."""
    response = client.get("/admin/stats", headers={"X-API-Key": "guess"})
    assert response.status_code == 401
    assert response.json() == {"detail": "missing or wrong X-API-Key"}
    assert lesson.CALLS["require_api_key"] == 1, "the guard ran"
    assert lesson.CALLS["admin_stats"] == 0, "the handler did not"

    stats = client.get("/admin/stats", headers={"X-API-Key": DEMO_API_KEY})
    assert lesson.CALLS["admin_stats"] == 1, "with the right key the handler runs"
    assert stats.json() == {"items": 120}, "the catalog holds item-001 to item-120"
