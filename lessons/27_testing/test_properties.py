"""Lesson 27 claim: Hypothesis drives the app through a module-level TestClient.

`@given` runs the test body many times inside ONE test call, so function-scoped fixtures
(set up once, shared by every example) trip Hypothesis' health check. The client is a
module-level object instead, and each example installs and removes its own override.
"""

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from .app import Store, app, get_store
from .support import BASE_URL, temporary_overrides

client = TestClient(app, base_url=BASE_URL)


def item_id_minimum() -> int:
    """The path parameter's lower bound, read from the app's own OpenAPI schema."""
    operation: dict[str, Any] = app.openapi()["paths"]["/items/{item_id}"]["get"]
    (parameter,) = (p for p in operation["parameters"] if p["name"] == "item_id")
    minimum: int = parameter["schema"]["minimum"]
    return minimum


MINIMUM = item_id_minimum()


@given(item_id=st.integers(min_value=MINIMUM - 1_000, max_value=MINIMUM + 1_000) | st.integers())
def test_item_id_is_422_exactly_below_the_schema_minimum(item_id: int) -> None:
    """For any integer: 422 below the OpenAPI minimum; else 200 if stored, 404 if not."""
    store = Store()  # a fresh fake store per example, handed in by an override
    with temporary_overrides(app) as overrides:
        overrides[get_store] = lambda: store
        response = client.get(f"/items/{item_id}")
    if item_id < MINIMUM:
        expected = 422
    elif item_id in store.items:
        expected = 200
    else:
        expected = 404
    assert response.status_code == expected, f"item_id={item_id}"
