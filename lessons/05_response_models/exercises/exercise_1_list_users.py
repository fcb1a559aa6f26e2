"""List users through a list response model

In lessons/05_response_models/app.py, add `GET /users` that returns every stored user. The
handler may return the rows as they are (hash included): declare the response model as a
list of `UserOut` so that each element is filtered, and the docs show an array of users.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ..app import USERS, app

HINT = (
    "`response_model=` (or the return annotation) accepts any type Pydantic understands, "
    "not only a model: `list[SomeModel]` filters every element through `SomeModel`."
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


def create(name: str) -> dict[str, Any]:
    user = {"name": name, "email": f"{name.lower()}@example.com", "password": "s3cret pass"}
    response = client.post("/users", json=user)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_listing_returns_every_user_with_public_fields_only() -> None:
    """GET /users answers 200 with the created users, as UserOut, in creation order."""
    users = [create("Asha"), create("Bo")]
    response = client.get("/users")
    assert response.status_code == 200, (
        f"GET /users answered {response.status_code}: add a GET operation for /users"
    )
    assert response.json() == users, "each element must be exactly the public UserOut fields"
    assert "password_hash" not in response.text, "the hash leaked: filter through UserOut"


def test_listing_is_documented_as_an_array_of_user_out() -> None:
    """OpenAPI: GET /users' 200 response is an array whose items are UserOut."""
    paths = app.openapi()["paths"]
    assert "get" in paths["/users"], "GET /users is not in the OpenAPI document"
    schema = paths["/users"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema.get("type") == "array", f"the response schema is {schema}"
    assert schema["items"] == {"$ref": "#/components/schemas/UserOut"}
