"""Add a second path operation

In lessons/01_first_app/app.py, add a path operation for `GET /ping` that answers
`{"ping": "pong"}`. Leave /health exactly as it is: each path operation is a path, a
method and a function of its own.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Copy the shape of the /health operation: a decorator naming the method and the path, "
    "on a function that returns a dict. FastAPI turns the dict into JSON."
)

client = TestClient(app)


def test_ping_answers_pong_as_json() -> None:
    """GET /ping answers 200 with {"ping": "pong"} and a JSON content type."""
    response = client.get("/ping")
    assert response.status_code == 200, f"GET /ping answered {response.status_code}"
    assert response.json() == {"ping": "pong"}
    assert response.headers["content-type"] == "application/json"


def test_ping_is_listed_in_the_openapi_schema_next_to_health() -> None:
    """/openapi.json lists both /health and /ping, each with a GET operation."""
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {"/health", "/ping"}, f"documented paths: {sorted(paths)}"
    assert "get" in paths["/ping"]
