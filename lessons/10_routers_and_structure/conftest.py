"""Shared by this lesson's HTTP tests: every test starts with an empty shop."""

from collections.abc import Iterator

import pytest

from .app import app
from .shop.dependencies import get_item_service
from .shop.services import ItemService


@pytest.fixture(autouse=True)
def fresh_service() -> Iterator[ItemService]:
    """Swap in an empty service through the dependency the routes are wired to, then undo it."""
    service = ItemService()
    app.dependency_overrides[get_item_service] = lambda: service
    yield service
    app.dependency_overrides.clear()
