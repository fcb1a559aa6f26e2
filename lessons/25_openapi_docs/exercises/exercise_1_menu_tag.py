"""Publish a menu under its own tag

The docs have an "orders" and a "health" section. In lessons/25_openapi_docs/app.py add
`GET /menu` answering the list of drinks `["espresso", "flat white", "mocha"]`, tagged
"menu" with the summary "List the drinks", and declare the "menu" tag (with a description)
in TAGS_METADATA, after "health". Then review the schema change and accept it with
`UPDATE_SNAPSHOTS=1 pytest lessons/25_openapi_docs`.
"""

from typing import Any

from fastapi.testclient import TestClient

from ..app import TAGS_METADATA, app

HINT = (
    "A tag used by a route but missing from openapi_tags still shows up, but without a "
    "description and in no chosen order; add a dict to TAGS_METADATA as well as tags=[...] "
    "on the route. A `-> list[str]` return type documents the body for you."
)

client = TestClient(app)


def test_menu_tag_is_declared_last_with_a_description() -> None:
    """The published `tags` list is orders, health, menu; the menu tag has a description."""
    tags: list[dict[str, Any]] = client.get("/openapi.json").json()["tags"]
    assert [tag["name"] for tag in tags] == ["orders", "health", "menu"]
    assert tags[2]["description"], "a declared tag needs a description"
    assert tags == TAGS_METADATA


def test_menu_operation_is_tagged_summarised_and_typed() -> None:
    """GET /menu sits under "menu" with its summary, and documents a list of strings."""
    operation = client.get("/openapi.json").json()["paths"]["/menu"]["get"]
    assert operation["tags"] == ["menu"]
    assert operation["summary"] == "List the drinks"
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array"
    assert schema["items"] == {"type": "string"}


def test_menu_lists_the_drinks() -> None:
    """GET /menu answers 200 with the drinks, in order."""
    response = client.get("/menu")
    assert response.status_code == 200
    assert response.json() == ["espresso", "flat white", "mocha"]
