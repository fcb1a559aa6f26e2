"""Let a user delete their own account

Add `DELETE /users/me` to lessons/14_jwt_auth/app.py: with a valid access token it deletes
the caller's account and answers 204 with no body. Every token the user still holds must
stop working at once: nothing but the deletion should be needed for that.
"""

from fastapi.testclient import TestClient

from .. import app as lesson
from ..support import bearer, log_in, sign_up

HINT = (
    "Depend on CurrentUser and remove the user from USERS. Look at decode_token: it already "
    "refuses tokens whose subject is no longer a user, refresh tokens included."
)

client = TestClient(lesson.app)
PASSWORD = "correct horse battery staple"


def tokens_of_bob() -> dict[str, str]:
    """Sign bob up and log him in: his access and refresh tokens."""
    sign_up(client, "bob", PASSWORD, full_name="Bob")
    return log_in(client, "bob", PASSWORD)


def test_deleting_your_account_is_204_and_removes_only_you() -> None:
    """DELETE /users/me → 204, empty body; bob is gone, alice is not."""
    tokens = tokens_of_bob()
    headers = bearer(tokens["access_token"])
    response = client.delete("/users/me", headers=headers)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert "bob" not in lesson.USERS
    assert "alice" in lesson.USERS


def test_every_token_of_a_deleted_account_stops_working() -> None:
    """After the deletion the access token is 401, the refresh token too, and login fails."""
    tokens = tokens_of_bob()
    headers = bearer(tokens["access_token"])
    assert client.delete("/users/me", headers=headers).status_code == 204
    assert client.get("/users/me", headers=headers).status_code == 401
    refreshed = client.post("/token/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    login = client.post("/token", data={"username": "bob", "password": PASSWORD})
    assert login.status_code == 401


def test_deleting_needs_a_valid_access_token() -> None:
    """No token, a made-up one, or a refresh token in its place: 401, and nobody is deleted."""
    tokens = tokens_of_bob()
    for headers in (
        {},
        bearer("made-up"),
        bearer(tokens["refresh_token"]),
    ):
        response = client.delete("/users/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
    assert set(lesson.USERS) == {"alice", "bob"}
