"""Lesson 08 claims: an override replaces a dependency wherever FastAPI meets it, however
deep in a chain, and FastAPI finds it by the function object itself, not by its name.
"""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import Header
from fastapi.testclient import TestClient

from .app import Settings, User, app, connect, get_current_user, get_db, get_settings
from .app import get_settings as the_same_function
from .conftest import SetOverride

client = TestClient(app)
DEMO = {"X-Token": "demo-token"}  # the user every database is created with


def test_override_replaces_a_dependency_from_the_next_request_on(override: SetOverride) -> None:
    """Setting app.dependency_overrides[get_settings] swaps it at once; deleting it swaps back."""
    assert client.get("/info").json()["app_name"] == "Notes"
    override(get_settings, lambda: Settings(app_name="Test notes"))  # the client already exists
    assert client.get("/info").json() == {"app_name": "Test notes", "max_note_length": 280}
    del app.dependency_overrides[get_settings]
    assert client.get("/info").json()["app_name"] == "Notes", "overrides are read per request"


def test_override_reaches_a_dependency_deep_inside_a_chain(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """/admin/notes → require_admin → get_current_user: overriding the inner one decides."""
    override(get_db, lambda: memory_db)
    override(get_current_user, lambda: User(name="ada", role="admin"))
    assert client.get("/admin/notes").status_code == 200, "require_admin saw the fake admin"
    override(get_current_user, lambda: User(name="bob", role="user"))
    assert client.get("/admin/notes").status_code == 403, "…and now the fake regular user"


def test_override_at_the_bottom_of_a_chain_redirects_everything_above_it(
    override: SetOverride, tmp_path: Path
) -> None:
    """Overriding only get_settings makes the real get_db and get_current_user use a test file."""
    test_file = tmp_path / "notes.sqlite3"
    override(get_settings, lambda: Settings(database_path=str(test_file)))
    assert client.get("/me", headers=DEMO).json() == {"name": "demo", "role": "user"}
    assert client.post("/notes", json={"text": "hello"}, headers=DEMO).status_code == 201

    connection = sqlite3.connect(test_file)  # the note is in the test's file, nowhere else
    try:
        rows = connection.execute("SELECT owner, text FROM notes").fetchall()
    finally:
        connection.close()
    assert rows == [("demo", "hello")]


def test_an_overridden_dependency_does_not_resolve_its_own_sub_dependencies(
    override: SetOverride, memory_db: sqlite3.Connection, tmp_path: Path
) -> None:
    """An override replaces the whole sub-tree: get_db's own dependency is no longer called."""
    settings_calls: list[str] = []

    def counting_settings() -> Settings:
        settings_calls.append("get_settings")
        return Settings(database_path=str(tmp_path / "notes.sqlite3"))

    override(get_settings, counting_settings)
    assert client.get("/me", headers=DEMO).status_code == 200
    assert settings_calls == ["get_settings"], "the real get_db asked for the settings"

    settings_calls.clear()
    override(get_db, lambda: memory_db)  # the fake takes no parameters at all
    assert client.get("/me", headers=DEMO).status_code == 200
    assert settings_calls == [], "with get_db overridden, nothing asked for the settings"


def test_an_override_can_declare_its_own_parameters(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """An override is a dependency too: here it reads a test-only header to pick the user."""

    def user_from_test_header(x_test_user: Annotated[str, Header()]) -> User:
        return User(name=x_test_user, role="user")

    override(get_db, lambda: memory_db)
    override(get_current_user, user_from_test_header)
    for name in ("alice", "bob"):
        response = client.post(
            "/notes", json={"text": f"{name}'s note"}, headers={"X-Test-User": name}
        )
        assert response.status_code == 201
    notes = client.get("/notes", headers={"X-Test-User": "alice"}).json()
    assert [note["text"] for note in notes] == ["alice's note"]
    missing = client.get("/notes")
    assert missing.status_code == 422, "the override's own parameter is validated"
    assert missing.json()["detail"][0]["loc"] == ["header", "x-test-user"]


def test_a_yield_override_is_set_up_and_torn_down_per_request(override: SetOverride) -> None:
    """A generator override behaves like a `yield` dependency: a fresh database per request."""
    opened: list[sqlite3.Connection] = []
    closed: list[sqlite3.Connection] = []

    def fresh_database_per_request() -> Iterator[sqlite3.Connection]:
        connection = connect(":memory:")
        opened.append(connection)
        try:
            yield connection
        finally:
            connection.close()
            closed.append(connection)

    override(get_db, fresh_database_per_request)
    assert (
        client.post("/notes", json={"text": "gone next request"}, headers=DEMO).status_code == 201
    )
    assert client.get("/notes", headers=DEMO).json() == [], "the second request got a new database"
    assert len(opened) == 2
    assert closed == opened, "each request's database was closed by the override's teardown"


def test_an_override_is_not_type_checked(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """FastAPI trusts the override's return value: a dict where a User is expected is a 500."""
    override(get_db, lambda: memory_db)
    override(get_current_user, lambda: {"name": "ada", "role": "admin"})
    with pytest.raises(AttributeError, match="role"):  # require_admin reads user.role
        client.get("/admin/notes")
    quiet = TestClient(app, raise_server_exceptions=False)
    assert quiet.get("/admin/notes").status_code == 500


def test_overriding_a_look_alike_function_does_nothing(override: SetOverride) -> None:
    """Overrides are keyed by the function object: a copy with the same name and body is ignored."""

    def get_settings() -> Settings:  # same name, same body as app.get_settings: another object
        return Settings()

    override(get_settings, lambda: Settings(app_name="Fake"))
    assert client.get("/info").json()["app_name"] == "Notes", "the route still got the real one"


def test_an_imported_alias_is_the_same_object_and_works(override: SetOverride) -> None:
    """`import get_settings as x` binds the very same object, so overriding x works."""
    assert the_same_function is get_settings
    override(the_same_function, lambda: Settings(app_name="Via alias"))
    assert client.get("/info").json()["app_name"] == "Via alias"


def test_overriding_the_function_inside_lru_cache_does_nothing(override: SetOverride) -> None:
    """Routes depend on the lru_cache wrapper; overriding the wrapped original misses it."""
    override(get_settings.__wrapped__, lambda: Settings(app_name="Fake"))
    assert client.get("/info").json()["app_name"] == "Notes"
    override(get_settings, lambda: Settings(app_name="Fake"))  # the object routes declared
    assert client.get("/info").json()["app_name"] == "Fake"
