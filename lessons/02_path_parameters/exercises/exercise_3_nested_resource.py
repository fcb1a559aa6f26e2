"""Two path parameters in one route

In lessons/02_path_parameters/app.py, add `GET /users/{user_id}/posts/{post_id}` with both
parameters typed `int`, answering `{"user_id": ..., "post_id": ...}`. Each parameter is
converted and validated on its own, and an error names the one that failed.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "A path may hold several {placeholders}; give the function one argument per placeholder, "
    "with the same names. The order of the arguments does not matter, the names do."
)

client = TestClient(app)


def test_both_path_parameters_are_converted_to_int() -> None:
    """/users/7/posts/3 → 200 with {"user_id": 7, "post_id": 3} as integers."""
    response = client.get("/users/7/posts/3")
    assert response.status_code == 200, f"GET /users/7/posts/3 answered {response.status_code}"
    assert response.json() == {"user_id": 7, "post_id": 3}


def test_each_parameter_is_validated_and_located_on_its_own() -> None:
    """A bad post_id is a 422 at ["path", "post_id"]; a bad user_id at ["path", "user_id"]."""
    for url, name in (("/users/7/posts/x", "post_id"), ("/users/me/posts/3", "user_id")):
        response = client.get(url)
        assert response.status_code == 422, f"GET {url} answered {response.status_code}"
        [error] = response.json()["detail"]
        assert error["loc"] == ["path", name], url
        assert error["type"] == "int_parsing", url
