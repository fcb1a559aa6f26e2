"""A cursor remembers its filter.

In `app.py`, give `GET /cursor/products` an optional query parameter `q`: only products whose
name contains `q` (case-insensitive) are listed. Store `q` inside the cursor payload, and
answer 400 when a cursor is sent with a different `q` than the one it was issued for: a
position in one result set means nothing in another.
"""

from __future__ import annotations

from typing import Any

from ..support import catalog, client

HINT = (
    "Add `q: str | None = None` to CursorPayload and pass it to encode_cursor. SQLAlchemy's "
    "`Product.name.icontains(q)` filters; compare the decoded payload's q with the request's q."
)

NAMES = ["blue mug", "red teapot", "green mug", "Big Mug", "teapot lid", "mug tree"]


def page(limit: int, **params: Any) -> dict[str, Any]:
    response = client.get("/cursor/products", params={"limit": limit, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_filtered_walk_lists_only_matches_newest_first() -> None:
    """q=mug walks the four mugs, newest first, two per page, and then stops."""
    with catalog(NAMES):
        first = page(2, q="mug")
        second = page(2, q="mug", cursor=first["next_cursor"])
    names = [item["name"] for item in first["items"] + second["items"]]
    assert names == ["mug tree", "Big Mug", "green mug", "blue mug"]
    assert second["next_cursor"] is None


def test_cursor_used_with_another_filter_is_400() -> None:
    """A cursor issued for q=mug is refused for q=teapot and for no q at all."""
    with catalog(NAMES):
        cursor = page(1, q="mug")["next_cursor"]
        other = client.get("/cursor/products", params={"q": "teapot", "cursor": cursor})
        none = client.get("/cursor/products", params={"cursor": cursor})
    assert (other.status_code, other.json()) == (400, {"detail": "Invalid cursor"})
    assert none.status_code == 400
