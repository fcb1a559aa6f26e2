"""Count notes through the injected user and database

In lessons/08_dependency_overrides/app.py, add `GET /notes/count` answering
`{"owner": <user name>, "count": <how many notes that user has>}`. Take the user and the
database from the same dependencies as the other note routes, so that the fixture below
can swap both.
"""

import sqlite3

import pytest
from fastapi.testclient import TestClient

from ..app import User, app, get_current_user, get_db
from ..conftest import SetOverride

HINT = (
    "Copy the parameters of list_my_notes: UserDep and DbDep. SQL's COUNT(*) with a WHERE "
    "on the owner does the counting."
)

client = TestClient(app)


@pytest.fixture
def alice_with_notes(override: SetOverride, memory_db: sqlite3.Connection) -> sqlite3.Connection:
    """A private database holding two notes of alice and one of bob; alice is logged in."""
    memory_db.executemany(
        "INSERT INTO notes (owner, text) VALUES (?, ?)",
        [("alice", "one"), ("bob", "not hers"), ("alice", "two")],
    )
    memory_db.commit()
    override(get_db, lambda: memory_db)
    override(get_current_user, lambda: User(name="alice", role="user"))
    return memory_db


def test_count_covers_only_the_current_users_notes(alice_with_notes: sqlite3.Connection) -> None:
    """GET /notes/count answers {"owner": "alice", "count": 2}: bob's note is not hers."""
    response = client.get("/notes/count")
    assert response.status_code == 200, (
        f"GET /notes/count answered {response.status_code}: add the route"
    )
    assert response.json() == {"owner": "alice", "count": 2}, (
        "count the injected user's notes in the injected database"
    )


def test_count_follows_new_notes(alice_with_notes: sqlite3.Connection) -> None:
    """A note alice posts is counted at once: both routes share the swapped database."""
    assert client.post("/notes", json={"text": "three"}).status_code == 201
    response = client.get("/notes/count")
    assert response.status_code == 200, f"GET /notes/count answered {response.status_code}"
    assert response.json() == {"owner": "alice", "count": 3}


def test_count_without_a_user_override_needs_a_token(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """Only the database swapped: the real token check applies (401, then the demo user)."""
    override(get_db, lambda: memory_db)
    response = client.get("/notes/count")
    assert response.status_code == 401, f"no token answered {response.status_code}"
    demo = client.get("/notes/count", headers={"X-Token": "demo-token"})
    assert demo.json() == {"owner": "demo", "count": 0}
