"""Fixtures for this lesson's tests: no test may leave a dependency override behind."""

import sqlite3
from collections.abc import Callable, Iterator

import pytest

from .app import app, connect
from .overrides import Dependency, guard_against_leaks

SetOverride = Callable[[Dependency, Dependency], None]


@pytest.fixture(autouse=True)
def no_leftover_overrides() -> Iterator[None]:
    """Around every test: start with no overrides; a test that leaves one behind errors."""
    with guard_against_leaks(app):
        yield


@pytest.fixture
def override() -> Iterator[SetOverride]:
    """Set overrides inside a test; they are removed when the test ends, pass or fail."""

    def set_override(dependency: Dependency, replacement: Dependency) -> None:
        app.dependency_overrides[dependency] = replacement

    yield set_override
    app.dependency_overrides.clear()


@pytest.fixture
def memory_db() -> Iterator[sqlite3.Connection]:
    """A private, empty in-memory database (the real schema, demo user included), closed after."""
    connection = connect(":memory:")
    yield connection
    connection.close()
