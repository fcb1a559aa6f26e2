"""Lesson 20 claims about the app: it migrates its database at startup and serves the tasks."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, QueuePool, String, create_engine, select, text

from .app import app, lifespan
from .migrate import upgrade
from .models import Task


def test_startup_migrates_an_empty_database_and_serves_tasks(database_url: str) -> None:
    """The lifespan runs `upgrade head`, so a brand-new database works from the first request."""
    with TestClient(app) as client:
        created = client.post("/tasks", json={"title": "learn Alembic"})
        assert created.status_code == 201
        assert created.json() == {
            "id": created.json()["id"],
            "title": "learn Alembic",
            "done": False,
        }
        done = client.post("/tasks", json={"title": "ship it", "done": True})
        assert done.json()["done"] is True
        listing = client.get("/tasks")
    assert [(t["title"], t["done"]) for t in listing.json()] == [
        ("learn Alembic", False),
        ("ship it", True),
    ]


def test_startup_upgrades_an_old_database_and_keeps_its_rows(database_url: str) -> None:
    """A database left at revision 0001 is brought to head at startup; its rows are served."""
    upgrade(database_url, "0001")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO tasks (title) VALUES ('from before 0002')"))
    finally:
        engine.dispose()

    with TestClient(app) as client:
        listing = client.get("/tasks").json()

    assert [(t["title"], t["done"]) for t in listing] == [("from before 0002", False)]


def test_restarting_the_app_keeps_the_data(database_url: str) -> None:
    """Startup migrations are idempotent: a second start at head changes nothing."""
    with TestClient(app) as client:
        client.post("/tasks", json={"title": "survive a restart"})
    with TestClient(app) as client:
        titles = [t["title"] for t in client.get("/tasks").json()]
    assert titles == ["survive a restart"]


def test_titles_the_column_cannot_hold_are_422(database_url: str) -> None:
    """Empty, longer than the column's 200 characters, or containing NUL → 422, never a 500."""
    with TestClient(app) as client:
        for title in ("", "x" * 201, "a\x00b"):
            response = client.post("/tasks", json={"title": title})
            assert response.status_code == 422, f"{title!r} should be refused"
            assert response.json()["detail"][0]["loc"] == ["body", "title"]
        for title in ("x", "x" * 200):  # the shortest and the longest title that fit
            assert client.post("/tasks", json={"title": title}).status_code == 201, len(title)
        assert [len(t["title"]) for t in client.get("/tasks").json()] == [1, 200]


def test_openapi_documents_the_title_bounds_of_the_column() -> None:
    """OpenAPI says a title is 1 to 200 characters: the length of the tasks.title column."""
    title = app.openapi()["components"]["schemas"]["TaskIn"]["properties"]["title"]
    assert (title["minLength"], title["maxLength"]) == (1, 200)
    column_type = Task.__table__.c.title.type
    assert isinstance(column_type, String)
    assert column_type.length == 200, "the column is String(200)"


@pytest.mark.asyncio
async def test_the_lifespan_closes_the_database_connections_on_shutdown(
    database_url: str,
) -> None:
    """`lifespan` is an async context manager; leaving it drops the sessionmaker and the pool."""
    async with lifespan(app):  # what the server does around serving, without a server
        with app.state.sessionmaker() as session:
            assert session.scalars(select(Task)).all() == [], "migrated: the table exists"
            engine = session.get_bind()
        assert isinstance(engine, Engine)
        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.checkedin() == 1, "the session gave its connection back to the pool"
    assert not hasattr(app.state, "sessionmaker"), "shutdown removed the sessionmaker"
    assert engine.pool.checkedin() == 0, "shutdown disposed of the engine's connections"
