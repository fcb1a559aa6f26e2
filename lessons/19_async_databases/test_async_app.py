"""Lesson 19 claims about the app: lifespan engine, per-request AsyncSession, eager loading."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import Request
from fastapi.exceptions import ResponseValidationError
from sqlalchemy import String, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import QueuePool

from .app import app, get_session, lifespan
from .conftest import BASE_URL, DROPPED_CURSOR


def schema_of(model: str) -> dict[str, Any]:
    """A component schema from the app's own OpenAPI document."""
    schema: dict[str, Any] = app.openapi()["components"]["schemas"][model]
    return schema


def author_id_schema(method: str, path: str) -> dict[str, Any]:
    """The documented schema of the author_id path parameter of one operation."""
    operation = app.openapi()["paths"][path][method]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "author_id"]
    schema: dict[str, Any] = parameter["schema"]
    return schema


def count_statements(engine: AsyncEngine) -> list[str]:
    """Record every SQL statement the engine sends from now on (listener on the sync core)."""
    statements: list[str] = []

    def record(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    return statements


async def create_author(client: httpx.AsyncClient, name: str) -> int:
    response = await client.post("/authors", json={"name": name})
    assert response.status_code == 201, response.text
    author_id: int = response.json()["id"]
    return author_id


# --- The engine is created in the lifespan --------------------------------------------------


@pytest.mark.asyncio
async def test_lifespan_creates_the_engine_and_tables_then_disposes_the_engine(
    database_url: str,
) -> None:
    """Startup builds the engine from the configured URL and the tables; shutdown disposes it."""
    assert not hasattr(app.state, "engine"), "importing the app creates no engine"
    async with app.router.lifespan_context(app):
        engine: AsyncEngine = app.state.engine
        assert engine.url == make_url(database_url), "the URL is read at startup"
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert tables == {"authors", "books"}
        pool_while_running = engine.pool
    assert not hasattr(app.state, "engine"), "shutdown removes the engine from app.state"
    # dispose() closes the pooled connections and swaps in a fresh, empty pool.
    assert engine.pool is not pool_while_running, "shutdown disposed the engine"


@pytest.mark.asyncio
async def test_the_lifespan_is_an_async_context_manager_usable_without_a_server(
    database_url: str,
) -> None:
    """@asynccontextmanager makes `lifespan(app)` usable in `async with`: no server, no ASGI."""
    async with lifespan(app) as state:  # what FastAPI enters at startup
        assert state is None, "this lifespan keeps its resources on app.state"
        assert isinstance(app.state.sessionmaker, async_sessionmaker)
        assert app.state.engine.url == make_url(database_url)
    assert not hasattr(app.state, "sessionmaker"), "leaving the block ran the shutdown half"


@pytest.mark.asyncio
async def test_asgi_transport_alone_does_not_run_the_lifespan(database_url: str) -> None:
    """Without the lifespan there is no engine: the session dependency answers 503."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        response = await client.post("/authors", json={"name": "Ada"})
    assert response.status_code == 503
    assert response.json() == {"detail": "database not started"}


# --- One AsyncSession per request ------------------------------------------------------------


@pytest.mark.asyncio
async def test_created_author_is_returned_after_commit_and_stored(
    client: httpx.AsyncClient,
) -> None:
    """POST /authors commits, then answers 201 from the committed object; GET reads it back."""
    response = await client.post("/authors", json={"name": "Ada Lovelace"})
    assert response.status_code == 201
    created = response.json()
    assert created == {"id": created["id"], "name": "Ada Lovelace"}
    assert isinstance(created["id"], int)

    again = await client.get(f"/authors/{created['id']}")
    assert again.status_code == 200
    assert again.json() == {"id": created["id"], "name": "Ada Lovelace", "books": []}


@pytest.mark.asyncio
async def test_duplicate_name_is_409_and_the_session_rolls_back(
    client: httpx.AsyncClient,
) -> None:
    """A unique-constraint violation at commit → 409; later requests work and nothing leaked."""
    first = await create_author(client, "Grace Hopper")
    duplicate = await client.post("/authors", json={"name": "Grace Hopper"})
    assert duplicate.status_code == 409
    assert duplicate.json() == {"detail": "an author with this name exists"}

    second = await create_author(client, "Alan Turing")
    listing = (await client.get("/authors")).json()
    assert [(a["id"], a["name"]) for a in listing] == [
        (first, "Grace Hopper"),
        (second, "Alan Turing"),
    ], "exactly the two committed authors, no half-written duplicate"


@pytest.mark.asyncio
async def test_every_request_gives_its_connection_back_to_the_pool(
    client: httpx.AsyncClient,
) -> None:
    """The yield dependency closes its session after success and after an error alike."""
    pool = app.state.engine.pool
    assert isinstance(pool, QueuePool), "the async engine's default pool counts checkouts"
    await create_author(client, "Edsger Dijkstra")
    assert pool.checkedout() == 0, "a successful request returned its connection"
    conflict = await client.post("/authors", json={"name": "Edsger Dijkstra"})
    assert conflict.status_code == 409
    assert pool.checkedout() == 0, "a failed request returned its connection too"


@pytest.mark.asyncio
async def test_books_come_back_with_their_author_in_insertion_order(
    client: httpx.AsyncClient,
) -> None:
    """POST a book → 201 with its ids; GET the author → the books, eagerly loaded, in order."""
    author_id = await create_author(client, "Ursula K. Le Guin")
    titles = ["A Wizard of Earthsea", "The Dispossessed", "The Lathe of Heaven"]
    created = []
    for title in titles:
        response = await client.post(f"/authors/{author_id}/books", json={"title": title})
        assert response.status_code == 201
        created.append(response.json())
    assert [(b["title"], b["author_id"]) for b in created] == [(t, author_id) for t in titles]

    author = (await client.get(f"/authors/{author_id}")).json()
    assert author["books"] == created


@pytest.mark.asyncio
async def test_unknown_author_is_404_for_reading_and_for_adding_a_book(
    client: httpx.AsyncClient,
) -> None:
    """An author id that does not exist → 404 on GET and on POST .../books (nothing stored)."""
    read = await client.get("/authors/999")
    assert read.status_code == 404
    assert read.json() == {"detail": "author not found"}
    add = await client.post("/authors/999/books", json={"title": "Orphan"})
    assert add.status_code == 404
    assert add.json() == {"detail": "author not found"}
    assert (await client.get("/authors")).json() == []


@pytest.mark.asyncio
async def test_author_ids_outside_the_integer_column_are_422_not_500(
    client: httpx.AsyncClient,
) -> None:
    """Ids are 1 to 2**31 - 1 (INTEGER), documented so: the edges → 404, one beyond → 422."""
    for method, path in [("get", "/authors/{author_id}"), ("post", "/authors/{author_id}/books")]:
        documented = author_id_schema(method, path)
        assert (documented["minimum"], documented["maximum"]) == (1, 2_147_483_647), path
    for inside in (1, 2_147_483_647):
        assert (await client.get(f"/authors/{inside}")).status_code == 404, inside
        add = await client.post(f"/authors/{inside}/books", json={"title": "x"})
        assert add.status_code == 404, inside
    for outside in (0, 2_147_483_648):
        read = await client.get(f"/authors/{outside}")
        assert read.status_code == 422, outside
        assert read.json()["detail"][0]["loc"] == ["path", "author_id"]
        add = await client.post(f"/authors/{outside}/books", json={"title": "x"})
        assert add.status_code == 422, outside


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("raw_name", "error_type"),
    [
        ('""', "string_too_short"),
        ('"a\\u0000b"', "value_error"),  # PostgreSQL cannot store NUL in text
    ],
)
async def test_text_no_database_can_store_is_422(
    client: httpx.AsyncClient, raw_name: str, error_type: str
) -> None:
    """Empty names and NUL characters are refused by validation, whatever the backend."""
    response = await client.post(
        "/authors",
        content=f'{{"name": {raw_name}}}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert (error["type"], error["loc"]) == (error_type, ["body", "name"])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("model", "field", "longest"),
    [("AuthorIn", "name", 100), ("BookIn", "title", 200)],
)
async def test_names_and_titles_are_1_to_their_documented_maximum_characters(
    client: httpx.AsyncClient, model: str, field: str, longest: int
) -> None:
    """Names are 1-100 characters, titles 1-200, in OpenAPI and in fact: edges in, beyond 422."""
    documented = schema_of(model)["properties"][field]
    assert (documented["minLength"], documented["maxLength"]) == (1, longest), model
    author_id = await create_author(client, "Author of every title")
    url = "/authors" if field == "name" else f"/authors/{author_id}/books"

    # Characters, not bytes: "é" is two bytes in UTF-8, and VARCHAR(n) counts characters.
    for text in ("é", "ê" * longest):
        response = await client.post(url, json={field: text})
        assert response.status_code == 201, (len(text), response.text)
        assert response.json()[field] == text
    for text, error_type in [("", "string_too_short"), ("é" * (longest + 1), "string_too_long")]:
        response = await client.post(url, json={field: text})
        assert response.status_code == 422, (len(text), response.text)
        (error,) = response.json()["detail"]
        assert (error["type"], error["loc"]) == (error_type, ["body", field])


@pytest.mark.asyncio
async def test_the_columns_hold_exactly_the_lengths_validation_allows(
    client: httpx.AsyncClient,
) -> None:
    """The created tables have VARCHAR(100) names and VARCHAR(200) titles, as validated.

    SQLite ignores the length, PostgreSQL enforces it: a shorter column would turn a valid
    title into a driver error (500) there. Read back from the live database, both backends.
    """
    engine: AsyncEngine = app.state.engine

    def lengths(connection: Connection) -> dict[str, int | None]:
        found = {}
        for table, column in [("authors", "name"), ("books", "title")]:
            (reflected,) = [
                c for c in inspect(connection).get_columns(table) if c["name"] == column
            ]
            assert isinstance(reflected["type"], String), reflected
            found[f"{table}.{column}"] = reflected["type"].length
        return found

    async with engine.connect() as connection:
        assert await connection.run_sync(lengths) == {"authors.name": 100, "books.title": 200}


# --- Eager loading: a constant number of queries ---------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("authors", [1, 6])
async def test_listing_authors_with_books_takes_two_queries_for_any_number(
    client: httpx.AsyncClient, authors: int
) -> None:
    """selectinload: one query for the authors, one for all their books, however many."""
    for n in range(authors):
        author_id = await create_author(client, f"author {n}")
        for title in ("first", "second"):
            await client.post(f"/authors/{author_id}/books", json={"title": title})
    statements = count_statements(app.state.engine)

    listing = (await client.get("/authors")).json()

    assert len(listing) == authors
    assert all(len(author["books"]) == 2 for author in listing)
    assert len(statements) == 2, statements


# --- The lazy-load-after-commit error, inside the app ----------------------------------------


@pytest.mark.asyncio
@pytest.mark.filterwarnings(DROPPED_CURSOR)
@pytest.mark.usefixtures("collect_dropped_coroutines")
async def test_expiring_on_commit_breaks_the_response_but_the_row_is_saved(
    client: httpx.AsyncClient,
) -> None:
    """With expire_on_commit=True (the default), building the response hits MissingGreenlet.

    The commit already happened, so the client sees an error for a row that was stored.
    """
    engine: AsyncEngine = app.state.engine
    expiring = async_sessionmaker(engine)  # expire_on_commit=True, SQLAlchemy's default

    async def expiring_session() -> AsyncIterator[AsyncSession]:
        async with expiring() as session:
            yield session

    app.dependency_overrides[get_session] = expiring_session
    # ASGITransport re-raises the app's exception (a real server would answer 500).
    with pytest.raises(ResponseValidationError) as caught:
        await client.post("/authors", json={"name": "Barbara Liskov"})
    del app.dependency_overrides[get_session]
    # Pydantic read author.id / author.name; each read tried to reload the expired row,
    # which would need I/O outside SQLAlchemy's greenlet: MissingGreenlet.
    errors = caught.value.errors()
    assert [(e["type"], e["loc"]) for e in errors] == [
        ("get_attribute_error", ("response", "id")),
        ("get_attribute_error", ("response", "name")),
    ]
    assert all("MissingGreenlet" in e["msg"] for e in errors), errors

    listing = (await client.get("/authors")).json()
    assert [a["name"] for a in listing] == ["Barbara Liskov"], "the commit had happened"


@pytest.mark.asyncio
async def test_the_session_dependency_yields_an_async_session_from_the_lifespan(
    client: httpx.AsyncClient,
) -> None:
    """The dependency hands each request an AsyncSession bound to the lifespan's engine."""
    seen: list[AsyncSession] = []

    async def spy(request: Request) -> AsyncIterator[AsyncSession]:
        # Run the real dependency, and remember what it yields.
        async with asynccontextmanager(get_session)(request) as session:
            seen.append(session)
            yield session

    app.dependency_overrides[get_session] = spy
    await create_author(client, "Donald Knuth")
    await create_author(client, "Frances Allen")
    assert len(seen) == 2, "the dependency ran once per request"
    assert seen[0] is not seen[1], "each request got a session of its own"
    assert all(isinstance(s, AsyncSession) for s in seen)
    assert all(s.bind is app.state.engine for s in seen), "bound to the lifespan's engine"


# --- The documented responses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/authors", {"201", "409", "422", "503"}),
        ("get", "/authors", {"200", "503"}),
        ("get", "/authors/{author_id}", {"200", "404", "422", "503"}),
        ("post", "/authors/{author_id}/books", {"201", "404", "422", "503"}),
    ],
)
def test_openapi_lists_exactly_the_statuses_each_route_answers(
    method: str, path: str, statuses: set[str]
) -> None:
    """Each operation documents its success, its errors (409/404, 503 app-wide), nothing else."""
    responses = app.openapi()["paths"][path][method]["responses"]
    assert set(responses) == statuses, f"{method.upper()} {path} documents {sorted(responses)}"
    for code in statuses & {"404", "409", "503"}:
        body = responses[code]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Detail"}, (code, body)
