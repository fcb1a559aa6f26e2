"""Lesson 18 claims about sessions and transactions: one per request, closed, all or nothing."""

import warnings
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from starlette.routing import Router

from lessons.testkit import isolated_database

from . import app as lesson
from .app import app
from .conftest import Database
from .models import Author, Book

client = TestClient(app)
# For the tests that make the handler crash: the 500 comes back instead of the exception.
lenient_client = TestClient(app, raise_server_exceptions=False)

ANN = {"name": "Ann", "email": "ann@example.com", "books": [{"title": "One"}, {"title": "Two"}]}


class RecordingSession(Session):
    """A Session that remembers every instance and whether it was closed."""

    opened: ClassVar[list["RecordingSession"]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.closed = False
        RecordingSession.opened.append(self)

    def close(self) -> None:
        self.closed = True
        super().close()


@pytest.fixture
def recorded(database: Database) -> list[RecordingSession]:
    """Make the app's session factory build RecordingSessions; return the list they join."""
    RecordingSession.opened = []
    database.factory = sessionmaker(class_=RecordingSession, **database.factory.kw)
    return RecordingSession.opened


def test_each_request_gets_one_session_that_is_closed_afterwards(
    database: Database, recorded: list[RecordingSession]
) -> None:
    """Every request opens exactly one session and closes it, whatever the outcome."""
    outcomes = [
        client.post("/authors", json=ANN).status_code,  # created
        client.post("/authors", json=ANN).status_code,  # duplicate email
        client.get("/authors/999").status_code,  # not found
        client.get("/authors").status_code,
    ]
    assert outcomes == [201, 409, 404, 200]
    assert len(recorded) == 4, "one session per request"
    assert len(set(map(id, recorded))) == 4, "no session is reused by a later request"
    assert all(session.closed for session in recorded), "every session was closed"
    assert database.connections_in_use() == 0, "every connection went back to the pool"


def test_a_crashing_handler_leaves_no_partial_write(
    database: Database, recorded: list[RecordingSession]
) -> None:
    """An error after the author's INSERT rolls it back: the 500 leaves no author behind."""

    def fail_on_books(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO books"):
            raise RuntimeError("disk on fire")

    event.listen(database.engine, "before_cursor_execute", fail_on_books)
    response = lenient_client.post("/authors", json=ANN)
    during_request = list(recorded)

    assert response.status_code == 500
    assert len(database.inserts("authors")) == 1, (
        "the author row WAS written inside the transaction"
    )
    assert database.count(Author) == 0, "...and rolled back: no partial write"
    assert database.count(Book) == 0
    assert [session.closed for session in during_request] == [True], "closed even on error"
    assert database.connections_in_use() == 0


def test_a_successful_request_commits_for_everyone_to_see(database: Database) -> None:
    """After a 201 the author and its books are in the database, visible to a new session."""
    created = client.post("/authors", json=ANN).json()
    with database.factory() as session:
        query = select(Author).options(selectinload(Author.books))
        stored = session.scalars(query.where(Author.id == created["id"])).one()
        assert (stored.name, stored.email) == ("Ann", "ann@example.com")
        assert [book.title for book in stored.books] == ["One", "Two"]


def test_committed_rows_are_returned_without_another_select(database: Database) -> None:
    """expire_on_commit=False: after the commit the handlers build their response from the
    objects as they are, so creating authors sends INSERTs and no SELECT at all."""
    created = client.post("/authors", json=ANN)
    batch = client.post("/authors/batch", json=[{"name": "Bob", "email": "bob@example.com"}])
    assert [created.status_code, batch.status_code] == [201, 201]
    assert [book["title"] for book in created.json()["books"]] == ["One", "Two"]
    assert batch.json()[0]["books"] == []
    assert database.selects() == [], "the response re-read committed rows from the database"
    assert len(database.inserts("authors")) == 2


def test_a_batch_with_a_duplicate_saves_nothing(database: Database) -> None:
    """A batch whose third author repeats the first's email: 409, and the two rows before it
    that were already INSERTed are rolled back with it."""
    batch = [
        {"name": "Ann", "email": "ann@example.com"},
        {"name": "Bob", "email": "bob@example.com"},
        {"name": "Ann again", "email": "ann@example.com"},
    ]
    response = client.post("/authors/batch", json=batch)
    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}
    assert len(database.inserts("authors")) == 3, "two INSERTs succeeded, the third failed"
    assert database.count(Author) == 0


EMAILS = ["ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com"]


# The database fixture is shared on purpose by all examples of this test (a new PostgreSQL
# database per example would be slow); each example starts by emptying the tables.
# max_examples=30 also under the CI profile: each example is several round trips, and the
# four-email pool has few distinct cases (a stored duplicate, a repeat in the batch, neither).
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(existing=st.sets(st.sampled_from(EMAILS)), batch=st.lists(st.sampled_from(EMAILS)))
def test_batch_import_is_all_or_nothing(
    database: Database, existing: set[str], batch: list[str]
) -> None:
    """For any stored emails and any batch: 201 and every row saved when the batch's emails are
    new and distinct, otherwise 409 and the table exactly as before."""
    database.reset()
    with database.factory.begin() as session:
        session.add_all(Author(name="x", email=email) for email in existing)
    response = client.post("/authors/batch", json=[{"name": "y", "email": e} for e in batch])

    fits = len(set(batch)) == len(batch) and not existing & set(batch)
    with database.factory() as session:
        stored = set(session.scalars(select(Author.email)))
    if fits:
        assert response.status_code == 201
        assert [author["email"] for author in response.json()] == batch
        assert stored == existing | set(batch)
    else:
        assert response.status_code == 409
        assert stored == existing, "a rejected batch leaves no row behind"


@pytest.mark.parametrize("run", [1, 2])
def test_every_test_starts_with_an_empty_database(database: Database, run: int) -> None:
    """Both runs (in any order, in parallel too) find no authors, then each adds one."""
    assert client.get("/authors").json() == [], f"run {run} saw another test's rows"
    assert client.post("/authors", json=ANN).status_code == 201


def test_lifespan_creates_the_engine_and_schema_the_app_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without overrides the app uses the engine its lifespan built from DATABASE_URL."""
    with isolated_database(tmp_path) as url:
        monkeypatch.setattr(lesson, "DATABASE_URL", url)
        with TestClient(app) as running:
            assert running.post("/authors", json=ANN).status_code == 201
            assert running.get("/authors").json()[0]["email"] == "ann@example.com"
            engine = app.state.session_factory.kw["bind"]
            assert engine.url.render_as_string(hide_password=False) == url
        # Shutdown disposed of the pool: no connection is left open to the database.
        assert engine.pool.checkedout() == 0
        assert engine.pool.checkedin() == 0


def test_the_lifespan_is_an_async_context_manager() -> None:
    """`lifespan` is an @asynccontextmanager function: the form Starlette's router takes without
    a deprecation warning. (FastAPI up to 0.122 hands the lifespan to that router as it is;
    later versions wrap a bare async generator function themselves, silently.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FastAPI(lifespan=lesson.lifespan)
        Router(lifespan=lesson.lifespan)  # a bare async generator function warns here
