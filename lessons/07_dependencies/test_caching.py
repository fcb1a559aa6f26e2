"""Lesson 07 claims: FastAPI caches a dependency's value for the rest of one request.

`open_connection` counts its calls in CALLS and numbers each Connection by that count
(1, 2, ... since the last reset), so "ran once" is a counted fact, and "the same object"
is a matching id.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from . import app as lesson
from .app import app

client = TestClient(app)


@pytest.fixture(autouse=True)
def fresh_observations() -> Iterator[None]:
    lesson.reset_observations()
    yield
    lesson.reset_observations()


def test_shared_dependency_runs_once_per_request() -> None:
    """Two sub-dependencies needing open_connection get one call and the very same object."""
    body = client.get("/connections/shared").json()
    assert lesson.CALLS["open_connection"] == 1, "reader and writer shared one call"
    assert body == {"reader": 1, "writer": 1}, "both received the same Connection, #1"


def test_use_cache_false_runs_the_dependency_again() -> None:
    """Depends(open_connection, use_cache=False) calls it again: two calls, two objects."""
    body = client.get("/connections/private").json()
    assert lesson.CALLS["open_connection"] == 2, "the private writer forced a second call"
    assert body == {"reader": 1, "writer": 2}, "each received its own Connection, #1 and #2"


def test_each_request_runs_the_dependency_again() -> None:
    """The cache lives for one request only: the next request calls the dependency anew."""
    first = client.get("/connections/shared").json()
    second = client.get("/connections/shared").json()
    assert lesson.CALLS["open_connection"] == 2, "one call per request"
    assert (first, second) == ({"reader": 1, "writer": 1}, {"reader": 2, "writer": 2}), (
        "no value survives from one request to the next"
    )
