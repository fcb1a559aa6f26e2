"""Read one book, with its author eagerly loaded.

In app.py, add `GET /books/{book_id}` answering 200 with
`{"id", "title", "author": {"id", "name"}}` (a new `BookWithAuthor` response model), and
404 `{"detail": "book not found"}` for an unknown id. `book.author` is a relationship: load
it with the query, or the response will hit the lazy-load error this lesson is about.
"""

import httpx
import pytest

HINT: str = (
    "select(Book).where(Book.id == book_id).options(selectinload(Book.author)) loads the "
    "author with the book; joinedload(Book.author) would do it in the same SELECT."
)


@pytest.mark.asyncio
async def test_a_book_comes_back_with_its_author(client: httpx.AsyncClient) -> None:
    """GET /books/{id} → 200 with the book and its author nested."""
    author = (await client.post("/authors", json={"name": "Octavia Butler"})).json()
    book = (await client.post(f"/authors/{author['id']}/books", json={"title": "Kindred"})).json()

    response = await client.get(f"/books/{book['id']}")

    assert response.status_code == 200, response.text
    assert response.json() == {"id": book["id"], "title": "Kindred", "author": author}


@pytest.mark.asyncio
async def test_an_unknown_book_is_404(client: httpx.AsyncClient) -> None:
    """GET /books/{id} for an id that does not exist → 404 with a detail."""
    response = await client.get("/books/12345")
    assert response.status_code == 404
    assert response.json() == {"detail": "book not found"}
