"""List the books, for any signed-in role

In lessons/26_status_codes/app.py add `GET /books` answering 200 with every stored book (a
JSON list). Any known token may read it, a reader's included; without a token it is a 401
with the `WWW-Authenticate: Bearer` challenge. Document the 401 (with its Problem body),
and no 403: no role is refused.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "`current_role` already answers the 401; `require_librarian` is the one that says 403. "
    "Pick the right dependency, and document only the matching entry of AUTH_ERRORS."
)

client = TestClient(app)
BOOK = {"isbn": "9780131103627", "title": "The C Programming Language", "year": 1988}


def test_a_reader_lists_the_books() -> None:
    """With a reader token GET /books is 200 and lists what a librarian stored."""
    librarian = {"Authorization": "Bearer librarian-token"}
    assert client.post("/books", json=BOOK, headers=librarian).status_code == 201
    response = client.get("/books", headers={"Authorization": "Bearer reader-token"})
    assert response.status_code == 200
    assert response.json() == [BOOK]


def test_listing_without_a_token_is_401_with_a_challenge() -> None:
    """No token: 401, the Bearer challenge, and the Problem body."""
    response = client.get("/books")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "Missing or unknown token"}


def test_listing_documents_401_and_not_403() -> None:
    """The schema declares 200 and 401 (a Problem), and no 403."""
    responses = app.openapi()["paths"]["/books"]["get"]["responses"]
    assert responses["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert "200" in responses
    assert "403" not in responses, "no role is refused, so there is no 403 to document"
