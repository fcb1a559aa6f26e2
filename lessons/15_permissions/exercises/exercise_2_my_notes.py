"""List your own notes

Add `GET /notes` to lessons/15_permissions/app.py: any logged-in user gets the list of the
notes they may read (their own), in id order, and nobody else's; an admin is no exception,
because notes are private. Use the policy's may_read_note rather than a comparison of your
own. Without a token: 401. Document the 401.
"""

from fastapi.testclient import TestClient

from .. import app as lesson
from ..support import bearer

HINT = (
    "read_note shows how to get the user (Depends(get_current_user)) and which rule "
    "decides. Filter NOTES.values() with it; the return annotation list[Note] does the rest."
)

client = TestClient(lesson.app)


def test_each_user_lists_exactly_their_own_notes() -> None:
    """bob gets his note only, carol hers; admin alice and viewer dave get an empty list."""
    lesson.NOTES[3] = lesson.Note(id=3, owner="bob", text="Bob's second note")
    bob = client.get("/notes", headers=bearer("bob"))
    assert bob.status_code == 200, bob.text
    assert bob.json() == [
        {"id": 1, "owner": "bob", "text": "Bob's private note"},
        {"id": 3, "owner": "bob", "text": "Bob's second note"},
    ]
    carol = client.get("/notes", headers=bearer("carol")).json()
    assert carol == [{"id": 2, "owner": "carol", "text": "Carol's private note"}]
    for name in ("alice", "dave"):
        response = client.get("/notes", headers=bearer(name))
        assert response.status_code == 200
        assert response.json() == [], f"{name} sees someone else's notes"


def test_listing_notes_needs_a_token() -> None:
    """No token or a made-up one: 401 with WWW-Authenticate: Bearer."""
    for headers in ({}, {"Authorization": "Bearer made-up"}):
        response = client.get("/notes", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"


def test_the_list_is_documented_as_needing_login_but_no_scope() -> None:
    """OpenAPI: GET /notes uses the password flow with no scope, and lists its 401."""
    operation = client.get("/openapi.json").json()["paths"]["/notes"]["get"]
    assert operation["security"] == [{"OAuth2PasswordBearer": []}]
    assert "401" in operation["responses"]
