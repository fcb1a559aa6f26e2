"""Make the clock a dependency a test can freeze

In lessons/08_dependency_overrides/app.py, add a dependency `get_now()` that returns the
current time as an aware UTC datetime, and `GET /time` that answers `{"now": <ISO 8601>}`
using it. Read the tests: a fixture replaces the clock, so the answer is exact.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .. import app as lesson

HINT = (
    "Do not call datetime.now() in the handler: put the call in its own small function and "
    "let the handler receive the time through Depends(). Then the override has something "
    "to replace."
)

client = TestClient(lesson.app)
FROZEN = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def frozen_clock() -> Iterator[datetime]:
    """Override get_now for one test, and remove the override however the test ends."""
    get_now: Any = getattr(lesson, "get_now", None)
    if get_now is not None:
        lesson.app.dependency_overrides[get_now] = lambda: FROZEN
    yield FROZEN
    lesson.app.dependency_overrides.pop(get_now, None)


def test_an_overridden_clock_decides_the_time(frozen_clock: datetime) -> None:
    """With get_now overridden, GET /time answers exactly the frozen instant."""
    assert callable(getattr(lesson, "get_now", None)), "app.py has no get_now() dependency yet"
    response = client.get("/time")
    assert response.status_code == 200, f"GET /time answered {response.status_code}"
    assert response.json() == {"now": frozen_clock.isoformat()}, (
        "the handler must take the time from Depends(get_now), not read the clock itself"
    )


def test_the_real_clock_gives_the_current_utc_time() -> None:
    """Without an override, /time answers an aware UTC time taken during the request."""
    before = datetime.now(UTC)
    response = client.get("/time")
    after = datetime.now(UTC)
    assert response.status_code == 200, f"GET /time answered {response.status_code}"
    now = datetime.fromisoformat(response.json()["now"])
    assert now.utcoffset() == timedelta(0), f"{now} is not an aware UTC time"
    assert before <= now <= after, f"{now} was not taken between {before} and {after}"
