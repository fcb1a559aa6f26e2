"""Let a user change their own name

Add `PATCH /users/me` to lessons/14_jwt_auth/app.py. It takes a JSON body
`{"full_name": "..."}` (1 to 100 characters, like at sign-up), needs a valid access token,
changes the name of the user the token belongs to, and answers the updated user (200).
Declare its 401 in the docs like /users/me does.
"""

from fastapi.testclient import TestClient

from .. import app as lesson
from ..support import bearer, log_in, sign_up

HINT = (
    "The CurrentUser dependency already turns a bearer token into a user, or a 401. The "
    "stored user lives in USERS under its username; a small body model can reuse the "
    "Field constraints NewUser puts on full_name."
)

client = TestClient(lesson.app)
PASSWORD = "correct horse battery staple"


def login_as_bob() -> dict[str, str]:
    """Sign bob up, log him in, and return his Authorization header."""
    sign_up(client, "bob", PASSWORD, full_name="Bob")
    return bearer(log_in(client, "bob", PASSWORD)["access_token"])


def test_a_user_renames_themselves_and_the_change_sticks() -> None:
    """PATCH /users/me → 200 with the new name; /users/me then shows it too."""
    headers = login_as_bob()
    response = client.patch("/users/me", json={"full_name": "Robert"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"username": "bob", "full_name": "Robert"}
    assert client.get("/users/me", headers=headers).json() == response.json()
    assert lesson.USERS["alice"].full_name == "Alice Liddell", "only the caller was renamed"


def test_renaming_needs_a_valid_access_token() -> None:
    """Without a token, or with a made-up one: 401 with a Bearer challenge."""
    for headers in ({}, bearer("made-up")):
        response = client.patch("/users/me", json={"full_name": "Mallory"}, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
    assert lesson.USERS["alice"].full_name == "Alice Liddell"


def test_the_new_name_is_validated_like_at_sign_up() -> None:
    """An empty name or one of 101 characters is 422; exactly 100 characters is accepted."""
    headers = login_as_bob()
    for bad in ("", "x" * 101):
        response = client.patch("/users/me", json={"full_name": bad}, headers=headers)
        assert response.status_code == 422, f"{len(bad)} characters: {response.status_code}"
    longest = client.patch("/users/me", json={"full_name": "x" * 100}, headers=headers)
    assert longest.status_code == 200


def test_the_route_is_documented_with_its_401() -> None:
    """OpenAPI lists PATCH /users/me, protected by the password flow, with a 401 response."""
    operation = client.get("/openapi.json").json()["paths"]["/users/me"]["patch"]
    assert operation["security"] == [{"OAuth2PasswordBearer": []}]
    assert "401" in operation["responses"]
