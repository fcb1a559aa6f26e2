"""Log out

In lessons/27_testing/app.py add `POST /logout`: it answers 204, forgets the session in
the store (so the old token no longer works, even if a client sends it again) and tells the
browser to drop the cookie. A client that is not logged in gets the same 401 as `/me`.
"""

from fastapi.testclient import TestClient

from ..app import app
from ..support import BASE_URL

HINT = (
    "Depend on the same things `/me` and `/login` do: the store, the current user and the "
    "`session` cookie. `store.sessions.pop(...)` forgets a token, and "
    "`response.delete_cookie(...)` sends a Set-Cookie that expires it."
)


def test_logout_forgets_the_session_and_the_cookie() -> None:
    """After POST /logout (204) /me is 401 again and the client's jar is empty."""
    with TestClient(app, base_url=BASE_URL) as client:
        assert client.post("/login", json={"username": "ada"}).status_code == 204
        token = client.cookies["session"]
        response = client.post("/logout")
        assert response.status_code == 204
        assert "session" not in client.cookies, "the response must expire the cookie"
        assert client.get("/me").status_code == 401
        # Replaying the old token does not work either: the server forgot it.
        client.cookies.set("session", token)
        assert client.get("/me").status_code == 401


def test_logout_without_a_session_is_401() -> None:
    """POST /logout with no session cookie answers 401 "not logged in"."""
    with TestClient(app, base_url=BASE_URL) as client:
        response = client.post("/logout")
    assert response.status_code == 401
    assert response.json() == {"detail": "not logged in"}


def test_logout_documents_its_204_and_401() -> None:
    """The schema lists POST /logout with its 204 and the 401 for a missing session."""
    responses = app.openapi()["paths"]["/logout"]["post"]["responses"]
    assert {"204", "401"} <= set(responses)
