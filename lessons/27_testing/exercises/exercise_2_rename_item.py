"""Rename an item, logged in only

In lessons/27_testing/app.py add `PUT /items/{item_id}` taking a JSON body
`{"name": "..."}` (1 to 40 characters). Only a logged-in user may call it (401 otherwise);
an unknown id is a 404, like the GET. It stores the new name and answers 200 with
`{"id": ..., "name": ...}`. The tests use an override to skip the login.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ..app import User, app, get_current_user
from ..support import BASE_URL, temporary_overrides


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as client:
        yield client


HINT = (
    "Reuse the pieces: `UserDep` for the login, `StoreDep` for the items, the same "
    "`Path(ge=1)` as the GET, and a small pydantic model with `Field(min_length=..., "
    "max_length=...)` for the body."
)


def test_renaming_needs_a_login(client: TestClient) -> None:
    """Without a session, PUT /items/1 is 401 and the item keeps its name."""
    response = client.put("/items/1", json={"name": "quince"})
    assert response.status_code == 401
    assert client.get("/items/1").json() == {"id": 1, "name": "apple"}


def test_a_logged_in_user_renames_an_item(client: TestClient) -> None:
    """With get_current_user overridden, PUT stores the name and the GET returns it."""
    with temporary_overrides(app) as overrides:
        overrides[get_current_user] = lambda: User(username="ada")
        response = client.put("/items/1", json={"name": "quince"})
        assert response.status_code == 200
        assert response.json() == {"id": 1, "name": "quince"}
        assert client.get("/items/1").json() == {"id": 1, "name": "quince"}
        assert client.put("/items/99", json={"name": "fig"}).status_code == 404


@pytest.mark.parametrize(
    ("name", "status"), [("", 422), ("x", 200), ("x" * 40, 200), ("x" * 41, 422)]
)
def test_new_name_is_1_to_40_characters(client: TestClient, name: str, status: int) -> None:
    """The name's bounds are inclusive: 1 and 40 characters pass, 0 and 41 are 422."""
    with temporary_overrides(app) as overrides:
        overrides[get_current_user] = lambda: User(username="ada")
        assert client.put("/items/2", json={"name": name}).status_code == status
