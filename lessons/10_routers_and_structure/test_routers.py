"""Lesson 10 claims: APIRouter prefixes, tags and dependencies, and the router over HTTP."""

import math
import re
from collections.abc import Iterator
from typing import Any

import pytest
from annotated_types import Gt, Le, MaxLen, MinLen
from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from .app import API_PREFIX, app
from .shop.dependencies import ADMIN_KEY, get_item_service
from .shop.routers import admin, items
from .shop.schemas import ItemCreate
from .shop.services import ItemService

client = TestClient(app)
ADMIN = {"X-Admin-Key": ADMIN_KEY}


def routes_of(router: APIRouter) -> list[APIRoute]:
    return [route for route in router.routes if isinstance(route, APIRoute)]


def operations(paths: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in paths.items():
        for method, operation in methods.items():
            yield path, method, operation


def test_include_prefix_is_added_in_front_of_the_router_prefix() -> None:
    """A route's public path = include_router prefix + APIRouter prefix + route path."""
    paths = set(client.get("/openapi.json").json()["paths"])
    for router in (items.router, admin.router):
        for route in routes_of(router):
            # route.path already carries the router's prefix, e.g. "/items/{item_id}".
            assert API_PREFIX + route.path in paths, f"{route.path} not under {API_PREFIX}"
    assert "/api/v1/items/{item_id}" in paths
    assert not any(path.startswith("/items") for path in paths), "a path lost the /api/v1 prefix"


def test_router_tags_label_each_of_its_operations_in_openapi() -> None:
    """Each router's tag is on every one of its operations; the app-level route has none."""
    paths = client.get("/openapi.json").json()["paths"]
    for path, method, operation in operations(paths):
        if path.startswith(f"{API_PREFIX}/items"):
            assert operation["tags"] == ["items"], (path, method)
        elif path.startswith(f"{API_PREFIX}/admin"):
            assert operation["tags"] == ["admin"], (path, method)
        else:
            assert "tags" not in operation, (path, method)


def test_items_router_serves_its_routes_over_http() -> None:
    """Through HTTP: create → 201, list and fetch → 200, unknown id → 404, invalid → 422."""
    created = client.post(f"{API_PREFIX}/items/", json={"name": "Pen", "price": 1.5})
    assert created.status_code == 201
    assert created.json() == {"id": 1, "name": "Pen", "price": 1.5}
    assert client.get(f"{API_PREFIX}/items/").json() == [created.json()]
    assert client.get(f"{API_PREFIX}/items/1").json() == created.json()
    missing = client.get(f"{API_PREFIX}/items/99")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "no item with id 99"}
    assert client.post(f"{API_PREFIX}/items/", json={"name": "", "price": 1}).status_code == 422


def test_router_maps_a_domain_error_to_409() -> None:
    """The service's DuplicateItemName becomes 409 Conflict in the router, not a 500."""
    assert client.post(f"{API_PREFIX}/items/", json={"name": "Pen", "price": 1}).status_code == 201
    clash = client.post(f"{API_PREFIX}/items/", json={"name": "pen", "price": 2})
    assert clash.status_code == 409
    assert clash.json() == {"detail": "an item named 'pen' already exists"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "", "price": 1}, 422),
        ({"name": "P", "price": 1}, 201),
        ({"name": "P" * 40, "price": 1}, 201),
        ({"name": "P" * 41, "price": 1}, 422),
        ({"name": "Pen", "price": 0}, 422),
        ({"name": "Pen", "price": 0.5}, 201),
        ({"name": "Pen", "price": 10_000}, 201),
        ({"name": "Pen", "price": 10_000.5}, 422),
    ],
)
def test_item_bounds_are_a_1_to_40_char_name_and_a_price_in_0_to_10000(
    body: dict[str, object], status: int
) -> None:
    """The exact edges of ItemCreate: name 1-40 characters, 0 < price <= 10 000."""
    response = client.post(f"{API_PREFIX}/items/", json=body)
    assert response.status_code == status, response.text


def fill_path_parameters(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_router_dependency_guards_every_route_of_the_router() -> None:
    """`APIRouter(dependencies=[...])` runs the admin check on each admin route: 401 without it."""
    admin_routes = routes_of(admin.router)
    assert admin_routes, "the admin router has no routes to check"
    for route in admin_routes:
        url = API_PREFIX + fill_path_parameters(route.path)
        for method in sorted(route.methods or ()):
            for headers in ({}, {"X-Admin-Key": "guess"}):
                denied = client.request(method, url, headers=headers)
                assert denied.status_code == 401, f"{method} {url} let {headers} through"
                assert denied.headers["www-authenticate"] == "X-Admin-Key"
            # The guard only decides 401 or not: what comes next (200, 204, a 404 for an
            # unknown id) is the route's business, asserted exactly in other tests.
            allowed = client.request(method, url, headers=ADMIN)
            assert allowed.status_code != 401, f"{method} {url} refused the right key"
            assert allowed.status_code < 500, f"{method} {url} crashed"


def test_a_non_ascii_admin_key_is_a_401_not_a_500() -> None:
    """A key with a non-ASCII character (Starlette decodes headers as latin-1) is just wrong."""
    denied = client.get(
        API_PREFIX + "/admin/stats", headers={b"X-Admin-Key": "clé".encode("latin-1")}
    )
    assert denied.status_code == 401, "compare_digest on a non-ASCII str raises: encode first"
    assert denied.json() == {"detail": "Admin key missing or wrong"}


def test_router_dependency_does_not_reach_other_routers() -> None:
    """The admin check belongs to the admin router only: items and /health need no key."""
    assert client.get(f"{API_PREFIX}/items/").status_code == 200
    assert client.post(f"{API_PREFIX}/items/", json={"name": "Pen", "price": 1}).status_code == 201
    assert client.get("/health").status_code == 200


def test_admin_routes_work_with_the_key(fresh_service: ItemService) -> None:
    """With the key, the admin routes reach the service: stats, then delete-all (204)."""
    fresh_service.create(ItemCreate(name="Pen", price=1.5))
    fresh_service.create(ItemCreate(name="Ink", price=4.0))
    stats = client.get(f"{API_PREFIX}/admin/stats", headers=ADMIN)
    assert stats.json() == {"count": 2, "total_value": 5.5}
    deleted = client.delete(f"{API_PREFIX}/admin/items", headers=ADMIN)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert fresh_service.list_items() == []


def test_router_dependency_parameters_appear_on_each_operation_in_openapi() -> None:
    """The admin check's `X-Admin-Key` header is documented on admin operations, only there."""
    paths = client.get("/openapi.json").json()["paths"]
    for path, method, operation in operations(paths):
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        is_admin = path.startswith(f"{API_PREFIX}/admin")
        assert ("x-admin-key" in headers) == is_admin, (path, method, headers)


DOCUMENTED = {
    # (method, path): the statuses the operation really answers, 422 for any parameter.
    ("get", f"{API_PREFIX}/items/"): {"200"},
    ("post", f"{API_PREFIX}/items/"): {"201", "409", "422"},
    ("get", f"{API_PREFIX}/items/{{item_id}}"): {"200", "404", "422"},
    ("get", f"{API_PREFIX}/admin/stats"): {"200", "401", "422"},  # 401: from the router
    ("delete", f"{API_PREFIX}/admin/items"): {"204", "401", "422"},
    ("get", "/health"): {"200"},
}


@pytest.mark.parametrize(("method", "path"), list(DOCUMENTED))
def test_each_operation_documents_exactly_the_statuses_it_answers(method: str, path: str) -> None:
    """OpenAPI lists each operation's real statuses: its own, its router's 401, and 422."""
    documented = set(client.get("/openapi.json").json()["paths"][path][method]["responses"])
    assert documented == DOCUMENTED[(method, path)]


def constraint(field: str, kind: type[Any]) -> Any:
    """Read one constraint (MinLen, Gt, ...) off ItemCreate, so a learner's edit stays tested."""
    return next(c for c in ItemCreate.model_fields[field].metadata if isinstance(c, kind))


NAME_MIN = constraint("name", MinLen).min_length
NAME_MAX = constraint("name", MaxLen).max_length
PRICE_GT = constraint("price", Gt).gt
PRICE_LE = constraint("price", Le).le

# Just inside and just outside each bound, plus everything in between.
names = st.text(min_size=max(NAME_MIN - 1, 0), max_size=NAME_MAX + 1)
prices = st.floats(min_value=PRICE_GT - 1, max_value=PRICE_LE + 1) | st.sampled_from(
    [PRICE_GT, math.nextafter(PRICE_GT, math.inf), PRICE_LE, math.nextafter(PRICE_LE, math.inf)]
)


@given(name=names, price=prices)
def test_http_and_a_direct_service_call_agree_for_any_input(name: str, price: float) -> None:
    """Hypothesis: POST via the router returns what a direct service call returns, or 422."""
    app.dependency_overrides[get_item_service] = ItemService  # a new, empty service per call
    response = client.post(f"{API_PREFIX}/items/", json={"name": name, "price": price})
    try:
        expected = ItemService().create(ItemCreate(name=name, price=price))
    except ValidationError:
        assert response.status_code == 422, response.text
    else:
        assert response.status_code == 201, response.text
        assert response.json() == expected.model_dump()
