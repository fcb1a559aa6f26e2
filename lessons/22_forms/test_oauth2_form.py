"""Lesson 22 claims: OAuth2PasswordRequestForm — its fields, grant_type's pattern, scopes."""

from typing import Annotated, Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from .app import app

CREDENTIALS = {"username": "ada", "password": "s3cret"}


def token_form_property(path: str, name: str) -> dict[str, Any]:
    """The published JSON schema of one field of the form at `path` (the $ref followed)."""
    schema = app.openapi()
    content = schema["paths"][path]["post"]["requestBody"]["content"]
    reference = content["application/x-www-form-urlencoded"]["schema"]["$ref"]
    body = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    field = body["properties"][name]
    assert isinstance(field, dict)
    return field


def test_the_password_form_reads_every_oauth2_field(client: TestClient) -> None:
    """username, password, grant_type, scope, client_id, client_secret: all form fields."""
    response = client.post(
        "/token",
        data={
            **CREDENTIALS,
            "grant_type": "password",
            "scope": "items:read items:write",
            "client_id": "cli",
            "client_secret": "shh",
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "grant_type": "password",
        "username": "ada",
        "scopes": ["items:read", "items:write"],
        "client_id": "cli",
    }


def test_only_username_and_password_are_required(client: TestClient) -> None:
    """Without grant_type and scope the form still parses: grant_type None, scopes []."""
    response = client.post("/token", data=CREDENTIALS)
    assert response.json() == {
        "grant_type": None,
        "username": "ada",
        "scopes": [],
        "client_id": None,
    }
    missing = client.post("/token", data={"username": "ada"})
    assert missing.status_code == 422
    assert [e["loc"] for e in missing.json()["detail"]] == [["body", "password"]]


def test_a_json_token_request_is_422(client: TestClient) -> None:
    """The OAuth2 token request is a form by spec; JSON credentials are 422 missing fields."""
    response = client.post("/token", json=CREDENTIALS)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["body", "username"],
        ["body", "password"],
    ]


def string_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """`str | None` is published as anyOf[{string...}, {null}]: the string branch of either."""
    branches: list[dict[str, Any]] = schema.get("anyOf", [schema])
    return next(branch for branch in branches if branch.get("type") == "string")


GRANT_TYPE_PATTERN: str = string_branch(token_form_property("/token", "grant_type"))["pattern"]
GRANT_TYPE_ORACLE = TypeAdapter(Annotated[str, Field(pattern=GRANT_TYPE_PATTERN)])


@example(grant_type="password")
@example(grant_type="password\n")  # Python's re would let "$" match before a final newline
@example(grant_type="Password")
@example(grant_type="client_credentials")
@given(grant_type=st.text(st.characters(codec="utf-8"), min_size=1, max_size=20))
def test_grant_type_is_accepted_exactly_when_it_matches_the_published_pattern(
    client: TestClient, grant_type: str
) -> None:
    """For any non-empty grant_type: 200 iff it matches the schema's pattern (^password$)."""
    try:
        GRANT_TYPE_ORACLE.validate_python(grant_type)
        matches = True
    except ValidationError:
        matches = False
    response = client.post("/token", data={**CREDENTIALS, "grant_type": grant_type})
    assert response.status_code == (200 if matches else 422), response.text
    if not matches:
        assert response.json()["detail"][0]["type"] == "string_pattern_mismatch"


# RFC 6749 section 3.3: a scope token is printable ASCII except space, '"' and '\'.
SCOPE_TOKEN = st.text(
    st.sampled_from([chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"\\']), min_size=1
)
WHITESPACE = st.text(st.sampled_from(" \t\r\n"), min_size=1, max_size=3)


@given(
    tokens=st.lists(SCOPE_TOKEN, max_size=6),
    separators=st.lists(WHITESPACE, min_size=7, max_size=7),
)
def test_scope_is_split_on_any_run_of_whitespace(
    client: TestClient, tokens: list[str], separators: list[str]
) -> None:
    """For any scope tokens joined by runs of spaces, tabs or newlines, scopes == the tokens."""
    scope = separators[0] + "".join(t + s for t, s in zip(tokens, separators[1:], strict=False))
    response = client.post("/token", data={**CREDENTIALS, "scope": scope})
    assert response.status_code == 200
    assert response.json()["scopes"] == tokens


def test_the_strict_form_requires_grant_type_password(client: TestClient) -> None:
    """OAuth2PasswordRequestFormStrict: no grant_type is 422 missing; "password" is 200."""
    missing = client.post("/token/strict", data=CREDENTIALS)
    assert missing.status_code == 422
    assert [(e["type"], e["loc"]) for e in missing.json()["detail"]] == [
        ("missing", ["body", "grant_type"])
    ]
    ok = client.post("/token/strict", data={**CREDENTIALS, "grant_type": "password"})
    assert ok.status_code == 200
    assert ok.json()["grant_type"] == "password"


@pytest.mark.fastapi(since="0.123.2")
def test_an_empty_grant_type_counts_as_absent_from_0_123_2(client: TestClient) -> None:
    """grant_type="" is "not sent": accepted as None by the form, missing for the strict one."""
    lenient = client.post("/token", data={**CREDENTIALS, "grant_type": ""})
    assert lenient.status_code == 200
    assert lenient.json()["grant_type"] is None
    strict = client.post("/token/strict", data={**CREDENTIALS, "grant_type": ""})
    assert strict.status_code == 422
    assert strict.json()["detail"][0]["type"] == "missing"


@pytest.mark.fastapi(before="0.123.2")
def test_an_empty_grant_type_fails_the_pattern_before_0_123_2(client: TestClient) -> None:
    """Before 0.123.2, grant_type="" is the empty string, which ^password$ rejects: 422."""
    for path in ("/token", "/token/strict"):
        response = client.post(path, data={**CREDENTIALS, "grant_type": ""})
        assert response.status_code == 422, path
        assert response.json()["detail"][0]["type"] == "string_pattern_mismatch", path
