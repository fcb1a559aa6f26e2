"""Lesson 15 claims about OAuth2 scopes: Security(..., scopes=[...]) and what a token may do."""

import re

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from . import app as lesson
from .app import Permission
from .support import ACTIONS, ALL_SCOPES, bearer, perform

client = TestClient(lesson.app)


def test_missing_scope_is_403_naming_the_scope() -> None:
    """An admin token granted only articles:read may read, but writing is 403 naming the scope."""
    read_only = bearer("alice", scopes=["articles:read"])
    assert client.get("/articles", headers=read_only).status_code == 200
    response = client.post("/articles", json={"title": "New"}, headers=read_only)
    assert response.status_code == 403
    assert response.json() == {"detail": "Missing scope: articles:write"}
    assert (
        response.headers["www-authenticate"]
        == 'Bearer error="insufficient_scope", scope="articles:write"'
    )


@given(granted=st.sets(st.sampled_from(ALL_SCOPES)), permission=st.sampled_from(list(Permission)))
def test_a_token_opens_exactly_the_routes_its_scopes_cover(
    granted: set[str], permission: Permission
) -> None:
    """Hypothesis: for an admin token with any set of scopes, an action succeeds iff covered."""
    action = ACTIONS[permission]
    response = perform(action, bearer("alice", scopes=sorted(granted)))
    if permission in granted:
        assert response.status_code == action.success
    else:
        assert response.status_code == 403
        assert response.json() == {"detail": f"Missing scope: {permission}"}


def test_login_grants_only_requested_scopes_the_role_allows() -> None:
    """dave (viewer) asks for read and write: the token gets read only, and cannot write."""
    response = client.post(
        "/token",
        data={
            "username": "dave",
            "password": "dave-demo-pass",
            "scope": "articles:read articles:write",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "articles:read"
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert client.get("/articles", headers=headers).status_code == 200
    refused = client.post("/articles", json={"title": "New"}, headers=headers)
    assert refused.json() == {"detail": "Missing scope: articles:write"}


def test_unknown_scope_at_login_is_400() -> None:
    """Asking for a scope that does not exist is an error naming the first unknown one."""
    response = client.post(
        "/token",
        data={"username": "dave", "password": "wrong", "scope": "articles:read everything more"},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown scope: everything"}, "the first unknown scope"


def test_openapi_declares_the_scopes_and_each_routes_requirement() -> None:
    """The password flow lists every scope; guarded routes name theirs, notes need none."""
    schema = client.get("/openapi.json").json()
    flow = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]
    assert flow["tokenUrl"] == "token"
    assert set(flow["scopes"]) == set(ALL_SCOPES)
    paths = schema["paths"]
    assert paths["/users/{username}"]["delete"]["security"] == [
        {"OAuth2PasswordBearer": ["users:manage"]}
    ]
    assert paths["/notes/{note_id}"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]


def test_unknown_user_and_wrong_password_get_the_same_401_at_login() -> None:
    """Login: an unknown user and a wrong password get one identical 401 with a challenge."""
    answers = [
        client.post("/token", data={"username": name, "password": "not-the-password"})
        for name in ("dave", "nobody")
    ]
    for response in answers:
        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Incorrect username or password"}
        assert response.headers["www-authenticate"] == "Bearer"
    assert answers[0].content == answers[1].content, "the body must not reveal which one it was"


def test_openapi_documents_the_errors_each_route_answers() -> None:
    """Each route lists in OpenAPI exactly the error statuses it can answer, as HTTPError."""
    paths = client.get("/openapi.json").json()["paths"]
    error_body = {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
    expected_codes = {
        ("post", "/token"): {"200", "400", "401", "422"},
        ("get", "/articles"): {"200", "401", "403"},
        ("post", "/articles"): {"201", "401", "403", "422"},
        ("put", "/articles/{article_id}"): {"200", "401", "403", "404", "422"},
        ("post", "/articles/{article_id}/publish"): {"200", "401", "403", "404", "422"},
        ("get", "/notes/{note_id}"): {"200", "401", "404", "422"},
        ("get", "/users"): {"200", "401", "403"},
        ("delete", "/users/{username}"): {"204", "401", "403", "404", "422"},
        ("get", "/bearer/default"): {"200", "401", "403"},
        ("get", "/bearer/explicit"): {"200", "401"},
    }
    for (method, path), codes in expected_codes.items():
        responses = paths[path][method]["responses"]
        assert set(responses) == codes, f"{method.upper()} {path} documents {sorted(responses)}"
        for code in codes & {"400", "401", "403", "404"}:
            assert responses[code]["content"] == error_body, f"{method.upper()} {path}: {code}"


def test_issued_tokens_are_fresh_32_byte_random_strings() -> None:
    """An opaque token is 32 random bytes, URL-safe base64 (43 characters), never reused."""
    tokens = {lesson.issue_token("bob", []) for _ in range(3)}
    assert len(tokens) == 3, "every token is new"
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), f"{token!r}: 256 bits, 43 characters"
