"""Health answers must never be cached.

In `app.py`, make every health response (liveness, and readiness with 200 or 503) carry
`Cache-Control: no-store`, so that no proxy or CDN between the orchestrator and the app
serves an old "ready" after the database went down. The bodies must not change.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ..app import app, get_checks

HINT = (
    "Liveness can take a `response: Response` parameter and set a header on it; readiness "
    "builds its JSONResponse itself, which accepts `headers=`."
)

client = TestClient(app)


@pytest.fixture(autouse=True)
def clean_overrides() -> Iterator[None]:
    app.dependency_overrides.clear()
    yield
    app.dependency_overrides.clear()


async def broken() -> None:
    raise ConnectionError("down")


def test_liveness_and_readiness_are_not_cacheable() -> None:
    """/health/live and a 200 /health/ready both send Cache-Control: no-store."""
    for path in ("/health/live", "/health/ready"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("cache-control") == "no-store", path


def test_unavailable_readiness_is_not_cacheable() -> None:
    """A 503 from /health/ready sends Cache-Control: no-store too."""
    app.dependency_overrides[get_checks] = lambda: {"database": broken}
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.headers.get("cache-control") == "no-store"
