"""Test helpers for lesson 29: a fresh catalog per test, page walkers, bounds from OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session, sessionmaker

from .app import Product, app, get_session, make_engine, seed

client = TestClient(app)

# One test database per process (pytest -n 2 runs two processes), refilled by `catalog`:
# emptying a table is much cheaper than building a new database for each Hypothesis example.
engine_for_tests = make_engine()
seed(engine_for_tests, [])
SessionForTests = sessionmaker(engine_for_tests)


def session_for_tests() -> Iterator[Session]:
    with SessionForTests() as session:
        yield session


def add_rows(names: list[str]) -> None:
    """Insert rows straight into the test database (cheaper than one POST per row)."""
    with SessionForTests() as session:
        session.execute(insert(Product), [{"name": name} for name in names])
        session.commit()


@contextmanager
def catalog(names: list[str]) -> Iterator[None]:
    """Serve the test database holding exactly `names` (oldest first) inside the block."""
    with SessionForTests() as session:
        # SQLite hands out max(id) + 1, so after emptying the table ids restart at 1.
        session.execute(delete(Product))
        session.commit()
    if names:
        add_rows(names)
    app.dependency_overrides[get_session] = session_for_tests
    try:
        yield
    finally:
        app.dependency_overrides.pop(get_session, None)


def names_of(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


def offset_page(page: int, limit: int) -> dict[str, Any]:
    response = client.get("/offset/products", params={"page": page, "limit": limit})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def cursor_page(limit: int, cursor: str | None = None) -> dict[str, Any]:
    params: dict[str, str | int] = {"limit": limit}
    if cursor is not None:
        params["cursor"] = cursor
    response = client.get("/cursor/products", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def walk_offset(limit: int) -> tuple[list[str], set[int]]:
    """Names from page 1, 2, 3, … until a page comes back empty (a client that ignores `pages`),
    and the set of `pages` values the walk was told. The catalog's names must be unique."""
    seen: list[str] = []
    pages_told: set[int] = set()
    page = 1
    while True:
        body = offset_page(page, limit)
        pages_told.add(body["pages"])
        if not body["items"]:
            return seen, pages_told
        # Pages that never run dry would loop forever; a finite table of unique names must
        # then repeat a row, so fail on the first repeat instead of hanging.
        repeated = set(names_of(body)) & set(seen)
        assert not repeated, f"page {page} repeats {sorted(repeated)}"
        seen += names_of(body)
        page += 1


def walk_cursor(limit: int) -> list[str]:
    """Names from the first page, then from each next_cursor until it is null."""
    body = cursor_page(limit)
    seen = names_of(body)
    cursors: set[str] = set()
    while (cursor := body["next_cursor"]) is not None:
        # A cursor that does not move forward would loop forever: fail instead of hanging.
        assert cursor not in cursors, f"next_cursor repeats after {len(seen)} items"
        cursors.add(cursor)
        body = cursor_page(limit, cursor)
        seen += names_of(body)
    return seen


def query_bounds(path: str, name: str) -> tuple[int, int]:
    """The (minimum, maximum) the app's OpenAPI schema declares for a query parameter."""
    operation = app.openapi()["paths"][path]["get"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == name]
    schema = parameter["schema"]
    return schema["minimum"], schema["maximum"]
