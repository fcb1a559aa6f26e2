"""Anti-pattern 2: returning an ORM object without a response model leaks every column.

Fix: `response_model=UserOut` (or a `-> UserOut` annotation) filters the object through a
schema that names the public fields, and documents them in OpenAPI too.
"""

import pytest
from fastapi import APIRouter
from fastapi.exceptions import FastAPIError
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from .app import UserOut, app
from .models import User

client = TestClient(app)

# Stored as it is: these tests read users, so no hashing is needed to make one.
HASH = "scrypt$16384$00112233445566778899aabbccddeeff$c0ffee"


@pytest.fixture
def user_id(sessions: sessionmaker[Session]) -> int:
    """The id of one stored user (with a password hash) in this test's database."""
    with sessions.begin() as session:
        user = User(name="Ada", email="ada@example.com", password_hash=HASH)
        session.add(user)
        session.flush()
        return user.id


def test_orm_object_without_response_model_leaks_every_column(user_id: int) -> None:
    """GET /before/users/{id} sends every column of the row, password_hash included."""
    body = client.get(f"/before/users/{user_id}").json()

    columns = {column.name for column in User.__table__.columns}
    assert set(body) == columns, "without a response model, the row goes out whole"
    assert body["password_hash"] == HASH, "the secret column reached the client"


def test_response_model_sends_only_the_public_fields(user_id: int) -> None:
    """GET /after/users/{id} returns the same ORM object, filtered down to UserOut's fields."""
    response = client.get(f"/after/users/{user_id}")

    assert response.status_code == 200
    assert response.json() == {"id": user_id, "name": "Ada", "email": "ada@example.com"}
    assert set(response.json()) == set(UserOut.model_fields)
    assert HASH not in response.text


def test_orm_class_as_return_annotation_is_refused_when_the_route_is_declared() -> None:
    """`-> User` alone is rejected at startup: why the leaky route needs response_model=None."""
    router = APIRouter()
    with pytest.raises(FastAPIError, match="Invalid args for response field"):

        @router.get("/users/{user_id}")
        def read_user(user_id: int) -> User:
            raise NotImplementedError  # never called: declaring the route already fails


def test_openapi_documents_a_shape_only_for_the_fixed_route() -> None:
    """The leaky route documents an empty schema; the fixed one documents UserOut exactly."""
    schema = app.openapi()

    def ok_schema(path: str) -> object:
        return schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]

    assert ok_schema("/before/users/{user_id}") == {}, "clients cannot know what they get"
    assert ok_schema("/after/users/{user_id}") == {"$ref": "#/components/schemas/UserOut"}
    assert set(schema["components"]["schemas"]["UserOut"]["properties"]) == {"id", "name", "email"}


@pytest.mark.parametrize("prefix", ["/before", "/after"])
def test_missing_or_out_of_range_user_is_a_client_error(
    prefix: str, sessions: sessionmaker[Session]
) -> None:
    """An unknown id is 404 from the service's UnknownUser; ids outside 1..2**31-1 are 422."""
    missing = client.get(f"{prefix}/users/99")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No user with id 99"}
    for out_of_range in (0, 2**31):
        response = client.get(f"{prefix}/users/{out_of_range}")
        assert response.status_code == 422, out_of_range
        assert response.json()["detail"][0]["loc"] == ["path", "user_id"]
