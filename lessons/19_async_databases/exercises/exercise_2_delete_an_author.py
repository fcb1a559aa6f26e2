"""Delete an author, and their books with them.

In app.py, add `DELETE /authors/{author_id}`: 204 with an empty body when the author
existed, 404 `{"detail": "author not found"}` otherwise. Their books must go too: tell the
`Author.books` relationship to cascade deletes, and load the books before deleting (an async
session cannot lazy-load them on the way).
"""

import httpx
import pytest
from sqlalchemy import func, select

from ..app import Book, app

HINT: str = (
    'relationship(..., cascade="all, delete-orphan") makes the session delete the books '
    "with their author; `await session.delete(author)` then `await session.commit()`."
)


@pytest.mark.asyncio
async def test_deleting_an_author_removes_them_and_their_books(
    client: httpx.AsyncClient,
) -> None:
    """DELETE → 204 and empty; the author is gone, and a new author does not inherit books."""
    author = (await client.post("/authors", json={"name": "Iain Banks"})).json()
    for title in ("Consider Phlebas", "Excession"):
        await client.post(f"/authors/{author['id']}/books", json={"title": title})

    response = await client.delete(f"/authors/{author['id']}")

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert (await client.get(f"/authors/{author['id']}")).status_code == 404
    assert (await client.get("/authors")).json() == []
    async with app.state.engine.connect() as connection:
        books_left = await connection.scalar(select(func.count()).select_from(Book))
    assert books_left == 0, "no orphaned book rows"


@pytest.mark.asyncio
async def test_deleting_an_unknown_author_is_404(client: httpx.AsyncClient) -> None:
    """DELETE /authors/{id} for an id that does not exist → 404 with a detail."""
    response = await client.delete("/authors/4321")
    assert response.status_code == 404
    assert response.json() == {"detail": "author not found"}
