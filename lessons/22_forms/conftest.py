"""Fixtures for lesson 22."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from .app import app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """One test client per module, entered once so every request reuses its event loop.

    (Module scope, so Hypothesis tests may use it: the client keeps no state between
    requests, and this app keeps none at all.)
    """
    with TestClient(app) as test_client:
        yield test_client
