"""Accept a repeated query parameter, within limits

In lessons/06_validation/app.py, add `GET /batch` that reads one or more `id` query values
(`/batch?id=3&id=1`) as a list of ints and answers `{"ids": [...]}` in the order sent. The
parameter is required, and at most 10 ids may be asked for at once.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "A `list[int]` parameter must be marked with Query(), or FastAPI looks for it in the "
    "body. Query() also takes `alias=` (the name in the URL) and `max_length=`, which for a "
    "list limits the number of items."
)

client = TestClient(app)


def test_repeated_values_arrive_as_a_list_in_order() -> None:
    """GET /batch?id=3&id=1 answers {"ids": [3, 1]}."""
    response = client.get("/batch?id=3&id=1")
    assert response.status_code == 200, (
        f"GET /batch answered {response.status_code}: add the operation"
    )
    assert response.json() == {"ids": [3, 1]}, "read every `id` value, not only the last"


def test_the_list_is_required_and_typed() -> None:
    """No id is a 422 `missing`; a non-integer id is a 422 at its index."""
    response = client.get("/batch")
    assert response.status_code == 422, f"no id answered {response.status_code}"
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("missing", ["query", "id"])

    response = client.get("/batch?id=1&id=x")
    assert response.status_code == 422, f"id=x answered {response.status_code}"
    assert [error["loc"] for error in response.json()["detail"]] == [["query", "id", 1]]


def test_more_than_ten_ids_is_too_long() -> None:
    """Ten ids are accepted; eleven are a 422 `too_long` at ["query", "id"]."""
    ten = "&".join(f"id={n}" for n in range(10))
    assert client.get(f"/batch?{ten}").status_code == 200, "ten ids must be accepted"
    response = client.get(f"/batch?{ten}&id=10")
    assert response.status_code == 422, f"eleven ids answered {response.status_code}"
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("too_long", ["query", "id"])
