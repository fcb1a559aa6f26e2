"""PUT replaces the whole user.

Add `PUT /users/{user_id}` to app.py. Unlike PATCH it takes a complete `UserCreate`: a
missing field is a 422. It answers 200 with the replaced user, 404 for an id nobody has and
409 when the email belongs to another user. Declare the 404 and 409 in `responses=`.
"""

from fastapi.testclient import TestClient

from ..app import app
from ..conftest import Database

HINT: str = (
    "The service already knows how to change fields and map a taken email: a UserUpdate "
    "built from every field of the UserCreate (`UserUpdate(**payload.model_dump())`) is a "
    "full replacement."
)

client = TestClient(app)


def test_put_replaces_every_field(database: Database) -> None:
    """PUT with a full body → 200 and the new values; GET agrees."""
    user = client.post("/users", json={"name": "Ann", "email": "ann@example.com"}).json()
    url = f"/users/{user['id']}"
    replaced = client.put(url, json={"name": "Annie", "email": "annie@example.com"})
    assert replaced.status_code == 200
    expected = {"id": user["id"], "name": "Annie", "email": "annie@example.com"}
    assert replaced.json() == expected
    assert client.get(url).json() == expected


def test_put_needs_every_field_and_answers_404_and_409(database: Database) -> None:
    """A PUT missing a field → 422; an unknown id → 404; another user's email → 409."""
    ann = client.post("/users", json={"name": "Ann", "email": "ann@example.com"}).json()
    bob = client.post("/users", json={"name": "Bob", "email": "bob@example.com"}).json()
    partial = client.put(f"/users/{ann['id']}", json={"name": "Annie"})
    assert partial.status_code == 422
    assert partial.json()["detail"][0]["loc"] == ["body", "email"]
    missing = client.put(f"/users/{bob['id'] + 1}", json={"name": "x", "email": "x@example.com"})
    assert (missing.status_code, missing.json()) == (404, {"detail": "User not found"})
    taken = client.put(f"/users/{bob['id']}", json={"name": "Bob", "email": "ann@example.com"})
    assert (taken.status_code, taken.json()) == (409, {"detail": "Email already registered"})
    responses = app.openapi()["paths"]["/users/{user_id}"]["put"]["responses"]
    assert {"200", "404", "409", "422"} <= set(responses)
