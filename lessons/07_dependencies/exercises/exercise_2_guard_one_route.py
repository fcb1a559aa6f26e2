"""Guard a single route with an existing dependency

In lessons/07_dependencies/app.py, add `GET /reports` answering `{"report": "ready"}`,
outside the admin router, yet protected by the same API-key check: without the right
X-API-Key header it is a 401, and the docs list that 401.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from .. import app as lesson

HINT = (
    "Routers are not the only place a dependency list can go: the path operation decorator "
    "takes `dependencies=[...]` too, and `responses=` to document the error."
)

client = TestClient(lesson.app)


@pytest.fixture(autouse=True)
def fresh_observations() -> Iterator[None]:
    lesson.reset_observations()
    yield
    lesson.reset_observations()


def test_reports_need_the_api_key() -> None:
    """No key or a wrong key is the guard's 401; the right key gets the report."""
    response = client.get("/reports")
    assert response.status_code != 404, "GET /reports does not exist yet: add the route"
    assert response.status_code == 401, f"no key answered {response.status_code}: guard it"
    assert response.json() == {"detail": "missing or wrong X-API-Key"}
    assert client.get("/reports", headers={"X-API-Key": "guess"}).status_code == 401
    right = client.get("/reports", headers={"X-API-Key": lesson.DEMO_API_KEY})
    assert right.status_code == 200
    assert right.json() == {"report": "ready"}
    assert lesson.CALLS["require_api_key"] == 3, "the existing guard ran on each request"


def test_the_401_of_reports_is_documented() -> None:
    """OpenAPI lists a 401 response for GET /reports."""
    operation = lesson.app.openapi()["paths"].get("/reports", {}).get("get")
    assert operation is not None, "GET /reports is not in the OpenAPI document"
    assert "401" in operation["responses"], "declare the 401 with responses="
