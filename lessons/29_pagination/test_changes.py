"""Lesson 29 claims: walking all pages sees every row once, and what writes in between do."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from .support import (
    add_rows,
    catalog,
    client,
    cursor_page,
    names_of,
    offset_page,
    query_bounds,
    walk_cursor,
    walk_offset,
)

LIMIT_MIN, LIMIT_MAX = query_bounds("/offset/products", "limit")
# Ten rows, oldest first; pages of four, newest first: [P10 P9 P8 P7] [P6 P5 P4 P3] [P2 P1].
TEN = [f"P{number}" for number in range(1, 11)]


def insert(name: str) -> None:
    assert client.post("/products", json={"name": name}).status_code == 201


def delete(product_id: int) -> None:
    assert client.delete(f"/products/{product_id}").status_code == 204


@given(size=st.integers(min_value=0, max_value=30), data=st.data())
def test_walking_all_pages_yields_every_item_once_in_order(size: int, data: st.DataObject) -> None:
    """For any row count and allowed limit, both strategies list every row once, newest first."""
    limit = data.draw(st.integers(min_value=LIMIT_MIN, max_value=LIMIT_MAX), label="limit")
    names = [f"item-{number}" for number in range(size)]
    newest_first = names[::-1]  # the oracle: rows were inserted oldest first
    with catalog(names):
        by_offset, pages_seen = walk_offset(limit)
        by_cursor = walk_cursor(limit)
    assert by_offset == newest_first, "offset walk lost, repeated or reordered rows"
    assert by_cursor == newest_first, "cursor walk lost, repeated or reordered rows"
    assert pages_seen == {-(-size // limit)}, "every page must report the non-empty page count"


def test_offset_pages_repeat_a_row_after_an_insert() -> None:
    """A row inserted before page 2 is fetched pushes P7 onto page 2: the reader sees it twice."""
    with catalog(TEN):
        first = names_of(offset_page(1, 4))
        insert("P11")  # the newest row goes in front of everything
        second = names_of(offset_page(2, 4))
    assert first == ["P10", "P9", "P8", "P7"]
    assert second == ["P7", "P6", "P5", "P4"]
    assert Counter(first + second)["P7"] == 2, "offset pagination repeated P7"


def test_offset_pages_skip_a_row_after_a_delete() -> None:
    """A row deleted from page 1 pulls P6 onto page 1: the reader never sees P6."""
    with catalog(TEN):
        first = names_of(offset_page(1, 4))
        delete(9)  # P9, already shown
        second = names_of(offset_page(2, 4))
    assert second == ["P5", "P4", "P3", "P2"]
    assert "P6" not in first + second, "offset pagination skipped P6, which still exists"


def test_cursor_pages_neither_repeat_nor_skip_after_an_insert_or_delete() -> None:
    """The same insert and delete leave a cursor walk exact: page 2 starts right after P7."""
    with catalog(TEN):
        first = cursor_page(4)
        insert("P11")
        delete(9)
        second = cursor_page(4, first["next_cursor"])
    assert names_of(first) == ["P10", "P9", "P8", "P7"]
    assert names_of(second) == ["P6", "P5", "P4", "P3"]


@given(
    size=st.integers(min_value=0, max_value=20),
    limit=st.integers(min_value=LIMIT_MIN, max_value=8),
    inserts=st.lists(st.integers(min_value=1, max_value=3), max_size=20),
)
def test_cursor_walk_sees_each_original_row_once_despite_inserts(
    size: int, limit: int, inserts: list[int]
) -> None:
    """Whatever is inserted between page requests, a cursor walk sees each original row once."""
    names = [f"old-{number}" for number in range(size)]
    seen: list[str] = []
    with catalog(names):
        body = cursor_page(limit)
        seen += names_of(body)
        for page_number in range(size + 1):  # bounded: a cursor that never moves must not hang
            if body["next_cursor"] is None:
                break
            if page_number < len(inserts):
                add_rows([f"new-{page_number}-{extra}" for extra in range(inserts[page_number])])
            body = cursor_page(limit, body["next_cursor"])
            seen += names_of(body)
    assert seen == names[::-1], "new rows are newer than the cursor, so they never appear"


def test_create_is_201_and_delete_is_204_then_404() -> None:
    """POST /products creates the newest row; DELETE removes it once, then 404."""
    with catalog(TEN):
        created = client.post("/products", json={"name": "P11"})
        assert (created.status_code, created.json()) == (201, {"id": 11, "name": "P11"})
        assert names_of(offset_page(1, 1)) == ["P11"]
        first, again = client.delete("/products/11"), client.delete("/products/11")
    assert (first.status_code, first.content) == (204, b"")
    assert (again.status_code, again.json()) == (404, {"detail": "Product not found"})


def test_openapi_documents_201_for_create_and_204_or_404_for_delete() -> None:
    """OpenAPI lists exactly the statuses the write routes answer (422: validation)."""
    paths = client.get("/openapi.json").json()["paths"]
    created = paths["/products"]["post"]["responses"]
    deleted = paths["/products/{product_id}"]["delete"]["responses"]
    assert set(created) == {"201", "422"}
    assert set(deleted) == {"204", "404", "422"}
    assert deleted["404"]["description"] == "No product with this id"
