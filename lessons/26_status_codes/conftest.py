"""Fixtures for lesson 26: every test starts with an empty book store."""

from collections.abc import Iterator

import pytest

from . import app as lesson


@pytest.fixture(autouse=True)
def no_books() -> Iterator[None]:
    """Empty the in-memory book store before and after each test."""
    lesson.BOOKS.clear()
    yield
    lesson.BOOKS.clear()
