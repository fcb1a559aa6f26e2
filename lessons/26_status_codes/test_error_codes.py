"""Lesson 26 claims: each 4xx comes from a realistic case, and the docs list it with its model.

One table of cases drives two tests: the API answers each case with its code, and the
OpenAPI schema documents that code for that operation, with the model the body really has.
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from .app import BOOKS, BookIn, Problem, app

client = TestClient(app)
OPENAPI: dict[str, Any] = client.get("/openapi.json").json()
LIBRARIAN = {"Authorization": "Bearer librarian-token"}
READER = {"Authorization": "Bearer reader-token"}
STORED: dict[str, Any] = {
    "isbn": "9780131103627",
    "title": "The C Programming Language",
    "year": 1988,
}
NEW: dict[str, Any] = {"isbn": "9780201633610", "title": "Design Patterns", "year": 1994}


class ValidationBody(BaseModel):
    """FastAPI's 422 body, written out independently of the app: {"detail": [errors]}."""

    detail: list[dict[str, Any]]


@dataclass(frozen=True)
class Case:
    status: int
    method: str
    url: str  # the concrete URL requested
    path: str  # the path template, as the schema names the operation
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None


CASES = [
    pytest.param(
        Case(400, "put", f"/books/{NEW['isbn']}", "/books/{isbn}", LIBRARIAN, STORED),
        id="400-body-isbn-differs-from-url",
    ),
    pytest.param(Case(401, "post", "/books", "/books", {}, NEW), id="401-no-token"),
    pytest.param(
        Case(
            401,
            "delete",
            f"/books/{STORED['isbn']}",
            "/books/{isbn}",
            {"Authorization": "Bearer nope"},
        ),
        id="401-unknown-token",
    ),
    pytest.param(Case(403, "post", "/books", "/books", READER, NEW), id="403-reader-adds-a-book"),
    pytest.param(
        Case(403, "delete", f"/books/{STORED['isbn']}", "/books/{isbn}", READER),
        id="403-reader-deletes-a-book",
    ),
    pytest.param(Case(404, "get", f"/books/{NEW['isbn']}", "/books/{isbn}"), id="404-unknown-book"),
    pytest.param(
        Case(404, "delete", f"/books/{NEW['isbn']}", "/books/{isbn}", LIBRARIAN),
        id="404-delete-unknown-book",
    ),
    pytest.param(Case(409, "post", "/books", "/books", LIBRARIAN, STORED), id="409-isbn-taken"),
    pytest.param(
        Case(422, "post", "/books", "/books", LIBRARIAN, {**NEW, "year": 1200}),
        id="422-year-before-printing",
    ),
    pytest.param(Case(422, "get", "/books/12345", "/books/{isbn}"), id="422-malformed-isbn-in-url"),
]


@pytest.fixture(autouse=True)
def one_stored_book() -> None:
    """Every case runs against a store holding exactly one book (STORED)."""
    BOOKS[STORED["isbn"]] = BookIn(**STORED)


def send(case: Case) -> Any:
    return client.request(case.method, case.url, headers=case.headers, json=case.body)


@pytest.mark.parametrize("case", CASES)
def test_error_case_answers_its_status_with_a_documented_body(case: Case) -> None:
    """Each realistic case gets its code, and a body of the model the docs promise for it."""
    response = send(case)
    assert response.status_code == case.status, response.json()
    model: type[BaseModel] = ValidationBody if case.status == 422 else Problem
    model.model_validate(response.json())


@pytest.mark.parametrize("case", CASES)
def test_every_error_case_is_documented_with_its_model(case: Case) -> None:
    """The schema lists each case's code for its operation, pointing at the right model."""
    responses = OPENAPI["paths"][case.path][case.method]["responses"]
    documented = responses.get(str(case.status))
    assert documented, f"{case.method.upper()} {case.path} does not document {case.status}"
    schema = documented["content"]["application/json"]["schema"]
    model = "HTTPValidationError" if case.status == 422 else "Problem"
    assert schema == {"$ref": f"#/components/schemas/{model}"}
    assert documented["description"], "every documented response says when it happens"


def test_401_challenges_with_bearer_and_403_does_not() -> None:
    """A 401 names the scheme to use (WWW-Authenticate: Bearer); a 403 has nothing to retry."""
    unauthenticated = client.post("/books", json=NEW)
    assert unauthenticated.headers["www-authenticate"] == "Bearer"
    wrong_scheme = client.post("/books", json=NEW, headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert wrong_scheme.status_code == 401
    assert wrong_scheme.headers["www-authenticate"] == "Bearer"
    forbidden = client.post("/books", json=NEW, headers=READER)
    assert forbidden.status_code == 403
    assert "www-authenticate" not in forbidden.headers


def test_409_leaves_the_stored_book_unchanged() -> None:
    """A conflicting create changes nothing: the first book with that ISBN stays."""
    clash = {**STORED, "title": "Someone else's book"}
    assert client.post("/books", json=clash, headers=LIBRARIAN).status_code == 409
    assert client.get(f"/books/{STORED['isbn']}").json() == STORED


def test_422_lists_every_invalid_field() -> None:
    """Validation reports all bad fields at once, each located in the body."""
    response = client.post(
        "/books", json={"isbn": "12345", "title": "", "year": 1200}, headers=LIBRARIAN
    )
    assert response.status_code == 422
    locations = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert locations == {("body", "isbn"), ("body", "title"), ("body", "year")}


def test_malformed_json_is_422_not_400() -> None:
    """Even a body that is not JSON at all fails validation: 422 (json_invalid), not 400."""
    response = client.post(
        "/books",
        content=b'{"isbn": ',
        headers={**LIBRARIAN, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert [error["type"] for error in response.json()["detail"]] == ["json_invalid"]


def test_authentication_is_checked_before_the_body() -> None:
    """Without a token even an invalid body gets 401, not 422: strangers learn nothing."""
    response = client.post("/books", json={"isbn": "nope"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Missing or unknown token"}


# BookIn's documented bounds, written out literally: a test that read them from the schema
# would follow an edited bound instead of noticing it.
TITLE_BOUNDS = (1, 200)  # a title has 1 to 200 characters
YEAR_BOUNDS = (1450, 2100)  # from the printing press to a generous future


@pytest.mark.parametrize(
    ("field_name", "value", "expected"),
    [
        ("title", "", 422),
        ("title", "x", 201),
        ("title", "x" * 200, 201),
        ("title", "x" * 201, 422),
        ("year", 1449, 422),
        ("year", 1450, 201),
        ("year", 2100, 201),
        ("year", 2101, 422),
    ],
)
def test_book_bounds_are_title_1_to_200_and_year_1450_to_2100(
    field_name: str, value: Any, expected: int
) -> None:
    """Each documented edge is accepted (201) and one step past it is a 422 for that field."""
    response = client.post("/books", json={**NEW, field_name: value}, headers=LIBRARIAN)
    assert response.status_code == expected, f"{field_name}={value!r}: {response.json()}"
    if expected == 422:
        assert [error["loc"] for error in response.json()["detail"]] == [["body", field_name]]


def test_book_bounds_are_documented_in_the_schema() -> None:
    """The schema publishes the same bounds: title 1 to 200 characters, year 1450 to 2100."""
    fields = OPENAPI["components"]["schemas"]["BookIn"]["properties"]
    assert (fields["title"]["minLength"], fields["title"]["maxLength"]) == TITLE_BOUNDS
    assert (fields["year"]["minimum"], fields["year"]["maximum"]) == YEAR_BOUNDS
