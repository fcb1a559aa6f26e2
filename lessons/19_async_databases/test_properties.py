"""Lesson 19 property: whatever name a client sends, the database stores exactly the valid ones."""

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from .app import app


def name_bounds() -> tuple[int, int]:
    """minLength and maxLength of AuthorIn.name, read from the app's OpenAPI document."""
    schema: dict[str, Any] = app.openapi()["components"]["schemas"]["AuthorIn"]
    name = schema["properties"]["name"]
    return name["minLength"], name["maxLength"]


def test_every_valid_name_is_stored_exactly_once_and_read_back_unchanged(
    database_url: str,
) -> None:
    """For any text: 201 and stored verbatim iff valid and new, 409 if taken, else 422."""
    shortest, longest = name_bounds()
    stored: list[str] = []  # the oracle: what the database must hold, in insertion order

    # The synchronous TestClient runs the app (and its async engine) on an event loop of its
    # own, so a plain, non-async Hypothesis test can drive it. `with` runs the lifespan once
    # for all examples; the database is this test's own, so examples share it on purpose.
    with TestClient(app) as client:
        any_text = st.text(max_size=longest + 2)
        near_the_limit = st.text(min_size=longest - 1, max_size=longest + 1)

        @given(name=st.one_of(any_text, near_the_limit))
        def post_a_name(name: str) -> None:
            response = client.post("/authors", json={"name": name})
            valid = shortest <= len(name) <= longest and "\x00" not in name
            if not valid:
                assert response.status_code == 422, (name, response.text)
            elif name in stored:  # Hypothesis repeats small values across examples
                assert response.status_code == 409, (name, response.text)
            else:
                assert response.status_code == 201, (name, response.text)
                assert response.json()["name"] == name
                stored.append(name)

        post_a_name()
        listing = client.get("/authors").json()

    assert [author["name"] for author in listing] == stored
