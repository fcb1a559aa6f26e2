"""Optional components: report them, but do not take the replica out of service.

In `app.py`, add a dependency `get_optional_checks() -> dict[str, Check]` (empty by default)
for components the app can live without, such as a cache. Readiness runs them alongside the
required checks and reports them in `checks`, but only a failing *required* check makes it
503; with only optional failures it stays 200 with status "ready".
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from .. import app as lesson
from ..app import Check, app, get_check_timeout, get_checks

HINT = (
    "Depend on both check dictionaries in `ready`, run all checks with one gather, and "
    "decide `healthy` from the required names only."
)

client = TestClient(app)


@pytest.fixture(autouse=True)
def clean_overrides() -> Iterator[None]:
    app.dependency_overrides.clear()
    yield
    app.dependency_overrides.clear()


async def ok() -> None:
    return None


async def broken() -> None:
    raise ConnectionError("down")


async def hangs() -> None:
    await asyncio.Event().wait()


def use(required: dict[str, Check], optional: dict[str, Check]) -> None:
    get_optional_checks = getattr(lesson, "get_optional_checks", None)
    assert get_optional_checks is not None, "define get_optional_checks() in app.py"
    assert get_optional_checks() == {}, "no optional components by default"
    app.dependency_overrides[get_checks] = lambda: required
    app.dependency_overrides[get_optional_checks] = lambda: optional
    app.dependency_overrides[get_check_timeout] = lambda: 0.05


def test_failing_optional_component_is_reported_but_stays_ready() -> None:
    """A broken or slow optional component: 200 "ready", and its result is still reported."""
    use({"database": ok}, {"cache": broken, "recommendations": hangs})
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "failed", "recommendations": "timeout"},
    }


def test_failing_required_component_is_still_503() -> None:
    """A broken required component is 503 whatever the optional ones say."""
    use({"database": broken}, {"cache": ok})
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failed", "cache": "ok"},
    }
