"""Test support for lesson 15, shared by the test modules."""

from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from fastapi.testclient import TestClient

from . import app as lesson
from .app import Permission, Role

client = TestClient(lesson.app)

ALL_SCOPES = [str(permission) for permission in Permission]


def bearer(username: str, scopes: list[str] | None = None) -> dict[str, str]:
    """Authorization header for a fresh token of `username` (all scopes unless given).

    Tests issue tokens directly: logging in costs a full production Argon2 run per user
    (lesson 14 tests the login itself; test_scopes.py logs in once).
    """
    token = lesson.issue_token(username, ALL_SCOPES if scopes is None else scopes)
    return {"Authorization": f"Bearer {token}"}


# A demo user for each role, read from the app's own user table.
USER_WITH_ROLE = {
    role: next(user.username for user in lesson.USERS.values() if user.role == role)
    for role in Role
}


class Action(NamedTuple):
    """One request that exercises a permission, and the status it gets when allowed."""

    method: str
    template: str  # the path as OpenAPI names it
    path: str  # the path actually requested
    body: dict[str, Any] | None
    success: int


# What each permission looks like over HTTP. A test in test_roles.py checks this table
# against the app's OpenAPI, so it cannot silently drift from the routes.
ACTIONS: dict[Permission, Action] = {
    Permission.ARTICLES_READ: Action("GET", "/articles", "/articles", None, 200),
    Permission.ARTICLES_WRITE: Action("POST", "/articles", "/articles", {"title": "New"}, 201),
    Permission.ARTICLES_MODERATE: Action(
        "POST", "/articles/{article_id}/publish", "/articles/1/publish", None, 200
    ),
    Permission.USERS_MANAGE: Action("GET", "/users", "/users", None, 200),
}


class Reply(Protocol):
    """The parts of a test-client response the tests read (httpx or httpx2 alike: Starlette
    1.x's TestClient is built on httpx2, older versions on httpx)."""

    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    def json(self) -> Any: ...


def perform(action: Action, headers: dict[str, str]) -> Reply:
    return client.request(action.method, action.path, json=action.body, headers=headers)
