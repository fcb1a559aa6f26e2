"""Lesson 05 properties: whatever the user and the secret, the secret never reaches the client."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import assume, given
from hypothesis import strategies as st

from .app import USERS, UserIn, UserOut, app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # Module scope: Hypothesis reuses it across examples (it refuses function-scoped fixtures),
    # and an entered client keeps one event loop instead of starting one per request.
    with TestClient(app) as entered:
        yield entered


def spellings(secret: str) -> set[str]:
    """The ways `secret` could appear in a JSON body: raw, or escaped with and without ASCII."""
    return {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}


def leaks(secret: str, body: str) -> bool:
    return any(spelling in body for spelling in spellings(secret))


def public_renderings(public: dict[str, Any]) -> str:
    """The public fields as JSON, compact and spaced, ASCII-escaped and not."""
    return "\n".join(
        json.dumps(public, ensure_ascii=ascii_only, separators=separators)
        for ascii_only in (True, False)
        for separators in ((",", ":"), (", ", ": "))
    )


emails = st.emails(domains=st.sampled_from(["example.com", "mail.example.org"]))
# Secrets long enough that they cannot turn up in the public fields by coincidence;
# `assume` discards the rare example where one does (then its presence proves nothing).
secrets_ = st.text(min_size=8, max_size=40)


@given(st.builds(UserIn, email=emails, password=secrets_))
def test_no_generated_password_or_hash_reaches_the_client(client: TestClient, user: UserIn) -> None:
    """For any new user, the 201 body holds neither the password nor the hash the server stored."""
    assume(not leaks(user.password, public_renderings({"name": user.name, "email": user.email})))
    response = client.post("/users", json=user.model_dump())
    assert response.status_code == 201, response.text
    created = response.json()
    try:
        assert set(created) == set(UserOut.model_fields)
        assume(not leaks(user.password, public_renderings(created)))  # the id, too
        assert not leaks(user.password, response.text), "the password came back"
        assert not leaks(USERS[created["id"]]["password_hash"], response.text), "the hash came back"
    finally:
        del USERS[created["id"]]


@given(name=st.text(), email=emails, secret=secrets_, user_id=st.integers(10**6, 10**9))
def test_no_row_secret_reaches_the_client(
    client: TestClient, name: str, email: str, secret: str, user_id: int
) -> None:
    """For any stored user and any password_hash in the row, GET /users/{id} never sends it."""
    public = {"id": user_id, "name": name, "email": email}
    assume(not leaks(secret, public_renderings(public)))
    USERS[user_id] = {**public, "password_hash": secret}
    try:
        response = client.get(f"/users/{user_id}")
        assert response.status_code == 200, response.text
        assert response.json() == public
        assert not leaks(secret, response.text), "the response model let the hash through"
        # The control: the same check does catch the secret where it is sent (and so
        # covers however the server escapes it).
        assert leaks(secret, client.get(f"/leaky/users/{user_id}").text)
    finally:
        del USERS[user_id]
