"""Delete an author and their books.

Add `DELETE /authors/{author_id}` to app.py: 204 with an empty body when the author
existed, 404 (like GET) when not. Their books must go too: let the `books` relationship in
models.py cascade the delete, instead of deleting books by hand in the route.
"""

from fastapi.testclient import TestClient

from ..app import app
from ..conftest import Database
from ..models import Author, Book

HINT: str = (
    "`session.delete(author)` then `session.commit()`. Without a cascade SQLAlchemy tries to "
    "keep the books by setting their author_id to NULL; `cascade='all, delete-orphan'` on "
    "Author.books deletes them instead."
)

client = TestClient(app)


def test_delete_answers_204_then_404(database: Database) -> None:
    """DELETE an author → 204 with no body; GET and DELETE it again → 404."""
    author = client.post("/authors", json={"name": "Ann", "email": "ann@example.com"}).json()
    deleted = client.delete(f"/authors/{author['id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert client.get(f"/authors/{author['id']}").status_code == 404
    again = client.delete(f"/authors/{author['id']}")
    assert (again.status_code, again.json()) == (404, {"detail": "Author not found"})


def test_deleting_an_author_deletes_their_books_only(database: Database) -> None:
    """The deleted author's books are gone; another author's books stay."""
    ann = {"name": "Ann", "email": "ann@example.com", "books": [{"title": "A1"}, {"title": "A2"}]}
    bob = {"name": "Bob", "email": "bob@example.com", "books": [{"title": "B1"}]}
    ann_id = client.post("/authors", json=ann).json()["id"]
    client.post("/authors", json=bob)
    assert client.delete(f"/authors/{ann_id}").status_code == 204
    assert database.count(Author) == 1
    assert database.count(Book) == 1, "Ann's two books went with her, Bob's stayed"
