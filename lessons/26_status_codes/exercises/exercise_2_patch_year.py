"""Correct a book's year

In lessons/26_status_codes/app.py add `PATCH /books/{isbn}` taking `{"year": ...}` (the
same 1450 to 2100 bounds as BookIn). Librarians only (401/403 as for the other writes); an
unknown ISBN is a 404. It answers 200 with the whole updated book. Document every error
status it can answer.
"""

import pytest
from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Copy the guard and `responses=` of DELETE /books/{isbn}: same dependencies, same "
    "errors. For the body, a small model whose `year` has the same Field(ge=..., le=...) "
    "as BookIn; `book.model_copy(update=...)` makes the updated book."
)

client = TestClient(app)
LIBRARIAN = {"Authorization": "Bearer librarian-token"}
BOOK = {"isbn": "9780131103627", "title": "The C Programming Language", "year": 1978}
URL = f"/books/{BOOK['isbn']}"


@pytest.fixture(autouse=True)
def stored_book() -> None:
    assert client.post("/books", json=BOOK, headers=LIBRARIAN).status_code == 201


def test_librarian_corrects_the_year() -> None:
    """PATCH answers 200 with the whole book, and the GET sees the new year."""
    response = client.patch(URL, json={"year": 1988}, headers=LIBRARIAN)
    assert response.status_code == 200
    assert response.json() == {**BOOK, "year": 1988}
    assert client.get(URL).json() == {**BOOK, "year": 1988}


@pytest.mark.parametrize(("year", "status"), [(1449, 422), (1450, 200), (2100, 200), (2101, 422)])
def test_year_bounds_match_the_book_model(year: int, status: int) -> None:
    """1450 and 2100 are accepted, one step beyond either is a 422."""
    assert client.patch(URL, json={"year": year}, headers=LIBRARIAN).status_code == status


def test_patch_errors_are_answered_and_documented() -> None:
    """No token 401, reader 403, unknown ISBN 404; the schema declares all three."""
    assert client.patch(URL, json={"year": 1988}).status_code == 401
    reader = {"Authorization": "Bearer reader-token"}
    assert client.patch(URL, json={"year": 1988}, headers=reader).status_code == 403
    missing = client.patch("/books/9790000000001", json={"year": 1988}, headers=LIBRARIAN)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No book with ISBN 9790000000001"}
    responses = app.openapi()["paths"]["/books/{isbn}"]["patch"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(responses)
    assert client.get(URL).json() == BOOK, "no failed PATCH changed the book"
