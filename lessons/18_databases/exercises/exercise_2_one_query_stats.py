"""Count every author's books with one query.

Add `GET /stats/books-per-author` to app.py. It answers a list, in author id order, of
`{"author_id": ..., "books": ...}` for EVERY author (an author without books has 0), and
it must send exactly one SELECT, whatever the number of authors: let the database count.
"""

from fastapi.testclient import TestClient

from ..app import app
from ..conftest import Database

HINT: str = (
    "select(Author.id, func.count(Book.id)) with .outerjoin(Author.books), .group_by(Author.id) "
    "and .order_by(Author.id). An inner join would drop the authors who have no books."
)

client = TestClient(app)


def test_stats_count_every_authors_books(database: Database) -> None:
    """Each author appears with their number of books, 0 included."""
    for name, titles in (("ann", ["A1", "A2"]), ("bob", []), ("cy", ["C1"])):
        books = [{"title": title} for title in titles]
        client.post("/authors", json={"name": name, "email": f"{name}@example.com", "books": books})
    response = client.get("/stats/books-per-author")
    assert response.status_code == 200
    assert response.json() == [
        {"author_id": 1, "books": 2},
        {"author_id": 2, "books": 0},
        {"author_id": 3, "books": 1},
    ]


def test_stats_cost_one_select_for_any_number_of_authors(database: Database) -> None:
    """1, 5 or 20 authors: the stats route sends exactly one SELECT."""
    counts = []
    for total in (1, 5, 20):
        database.reset()
        batch = [{"name": "x", "email": f"{n}@example.com"} for n in range(total)]
        assert client.post("/authors/batch", json=batch).status_code == 201
        database.statements.clear()
        assert len(client.get("/stats/books-per-author").json()) == total
        counts.append(len(database.selects()))
    assert counts == [1, 1, 1]
