"""A query parameter whose name is not a Python name

Clients of an older API send `?item-id=5`, and `item-id` cannot be an argument name. In
lessons/03_query_parameters/app.py, add `GET /lookup` with a required int query parameter
that Python calls `item_id` but the URL calls `item-id`, answering `{"item_id": 5}`.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Query() can give a parameter a different public name than its Python name. Look at "
    "the arguments Query() accepts; the one you want is also used by Pydantic fields."
)

client = TestClient(app)


def test_hyphenated_query_name_reaches_the_python_argument() -> None:
    """?item-id=5 → 200 with {"item_id": 5}, converted to an int."""
    response = client.get("/lookup", params={"item-id": "5"})
    assert response.status_code == 200, f"GET /lookup?item-id=5 answered {response.status_code}"
    assert response.json() == {"item_id": 5}


def test_python_name_is_not_accepted_in_the_url() -> None:
    """?item_id=5 does not count: a 422 "missing" located at ["query", "item-id"]."""
    response = client.get("/lookup", params={"item_id": "5"})
    assert response.status_code == 422, f"GET /lookup?item_id=5 answered {response.status_code}"
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "item-id"]
    assert error["type"] == "missing"


def test_openapi_documents_the_public_name() -> None:
    """OpenAPI names the parameter item-id, required, in the query."""
    [parameter] = app.openapi()["paths"]["/lookup"]["get"]["parameters"]
    assert (parameter["name"], parameter["in"], parameter["required"]) == ("item-id", "query", True)
