"""Take a JSON array as the body

In lessons/04_request_bodies/app.py, add `POST /items/bulk` whose body is a JSON array of
items (not an object). Answer 201 with `{"count": <number of items>, "total": <sum of their
prices>}`.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "A body parameter does not have to be a single model: annotate it with a list of the "
    "model, and FastAPI validates every element of the array."
)

client = TestClient(app)

ITEMS = [{"name": "pen", "price": 1.5}, {"name": "ink", "price": 4.0}]


def test_a_list_of_models_is_read_from_a_json_array_body() -> None:
    """POST /items/bulk with two items answers 201 with their count and total price."""
    response = client.post("/items/bulk", json=ITEMS)
    assert response.status_code == 201, (
        f"POST /items/bulk answered {response.status_code}: add the operation (status 201)"
    )
    assert response.json() == {"count": 2, "total": 5.5}


def test_an_invalid_element_is_located_by_its_index() -> None:
    """A bad price in the second item is a 422 at ["body", 1, "price"]."""
    response = client.post("/items/bulk", json=[ITEMS[0], {"name": "ink", "price": 0}])
    assert response.status_code == 422, f"a zero price answered {response.status_code}"
    assert [error["loc"] for error in response.json()["detail"]] == [["body", 1, "price"]], (
        "each element must be validated as an Item"
    )


def test_an_object_is_not_an_array() -> None:
    """A single item object, not wrapped in a list, is a 422 located at ["body"]."""
    response = client.post("/items/bulk", json=ITEMS[0])
    assert response.status_code == 422, f"a bare object answered {response.status_code}"
    assert response.json()["detail"][0]["loc"] == ["body"]
