"""Fixtures for lesson 25: every test starts with no stored orders."""

from collections.abc import Iterator

import pytest

from . import app as lesson


@pytest.fixture(autouse=True)
def no_orders() -> Iterator[None]:
    """Empty the in-memory order store before and after each test."""
    lesson.ORDERS.clear()
    yield
    lesson.ORDERS.clear()
