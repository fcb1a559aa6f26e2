"""Look orders up by UUID

In lessons/02_path_parameters/app.py, add `GET /orders/{order_id}` whose `order_id` is a
`uuid.UUID`, answering `{"order_id": "<the UUID>"}`. The annotation is the validation:
anything that is not a UUID must get a 422 located at the parameter, with no code of yours.
"""

import uuid

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Declare the parameter exactly like `user_id`, but annotate it with the UUID class from "
    "the standard library's uuid module; return it as a string (`str(order_id)`)."
)

client = TestClient(app)


def test_uuid_path_parameter_is_parsed_and_echoed_in_canonical_form() -> None:
    """/orders/<UUID in upper case> → 200 with the UUID in its canonical lower-case form."""
    order_id = uuid.uuid4()
    response = client.get(f"/orders/{str(order_id).upper()}")
    assert response.status_code == 200, f"GET /orders/<uuid> answered {response.status_code}"
    assert response.json() == {"order_id": str(order_id)}


def test_non_uuid_is_422_located_at_path_order_id() -> None:
    """/orders/42 → 422 whose only error is a uuid_parsing error at ["path", "order_id"]."""
    response = client.get("/orders/42")
    assert response.status_code == 422, f"GET /orders/42 answered {response.status_code}"
    [error] = response.json()["detail"]
    assert error["loc"] == ["path", "order_id"]
    assert error["type"] == "uuid_parsing"


def test_openapi_documents_order_id_as_a_uuid_string() -> None:
    """OpenAPI declares order_id a required path parameter of type string, format uuid."""
    operation = app.openapi()["paths"]["/orders/{order_id}"]["get"]
    [parameter] = operation["parameters"]
    assert parameter["in"] == "path"
    assert parameter["required"] is True
    assert parameter["schema"]["type"] == "string"
    assert parameter["schema"]["format"] == "uuid"
