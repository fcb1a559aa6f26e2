"""Lesson 26 properties: the code depends only on the input and the store, never on luck.

Every constraint is read from the app's OpenAPI schema, and validity is judged by an
independent oracle (Python's `re` and plain comparisons), not by the app's Pydantic model.
Edit a constraint in app.py and these tests check the new edge.
"""

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from .app import BOOKS, app

LIBRARIAN = {"Authorization": "Bearer librarian-token"}
OPENAPI: dict[str, Any] = app.openapi()
FIELDS: dict[str, Any] = OPENAPI["components"]["schemas"]["BookIn"]["properties"]
ISBN_RULE: str = FIELDS["isbn"]["pattern"]
(PATH_ISBN,) = [
    parameter["schema"]
    for parameter in OPENAPI["paths"]["/books/{isbn}"]["put"]["parameters"]
    if parameter["name"] == "isbn"
]
TITLE_MIN, TITLE_MAX = FIELDS["title"]["minLength"], FIELDS["title"]["maxLength"]
YEAR_MIN, YEAR_MAX = FIELDS["year"]["minimum"], FIELDS["year"]["maximum"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """One client for the module, entered once so requests share one event loop (faster).

    Module scope also keeps Hypothesis happy: its examples may share it, as it holds no state.
    """
    with TestClient(app) as test_client:
        yield test_client


# --- The oracle ---------------------------------------------------------------------------
def isbn_ok(isbn: str, pattern: str = ISBN_RULE) -> bool:
    return re.fullmatch(pattern, isbn) is not None


def book_ok(book: dict[str, Any]) -> bool:
    return (
        isbn_ok(book["isbn"])
        and TITLE_MIN <= len(book["title"]) <= TITLE_MAX
        and YEAR_MIN <= book["year"] <= YEAR_MAX
    )


# --- Strategies: valid values from the schema, plus the edges around them ----------------
valid_isbns = st.from_regex(ISBN_RULE, fullmatch=True)
isbns = st.one_of(
    valid_isbns,
    valid_isbns.map(lambda isbn: isbn[:-1]),  # one digit short
    valid_isbns.map(lambda isbn: isbn + "0"),  # one digit long
    valid_isbns.map(lambda isbn: "977" + isbn[3:]),  # wrong prefix
    st.text(max_size=14),
)
titles = st.one_of(
    st.text(min_size=TITLE_MIN, max_size=TITLE_MAX),
    st.sampled_from([TITLE_MIN - 1, TITLE_MAX, TITLE_MAX + 1]).map(lambda n: "x" * max(n, 0)),
)
years = st.one_of(
    st.integers(YEAR_MIN - 2, YEAR_MIN + 2),
    st.integers(YEAR_MAX - 2, YEAR_MAX + 2),
    st.integers(),
)
# A path segment may be anything but empty, "/" or a dot segment (those never reach the route).
url_isbns = isbns.filter(lambda text: text not in {"", ".", ".."} and "/" not in text)
books = st.fixed_dictionaries({"isbn": isbns, "title": titles, "year": years})


@given(book=books)
def test_create_accepts_exactly_the_bodies_the_schema_allows(
    client: TestClient, book: dict[str, Any]
) -> None:
    """Any body: 201 when the oracle says valid, else 422 naming only the body — never a 500."""
    BOOKS.clear()
    response = client.post("/books", json=book, headers=LIBRARIAN)
    if book_ok(book):
        assert response.status_code == 201, response.json()
        assert response.json() == book
    else:
        assert response.status_code == 422, response.json()
        assert all(error["loc"][0] == "body" for error in response.json()["detail"])


@given(puts=st.lists(st.tuples(st.sampled_from(range(3)), st.integers(1450, 2100)), max_size=4))
def test_put_answers_201_for_a_new_isbn_and_200_after(
    client: TestClient, puts: list[tuple[int, int]]
) -> None:
    """For any sequence of PUTs: 201 + Location the first time an ISBN is seen, then 200."""
    BOOKS.clear()
    pool = ["9780131103627", "9780201633610", "9791032300824"]
    seen: set[str] = set()  # the oracle: which ISBNs exist so far
    for index, year in puts:
        isbn = pool[index]
        book = {"isbn": isbn, "title": "A title", "year": year}
        response = client.put(f"/books/{isbn}", json=book, headers=LIBRARIAN)
        expected = 200 if isbn in seen else 201
        assert response.status_code == expected, (isbn, sorted(seen))
        assert ("location" in response.headers) is (expected == 201)
        seen.add(isbn)
    assert set(BOOKS) == seen


@given(url_isbn=url_isbns, body_isbn=isbns)
def test_put_answers_400_only_for_two_valid_but_different_isbns(
    client: TestClient, url_isbn: str, body_isbn: str
) -> None:
    """422 if either ISBN is malformed; 400 if both are valid but differ; 201 if they agree."""
    BOOKS.clear()
    book = {"isbn": body_isbn, "title": "A title", "year": 2000}
    # quote(): "?", "#", "%" and spaces reach the server as part of the ISBN, not the URL syntax.
    response = client.put(f"/books/{quote(url_isbn, safe='')}", json=book, headers=LIBRARIAN)
    if not (isbn_ok(url_isbn, PATH_ISBN["pattern"]) and isbn_ok(body_isbn)):
        expected = 422
    elif url_isbn != body_isbn:
        expected = 400
    else:
        expected = 201
    assert response.status_code == expected, response.json()
