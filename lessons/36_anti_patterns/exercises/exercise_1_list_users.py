"""List users without leaking a column.

Add `GET /after/users` to app.py: every user, oldest first, as a list of `UserOut`
(`response_model=list[UserOut]`). Put the query in services.py as `list_users(session)`,
like `get_user`, so the route stays thin. The rows carry password hashes; the response
must not.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ..app import app
from ..models import User

HINT: str = (
    "A response model can be a list: FastAPI filters each item through UserOut, exactly as "
    "it does for the single-user route. SQLAlchemy's `select(User).order_by(User.id)` gives "
    "the rows in order."
)

client = TestClient(app)


@pytest.fixture
def two_users(sessions: sessionmaker[Session]) -> None:
    """Two stored users, each with a (fake) password hash."""
    with sessions.begin() as session:
        session.add(User(name="Ada", email="ada@example.com", password_hash="scrypt$1$aa$bb"))
        session.add(User(name="Bob", email="bob@example.com", password_hash="scrypt$1$cc$dd"))


@pytest.mark.usefixtures("two_users")
def test_user_list_sends_only_the_public_fields() -> None:
    """GET /after/users lists every user, oldest first, with id, name and email only."""
    response = client.get("/after/users")

    assert response.status_code == 200, "add the GET /after/users route"
    assert response.json() == [
        {"id": 1, "name": "Ada", "email": "ada@example.com"},
        {"id": 2, "name": "Bob", "email": "bob@example.com"},
    ]
    assert "scrypt" not in response.text, "a password hash leaked"


def test_user_list_is_documented_as_a_list_of_user_out() -> None:
    """The OpenAPI schema promises an array of UserOut, so clients know what they get."""
    paths = app.openapi()["paths"]
    assert "/after/users" in paths, "add the GET /after/users route"
    schema = paths["/after/users"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"]["type"] == "array"
    assert schema["schema"]["items"] == {"$ref": "#/components/schemas/UserOut"}
