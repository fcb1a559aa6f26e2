"""Lesson 29 claims: offset pagination — metadata, the partial last page, pages past the end."""

from __future__ import annotations

from .support import catalog, client, names_of, offset_page

# 47 products, oldest first; the API lists them newest first.
NAMES = [f"P{number}" for number in range(1, 48)]


def test_first_page_lists_newest_items_with_metadata() -> None:
    """Page 1 holds the `limit` newest items and reports total, page, limit and pages."""
    with catalog(NAMES):
        body = offset_page(1, 20)
    assert names_of(body) == [f"P{number}" for number in range(47, 27, -1)]
    assert {key: body[key] for key in ("total", "page", "limit", "pages")} == {
        "total": 47,
        "page": 1,
        "limit": 20,
        "pages": 3,
    }
    assert [item["id"] for item in body["items"]] == list(range(47, 27, -1))


def test_defaults_are_page_one_and_limit_twenty() -> None:
    """Without parameters the endpoint serves page 1 with 20 items."""
    with catalog(NAMES):
        body = client.get("/offset/products").json()
    assert (body["page"], body["limit"], len(body["items"])) == (1, 20, 20)


def test_last_page_is_partial() -> None:
    """The last page holds only what is left: 47 items at 20 per page leave 7 on page 3."""
    with catalog(NAMES):
        body = offset_page(3, 20)
    assert names_of(body) == [f"P{number}" for number in range(7, 0, -1)]
    assert (body["page"], body["pages"], body["total"]) == (3, 3, 47)


def test_page_beyond_the_last_is_empty_not_an_error() -> None:
    """A page past the end is 200 with no items and the same metadata, not a 404."""
    with catalog(NAMES):
        body = offset_page(4, 20)
    assert body == {"items": [], "total": 47, "page": 4, "limit": 20, "pages": 3}


def test_empty_table_has_zero_pages() -> None:
    """With no rows, total and pages are 0 and page 1 is empty."""
    with catalog([]):
        body = offset_page(1, 20)
    assert body == {"items": [], "total": 0, "page": 1, "limit": 20, "pages": 0}


def test_exact_multiple_has_no_extra_page() -> None:
    """40 items at 20 per page are exactly 2 pages, both full."""
    with catalog(NAMES[:40]):
        first, second = offset_page(1, 20), offset_page(2, 20)
    assert (first["pages"], len(first["items"]), len(second["items"])) == (2, 20, 20)


def test_demo_catalog_has_47_products_so_page_3_of_20_is_partial() -> None:
    """The served demo database holds Product 1 … Product 47: page 3 of 20 has the last 7."""
    body = offset_page(3, 20)  # no catalog(): the app's own in-memory database
    assert body == {
        "items": [{"id": number, "name": f"Product {number}"} for number in range(7, 0, -1)],
        "total": 47,
        "page": 3,
        "limit": 20,
        "pages": 3,
    }
