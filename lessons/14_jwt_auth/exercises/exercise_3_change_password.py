"""Let a user change their password

Add `POST /users/me/password` to lessons/14_jwt_auth/app.py. Its JSON body is
`{"current_password": "...", "new_password": "..."}`; the new one follows the sign-up rule
(12 to 128 characters). It needs a valid access token AND the current password (a stolen
token alone must not be enough): a wrong current password is 403 with the detail
"Current password is incorrect". On success: 204, and only the new password logs in.
"""

from fastapi.testclient import TestClient

from .. import app as lesson
from ..support import bearer, log_in, sign_up

HINT = (
    "Depend on CurrentUser, then check current_password with password_hash.verify against "
    "the stored hash. Store password_hash.hash(new_password), never the password itself."
)

client = TestClient(lesson.app)
OLD = "correct horse battery staple"
NEW = "a brand new passphrase"


def login(password: str) -> int:
    return client.post("/token", data={"username": "bob", "password": password}).status_code


def bob_headers() -> dict[str, str]:
    """Sign bob up with OLD, log him in, and return his Authorization header."""
    sign_up(client, "bob", OLD, full_name="Bob")
    return bearer(log_in(client, "bob", OLD)["access_token"])


def test_changing_the_password_swaps_which_password_logs_in() -> None:
    """204 with no body; afterwards the new password logs in and the old one is 401."""
    headers = bob_headers()
    body = {"current_password": OLD, "new_password": NEW}
    response = client.post("/users/me/password", json=body, headers=headers)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert (login(NEW), login(OLD)) == (200, 401)
    stored = lesson.USERS["bob"].password_hash
    assert stored.startswith("$argon2id$"), "store an Argon2id hash"
    assert NEW not in stored, "store a hash, never the password itself"


def test_a_wrong_current_password_is_403_and_changes_nothing() -> None:
    """A valid token with the wrong current password: 403, and the old password still works."""
    headers = bob_headers()
    body = {"current_password": "not my password", "new_password": NEW}
    response = client.post("/users/me/password", json=body, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "Current password is incorrect"}
    assert (login(OLD), login(NEW)) == (200, 401)


def test_the_new_password_follows_the_sign_up_rule() -> None:
    """11 characters is 422 and changes nothing; exactly 12 is accepted."""
    headers = bob_headers()
    short = client.post(
        "/users/me/password",
        json={"current_password": OLD, "new_password": "x" * 11},
        headers=headers,
    )
    assert short.status_code == 422
    assert login(OLD) == 200
    exact = client.post(
        "/users/me/password",
        json={"current_password": OLD, "new_password": "x" * 12},
        headers=headers,
    )
    assert exact.status_code == 204
    assert login("x" * 12) == 200


def test_changing_the_password_needs_a_token() -> None:
    """Without a token: 401 with a Bearer challenge, even with the right current password."""
    sign_up(client, "bob", OLD, full_name="Bob")
    response = client.post(
        "/users/me/password", json={"current_password": OLD, "new_password": NEW}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert login(OLD) == 200
