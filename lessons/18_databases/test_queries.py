"""Lesson 18 claims about queries: 409s, response models, N+1, and bound parameters."""

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from sqlalchemy import String, select, text

from .app import AuthorOut, app
from .conftest import Database
from .models import Author, Base, Book

client = TestClient(app)


def create(name: str, email: str, *titles: str) -> dict[str, Any]:
    response = client.post(
        "/authors", json={"name": name, "email": email, "books": [{"title": t} for t in titles]}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_duplicate_email_is_a_documented_409(database: Database) -> None:
    """A second author with a taken email gets 409, and OpenAPI declares that 409."""
    create("Ann", "ann@example.com")
    response = client.post("/authors", json={"name": "Other Ann", "email": "ann@example.com"})
    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}
    assert database.count(Author) == 1

    operation = client.get("/openapi.json").json()["paths"]["/authors"]["post"]
    assert operation["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


def test_missing_author_is_a_documented_404_and_ids_out_of_range_are_422(
    database: Database,
) -> None:
    """An id nobody has → 404, declared in OpenAPI; ids go from 1 to 2**31 - 1 (what an INTEGER
    column holds): 0 and anything too big for the column → 422, not a driver error."""
    response = client.get("/authors/42")
    assert response.status_code == 404
    assert response.json() == {"detail": "Author not found"}
    assert client.get("/authors/1").status_code == 404, "1 is a valid id (nobody has it yet)"
    assert client.get(f"/authors/{2**31 - 1}").status_code == 404
    for out_of_range in (0, 2**31, 2**64):
        response = client.get(f"/authors/{out_of_range}")
        assert response.status_code == 422, f"id {out_of_range} should be refused"
        assert response.json()["detail"][0]["loc"] == ["path", "author_id"]

    operation = client.get("/openapi.json").json()["paths"]["/authors/{author_id}"]["get"]
    assert operation["responses"]["404"] == {
        "description": "No author has this id",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    (param,) = operation["parameters"]
    assert (param["schema"]["minimum"], param["schema"]["maximum"]) == (1, 2**31 - 1)


def test_each_length_limit_accepts_its_edge_and_refuses_one_past_it(database: Database) -> None:
    """Names are 1-100 characters, book titles 1-200, the email filter at most 320: the edge
    is accepted (and, on PostgreSQL, really stored), one past it is a 422."""

    def post(name: str, title: str, email: str = "ann@example.com") -> int:
        payload = {"name": name, "email": email, "books": [{"title": title}]}
        return client.post("/authors", json=payload).status_code

    assert post("n" * 100, "t" * 200) == 201, "the longest name and title fit their columns"
    assert post("n", "t", "bob@example.com") == 201, "one character is enough"
    refused = {
        "empty name": post("", "t"),
        "name of 101": post("n" * 101, "t"),
        "empty title": post("n", ""),
        "title of 201": post("n", "t" * 201),
    }
    assert refused == dict.fromkeys(refused, 422), f"each must be a 422, got {refused}"
    with database.factory() as session:
        assert sorted(map(len, session.scalars(select(Author.name)))) == [1, 100]
        assert sorted(map(len, session.scalars(select(Book.title)))) == [1, 200]

    assert client.get("/authors", params={"email": "e" * 320}).json() == []
    assert client.get("/authors", params={"email": "e" * 321}).status_code == 422


def test_the_api_limits_are_the_column_lengths() -> None:
    """The schema: name VARCHAR(100), email VARCHAR(320), api_key VARCHAR(64) (exactly the 64
    hex digits of a key), title VARCHAR(200); OpenAPI publishes the same limits, so any value
    the API accepts fits its column."""
    columns = {
        f"{table.name}.{column.name}": getattr(column.type, "length", None)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, String)
    }
    assert columns == {
        "authors.name": 100,
        "authors.email": 320,
        "authors.api_key": 64,
        "books.title": 200,
    }, f"column lengths changed: {columns}"
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    name = schemas["AuthorIn"]["properties"]["name"]
    title = schemas["BookIn"]["properties"]["title"]
    assert (name["minLength"], name["maxLength"]) == (1, 100)
    assert (title["minLength"], title["maxLength"]) == (1, 200)
    assert email_filter_schema()["maxLength"] == 320


def test_orm_objects_reach_the_client_only_through_the_response_model(
    database: Database,
) -> None:
    """Every route returns ORM rows, and every body has exactly AuthorOut's fields: the api_key
    column never appears, by name or by value."""
    created = create("Ann", "ann@example.com", "One")
    batch = client.post("/authors/batch", json=[{"name": "Bob", "email": "bob@example.com"}])
    with database.factory() as session:
        keys = list(session.scalars(select(Author.api_key)))
    assert len(keys) == 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys), "the secret is stored"

    bodies = [
        client.get(f"/authors/{created['id']}"),
        client.get("/authors"),
        client.get("/lazy/authors"),
        batch,
    ]
    for response in bodies:
        for key in keys:
            assert key not in response.text, f"{response.url} leaked an api_key"
    assert created == {
        "id": created["id"],
        "name": "Ann",
        "email": "ann@example.com",
        "books": [{"id": created["books"][0]["id"], "title": "One"}],
    }
    assert set(client.get("/authors").json()[1]) == {"id", "name", "email", "books"}
    schema = client.get("/openapi.json").json()["components"]["schemas"]["AuthorOut"]
    assert set(schema["properties"]) == {"id", "name", "email", "books"}


def test_fastapi_reads_attributes_even_without_from_attributes(database: Database) -> None:
    """`from_attributes` is what model_validate(orm_row) needs; FastAPI's own response
    validation reads attributes anyway, so a response_model works without it."""
    row = Author(id=7, name="Ann", email="ann@example.com", books=[Book(id=1, title="One")])
    assert AuthorOut.model_validate(row).model_dump() == {
        "id": 7,
        "name": "Ann",
        "email": "ann@example.com",
        "books": [{"id": 1, "title": "One"}],
    }

    class PlainOut(BaseModel):  # no model_config = ConfigDict(from_attributes=True)
        id: int
        name: str

    with pytest.raises(ValidationError, match="model_type"):
        PlainOut.model_validate(row)

    tiny = FastAPI()

    @tiny.get("/author", response_model=PlainOut)
    def author() -> Author:
        return row

    assert TestClient(tiny).get("/author").json() == {"id": 7, "name": "Ann"}


def seed(database: Database, authors: int) -> None:
    """Store `authors` authors with two books each, straight through a session."""
    with database.factory.begin() as session:
        for n in range(authors):
            books = [Book(title=f"Book {n}a"), Book(title=f"Book {n}b")]
            session.add(Author(name=f"Author {n}", email=f"a{n}@example.com", books=books))
    database.statements.clear()


def select_count(database: Database, path: str) -> int:
    """How many SELECTs one GET of `path` sends to the database."""
    database.statements.clear()
    response = client.get(path)
    assert response.status_code == 200
    assert all(len(author["books"]) == 2 for author in response.json())
    return len(database.selects())


def test_lazy_loading_costs_one_select_per_author(database: Database) -> None:
    """The N+1 trap: listing N authors with their books lazily sends 1 + N SELECTs."""
    counts = {}
    for total in (1, 3, 10):
        database.reset()
        seed(database, total)
        counts[total] = select_count(database, "/lazy/authors")
    assert counts == {1: 2, 3: 4, 10: 11}, "1 for the authors + 1 per author for its books"


def test_eager_loading_keeps_the_select_count_constant(database: Database) -> None:
    """selectinload fetches all the books in one more SELECT: 2 statements for any N."""
    counts = {}
    for total in (1, 3, 10):
        database.reset()
        seed(database, total)
        counts[total] = select_count(database, "/authors")
    assert counts == {1: 2, 3: 2, 10: 2}
    assert "IN (" in database.selects()[1], "the books of every author in one query"


def email_filter_schema() -> dict[str, Any]:
    """The email query parameter's constraints, as the app publishes them."""
    operation = app.openapi()["paths"]["/authors"]["get"]
    (param,) = [p for p in operation["parameters"] if p["name"] == "email"]
    (string,) = [s for s in param["schema"]["anyOf"] if s.get("type") == "string"]
    return dict(string)


INJECTIONS = [
    "' OR '1'='1",
    "ann@example.com' OR 1=1 --",
    "'; DROP TABLE authors; --",
    "x' UNION SELECT api_key, api_key, api_key, api_key FROM authors --",
    "%",
    "*",
]
STORED = ["ann@example.com", "bob@example.com", "o'brien@example.com"]


def test_string_built_sql_is_injectable_bound_parameters_are_not(database: Database) -> None:
    """The contrast: SQL pasted together from the input returns every row for ' OR '1'='1;
    the same string as a bound parameter (what the app does) matches nothing."""
    for email in STORED:
        create("x", email)
    attack = "' OR '1'='1"
    with database.factory() as session:
        pasted = session.execute(text(f"SELECT id FROM authors WHERE email = '{attack}'")).all()
        bound = session.execute(
            text("SELECT id FROM authors WHERE email = :email"), {"email": attack}
        ).all()
    assert len(pasted) == 3, "string formatting let the input rewrite the WHERE clause"
    assert bound == []
    assert client.get("/authors", params={"email": attack}).json() == []


# One database for all examples (see test_sessions.py); here the rows never change.
# max_examples=60 also under the CI profile: one HTTP round trip per example keeps it ~1 s.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(term=st.one_of(st.text(), st.sampled_from(INJECTIONS + STORED)))
def test_the_email_filter_finds_exactly_the_equal_email(database: Database, term: str) -> None:
    """For any string, GET /authors?email=… returns the authors whose email equals it and no
    one else (422 only for what the parameter's published constraints reject)."""
    if not database.count(Author):
        for email in STORED:
            create("x", email)
    response = client.get("/authors", params={"email": term})

    constraints = email_filter_schema()
    valid = len(term) <= constraints["maxLength"] and re.search(constraints["pattern"], term)
    if not valid:
        assert response.status_code == 422
        return
    assert response.status_code == 200
    assert [author["email"] for author in response.json()] == [e for e in STORED if e == term]


def test_nul_characters_get_422_on_every_backend(database: Database) -> None:
    """NUL cannot be stored in PostgreSQL text, so the API refuses it everywhere (422)."""
    bad_name = client.post("/authors", json={"name": "A\x00B", "email": "ann@example.com"})
    bad_title = client.post(
        "/authors", json={"name": "Ann", "email": "ann@example.com", "books": [{"title": "\x00"}]}
    )
    bad_filter = client.get("/authors", params={"email": "ann@example.com\x00"})
    assert [bad_name.status_code, bad_title.status_code, bad_filter.status_code] == [422] * 3
    assert bad_name.json()["detail"][0]["loc"] == ["body", "name"]
    assert database.count(Author) == 0
