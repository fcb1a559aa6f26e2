"""Fixtures for lesson 21: a private upload directory per test, and no leftovers."""

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .app import app, get_upload_dir


@pytest.fixture(autouse=True)
def upload_dir(tmp_path: Path) -> Iterator[Path]:
    """Point the app's upload-directory dependency at a fresh tmp dir; undo it afterwards."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    app.dependency_overrides[get_upload_dir] = lambda: directory
    yield directory
    app.dependency_overrides.clear()


@pytest.fixture(autouse=True)
def collect_tolerated_leaks(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that tolerates a library's ResourceWarning gets its garbage collected before it
    ends, under its own warning filters: the leak can never surface in a later test."""
    yield
    if request.node.get_closest_marker("filterwarnings"):
        gc.collect()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """One test client per module, entered once: its event loop thread serves every request.

    (Module scope, so Hypothesis tests may use it: their examples share it safely, as the
    client keeps no state between requests.)
    """
    with TestClient(app) as test_client:
        yield test_client
