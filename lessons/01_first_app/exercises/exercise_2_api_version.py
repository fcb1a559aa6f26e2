"""Give the API a version

The docs page shows a version badge, and /openapi.json an `info.version`; both still say
FastAPI's default "0.1.0". In lessons/01_first_app/app.py, make them say "1.0.0" by
passing a version when the app is created.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "FastAPI(...) takes more keyword arguments than `title`. The one you need shares its "
    "name with the field it fills in the OpenAPI document's `info` object."
)

client = TestClient(app)


def test_openapi_info_carries_the_api_version() -> None:
    """/openapi.json's info.version is "1.0.0" and the title is unchanged."""
    info = client.get("/openapi.json").json()["info"]
    assert info["version"] == "1.0.0", f"info.version is {info['version']!r}"
    assert info["title"] == "Lesson 01: first app"
