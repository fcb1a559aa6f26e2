"""Publish a smaller view of the same row

In lessons/05_response_models/app.py, add a model `UserName` with only a `name` field, and
`GET /users/{user_id}/name` that returns the stored row (use `find_row`) through it. An
unknown user is the same documented 404 as the other user endpoints.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ..app import USERS, app

HINT = (
    "A response model may declare fewer fields than the row holds: every key it does not "
    "declare is dropped. Reuse NOT_FOUND in `responses=` to document the 404."
)

client = TestClient(app)


@pytest.fixture(autouse=True)
def empty_user_store() -> Iterator[None]:
    """Each test starts with no users and leaves none behind."""
    saved = dict(USERS)
    USERS.clear()
    yield
    USERS.clear()
    USERS.update(saved)


def test_the_name_view_sends_the_name_and_nothing_else() -> None:
    """GET /users/{id}/name answers exactly {"name": ...}: no id, email or hash."""
    user = {"name": "Asha", "email": "asha@example.com", "password": "s3cret pass"}
    user_id = client.post("/users", json=user).json()["id"]
    response = client.get(f"/users/{user_id}/name")
    assert response.status_code == 200, (
        f"GET /users/{user_id}/name answered {response.status_code}: add the operation"
    )
    assert response.json() == {"name": "Asha"}, "the response model must hold only `name`"


def test_the_name_view_of_an_unknown_user_is_a_documented_404() -> None:
    """An unknown id is 404 {"detail": "User not found"}, and the 404 is in the docs."""
    response = client.get("/users/999/name")
    assert response.json() == {"detail": "User not found"}, (
        f"got {response.status_code} {response.json()}: look the row up with find_row"
    )
    assert response.status_code == 404
    operation = app.openapi()["paths"].get("/users/{user_id}/name", {}).get("get")
    assert operation is not None, "GET /users/{user_id}/name is not in the OpenAPI document"
    assert "404" in operation["responses"], "declare the 404 with responses=NOT_FOUND"
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/UserName"}
