"""Describe the endpoint in the docs

Open /docs: the /health operation has a summary made from the function's name and no
description. Give the `health` function in lessons/01_first_app/app.py a docstring saying
what the endpoint is for; FastAPI publishes it as the operation's description.
"""

import inspect

from fastapi.testclient import TestClient

from .. import app as lesson

HINT = (
    "A docstring is a string literal on the first line of the function body. FastAPI reads "
    "it when it builds the OpenAPI document; no decorator argument is needed."
)

client = TestClient(lesson.app)


def test_health_docstring_becomes_the_operation_description() -> None:
    """The OpenAPI description of GET /health is the function's docstring, cleaned up."""
    docstring = inspect.getdoc(lesson.health)
    assert docstring, "health() has no docstring yet"
    operation = client.get("/openapi.json").json()["paths"]["/health"]["get"]
    assert operation.get("description") == docstring
    assert operation["summary"] == "Health", "the summary still comes from the function name"
