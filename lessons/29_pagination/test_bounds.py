"""Lesson 29 claims: page and limit are bounded (422 outside), read from the app's OpenAPI."""

from __future__ import annotations

from typing import Annotated

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError
from sqlalchemy import String

from .app import Product
from .support import catalog, client, query_bounds

LIMIT_MIN, LIMIT_MAX = query_bounds("/offset/products", "limit")
PAGE_MIN, PAGE_MAX = query_bounds("/offset/products", "page")

# The oracle is a plain pydantic type built from the published bounds, not the app's code.
LIMIT_ORACLE: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=LIMIT_MIN, le=LIMIT_MAX)])
PAGE_ORACLE: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=PAGE_MIN, le=PAGE_MAX)])


def accepted(oracle: TypeAdapter[int], value: int) -> bool:
    try:
        oracle.validate_python(value)
    except ValidationError:
        return False
    return True


def test_documented_bounds_are_limit_1_to_100_and_page_1_to_10000() -> None:
    """The published bounds are the documented ones: limit 1 to 100, page 1 to 10 000."""
    for path in ("/offset/products", "/cursor/products"):
        assert query_bounds(path, "limit") == (1, 100), f"{path}: limit must be 1 to 100"
        assert client.get(path, params={"limit": 100}).status_code == 200
        assert client.get(path, params={"limit": 101}).status_code == 422
    assert query_bounds("/offset/products", "page") == (1, 10_000), "page must be 1 to 10 000"
    for page, status in ((0, 422), (1, 200), (10_000, 200), (10_001, 422)):
        assert client.get("/offset/products", params={"page": page}).status_code == status, page


def test_openapi_publishes_the_defaults_page_1_and_limit_20() -> None:
    """Both endpoints publish limit's default 20 in OpenAPI, and the offset one page's 1."""
    paths = client.get("/openapi.json").json()["paths"]

    def default(path: str, name: str) -> int:
        (parameter,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == name]
        value: int = parameter["schema"]["default"]
        return value

    assert default("/offset/products", "limit") == 20
    assert default("/cursor/products", "limit") == 20
    assert default("/offset/products", "page") == 1


def test_both_strategies_publish_the_same_limit_bounds() -> None:
    """The cursor endpoint declares the same limit bounds as the offset endpoint."""
    assert query_bounds("/cursor/products", "limit") == (LIMIT_MIN, LIMIT_MAX)
    assert LIMIT_MIN >= 1, "a limit of 0 or less can never make progress"


@pytest.mark.parametrize("path", ["/offset/products", "/cursor/products"])
@given(limit=st.integers(min_value=LIMIT_MIN - 1000, max_value=LIMIT_MAX + 1000))
@example(limit=LIMIT_MIN - 1)
@example(limit=LIMIT_MIN)
@example(limit=LIMIT_MAX)
@example(limit=LIMIT_MAX + 1)
def test_limit_is_200_exactly_inside_its_bounds(path: str, limit: int) -> None:
    """For every integer limit: 200 inside [minimum, maximum], 422 naming `limit` outside."""
    response = client.get(path, params={"limit": limit})
    if accepted(LIMIT_ORACLE, limit):
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) <= limit
    else:
        assert response.status_code == 422, f"limit={limit} must be refused"
        assert [error["loc"] for error in response.json()["detail"]] == [["query", "limit"]]


@given(page=st.integers(min_value=PAGE_MIN - 1000, max_value=PAGE_MAX + 10**30))
@example(page=PAGE_MIN - 1)
@example(page=PAGE_MIN)
@example(page=PAGE_MAX)
@example(page=PAGE_MAX + 1)
def test_page_is_200_exactly_inside_its_bounds(page: int) -> None:
    """For every integer page: 200 inside [minimum, maximum], 422 naming `page` outside."""
    response = client.get("/offset/products", params={"page": page})
    if accepted(PAGE_ORACLE, page):
        assert response.status_code == 200, response.text
        assert response.json()["page"] == page
    else:
        assert response.status_code == 422, f"page={page} must be refused"
        assert [error["loc"] for error in response.json()["detail"]] == [["query", "page"]]


@pytest.mark.parametrize("value", ["ten", "1.5", ""])
def test_non_integer_limit_is_422(value: str) -> None:
    """A limit that is not an integer literal is a 422, not a default or a 500."""
    response = client.get("/offset/products", params={"limit": value})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_product_id_bounds_are_1_to_the_largest_64_bit_integer() -> None:
    """Path ids 1 and 2**63 - 1 reach the handler (204 and 404); OpenAPI publishes them."""
    with catalog(["first"]):
        assert client.delete("/products/1").status_code == 204
        largest = client.delete(f"/products/{2**63 - 1}")
    assert (largest.status_code, largest.json()) == (404, {"detail": "Product not found"})
    operation = client.get("/openapi.json").json()["paths"]["/products/{product_id}"]["delete"]
    (parameter,) = operation["parameters"]
    assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (1, 2**63 - 1)


@pytest.mark.parametrize("product_id", [0, 2**63, 10**30])
def test_product_id_outside_what_the_database_stores_is_422(product_id: int) -> None:
    """An id below 1 or past SQLite's 64-bit integers is 422 at the path, never a 500."""
    response = client.delete(f"/products/{product_id}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["path", "product_id"]


@pytest.mark.parametrize(
    ("name", "status"), [("", 422), ("a", 201), ("x" * 100, 201), ("x" * 101, 422)]
)
def test_product_name_is_1_to_100_characters(name: str, status: int) -> None:
    """POST /products takes a name of 1 to 100 characters (201, stored as sent), else 422."""
    with catalog([]):
        response = client.post("/products", json={"name": name})
    assert response.status_code == status, response.text
    if status == 201:
        assert response.json() == {"id": 1, "name": name}
    else:
        assert [error["loc"] for error in response.json()["detail"]] == [["body", "name"]]
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ProductIn"]
    name_schema = schema["properties"]["name"]
    assert (name_schema["minLength"], name_schema["maxLength"]) == (1, 100)


def test_name_column_is_as_wide_as_the_api_allows() -> None:
    """The column is VARCHAR(100): every name the API accepts fits on any database."""
    column_type = Product.__table__.c.name.type
    assert isinstance(column_type, String), column_type
    assert column_type.length == 100
