"""Lesson 29 claims: page and limit are bounded (422 outside), read from the app's OpenAPI."""

from __future__ import annotations

from typing import Annotated

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from .support import client, query_bounds

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


@pytest.mark.parametrize("product_id", [0, 2**63, 10**30])
def test_product_id_outside_what_the_database_stores_is_422(product_id: int) -> None:
    """An id below 1 or past SQLite's 64-bit integers is 422 at the path, never a 500."""
    response = client.delete(f"/products/{product_id}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["path", "product_id"]
