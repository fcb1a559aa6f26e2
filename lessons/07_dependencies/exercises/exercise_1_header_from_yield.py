"""Set a response header from a yield dependency

In lessons/07_dependencies/app.py, write a `yield` dependency `stamp_response` that sets the
response header `X-Lesson: 07` and, after its `yield`, appends "stamp: teardown" to EVENTS.
Use it on a new route `GET /stamped` that answers `{"status": "stamped"}`.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from .. import app as lesson

HINT = (
    "A dependency can declare a `Response` parameter, just like a handler, and set headers "
    "on it. Set the header before `yield`: from FastAPI 0.118 teardown runs after the "
    "response has gone out, too late to change it."
)

client = TestClient(lesson.app)


@pytest.fixture(autouse=True)
def fresh_observations() -> Iterator[None]:
    lesson.reset_observations()
    yield
    lesson.reset_observations()


def test_the_dependency_sets_a_header_on_the_response() -> None:
    """GET /stamped answers 200, {"status": "stamped"}, with the header X-Lesson: 07."""
    response = client.get("/stamped")
    assert response.status_code == 200, (
        f"GET /stamped answered {response.status_code}: add the route"
    )
    assert response.json() == {"status": "stamped"}
    assert response.headers.get("x-lesson") == "07", (
        f"X-Lesson header is {response.headers.get('x-lesson')!r}: set it in the dependency, "
        "before yield"
    )


def test_the_dependency_tears_down_once_per_request() -> None:
    """Each request to /stamped logs "stamp: teardown" exactly once."""
    client.get("/stamped")
    client.get("/stamped")
    assert lesson.EVENTS.count("stamp: teardown") == 2, (
        f"EVENTS is {lesson.EVENTS}: append 'stamp: teardown' after the yield"
    )
