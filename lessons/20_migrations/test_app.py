"""Lesson 20 claims about the app: it migrates its database at startup and serves the tasks."""

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from .app import app
from .migrate import upgrade


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
    longest = app.openapi()["components"]["schemas"]["TaskIn"]["properties"]["title"]["maxLength"]
    with TestClient(app) as client:
        for title in ("", "x" * (longest + 1), "a\x00b"):
            response = client.post("/tasks", json={"title": title})
            assert response.status_code == 422, title
            assert response.json()["detail"][0]["loc"] == ["body", "title"]
        assert client.post("/tasks", json={"title": "x" * longest}).status_code == 201
        assert len(client.get("/tasks").json()) == 1
