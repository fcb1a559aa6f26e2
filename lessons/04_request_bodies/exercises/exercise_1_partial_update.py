"""Accept a partial update with PATCH

In lessons/04_request_bodies/app.py, add `PATCH /items/{item_id}` whose body is a new model,
`ItemUpdate`, with the same fields as `Item` but every one optional (default None, the price
keeping its bounds). Answer `{"item_id": ..., "changes": ...}` where `changes` holds only the
fields the client actually sent.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "A field is optional when it has a default, e.g. `name: str | None = None`. "
    "`model_dump(exclude_unset=True)` keeps only the fields present in the request body."
)

client = TestClient(app)


def test_patch_returns_only_the_fields_that_were_sent() -> None:
    """PATCH /items/3 with {"price": 9.5} answers 200 with changes == {"price": 9.5}."""
    response = client.patch("/items/3", json={"price": 9.5})
    assert response.status_code == 200, (
        f"PATCH /items/3 answered {response.status_code}: add a PATCH operation for the path"
    )
    assert response.json() == {"item_id": 3, "changes": {"price": 9.5}}, (
        "`changes` must hold exactly the fields the client sent (exclude_unset=True)"
    )


def test_patch_with_an_empty_body_changes_nothing() -> None:
    """An empty JSON object is a valid partial update: every field is optional."""
    response = client.patch("/items/3", json={})
    assert response.status_code == 200, f"PATCH {{}} answered {response.status_code}"
    assert response.json() == {"item_id": 3, "changes": {}}


def test_patch_still_validates_the_fields_it_gets() -> None:
    """Optional does not mean unchecked: a negative price is a 422 at ["body", "price"]."""
    response = client.patch("/items/3", json={"price": -1})
    assert response.status_code == 422, f"a negative price answered {response.status_code}"
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "price"]]
