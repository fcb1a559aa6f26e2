"""Lesson 25 claims: what you declare in code is what /openapi.json publishes.

Every expectation is read from app.py's own constants or from the schema itself, so the
tests keep their meaning when a learner renames a tag or edits an example.
"""

import inspect
from typing import Any

from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from . import app as lesson
from .app import DESCRIPTION, TAGS_METADATA, Order, OrderIn, Problem, app

client = TestClient(app)
OPENAPI: dict[str, Any] = client.get("/openapi.json").json()
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """Every (path, method, operation) the schema publishes."""
    return [
        (path, method, operation)
        for path, item in OPENAPI["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_info_carries_title_version_summary_and_description() -> None:
    """FastAPI(title=, version=, summary=, description=) fill the schema's `info` object."""
    assert OPENAPI["info"] == {
        "title": app.title,
        "summary": app.summary,
        "description": DESCRIPTION,
        "version": app.version,
    }
    assert (app.title, app.version) == ("Orders API", "1.4.0")


def test_tags_are_published_with_descriptions_in_declared_order() -> None:
    """openapi_tags becomes the top-level `tags` list: names, descriptions, externalDocs, order."""
    assert OPENAPI["tags"] == TAGS_METADATA
    assert all(tag["description"] for tag in OPENAPI["tags"]), "every tag needs a description"


def test_every_operation_is_tagged_and_summarised() -> None:
    """House rule: every published operation has a summary and only tags from TAGS_METADATA."""
    declared = {tag["name"] for tag in TAGS_METADATA}
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), f"{where} has no summary"
        assert operation.get("tags"), f"{where} has no tag, so the docs file it under 'default'"
        assert set(operation["tags"]) <= declared, f"{where} uses an undeclared tag"


def test_docstring_becomes_the_operation_description() -> None:
    """An endpoint's docstring is published as its description (cleaned of indentation)."""
    place = OPENAPI["paths"]["/orders"]["post"]
    assert place["summary"] == "Place an order"
    assert place["description"] == inspect.cleandoc(lesson.place_order.__doc__ or "")


def test_response_descriptions_and_examples_are_published() -> None:
    """response_description, responses= models, descriptions and examples all reach the schema."""
    created = OPENAPI["paths"]["/orders"]["post"]["responses"]["201"]
    assert created["description"] == "The order as stored, with the id it was given"

    read = OPENAPI["paths"]["/orders/{order_id}"]["get"]["responses"]
    assert read["200"]["description"] == "The order"
    assert read["200"]["content"]["application/json"]["example"] == lesson.ORDER_EXAMPLE
    not_found = read["404"]
    assert not_found["description"] == "No order has this id"
    assert not_found["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert "example" in not_found["content"]["application/json"]
    # Without a description of its own, a response gets FastAPI's default text.
    assert read["422"]["description"] == "Validation Error"


def test_request_body_and_field_examples_are_published() -> None:
    """Body(openapi_examples=...) and Field(examples=[...]) both appear in the schema."""
    body = OPENAPI["paths"]["/orders"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == {"one", "office"}
    assert all(example["summary"] and example["value"] for example in body["examples"].values())
    fields = OPENAPI["components"]["schemas"]["OrderIn"]["properties"]
    assert fields["item"]["examples"] == ["flat white"]
    assert fields["quantity"]["examples"] == [2]


def test_every_published_example_is_accepted_by_the_api() -> None:
    """Examples must not lie: request examples get a 201, response examples fit their models."""
    body = OPENAPI["paths"]["/orders"]["post"]["requestBody"]["content"]["application/json"]
    request_examples = [example["value"] for example in body["examples"].values()]
    # One more body, assembled from the first example of every field.
    fields = OPENAPI["components"]["schemas"]["OrderIn"]["properties"]
    request_examples.append({name: field["examples"][0] for name, field in fields.items()})
    for example in request_examples:
        response = client.post("/orders", json=example)
        assert response.status_code == 201, (example, response.json())
        assert OrderIn.model_validate(example).model_dump().items() <= response.json().items()

    # Response examples, checked with the models as an independent validator.
    responses = OPENAPI["paths"]["/orders/{order_id}"]["get"]["responses"]
    TypeAdapter(Order).validate_python(responses["200"]["content"]["application/json"]["example"])
    TypeAdapter(Problem).validate_python(responses["404"]["content"]["application/json"]["example"])
    # ...and the real 404 has the shape the docs promise.
    TypeAdapter(Problem).validate_python(client.get("/orders/424242").json())


def test_orders_are_numbered_from_1_and_read_back_by_id() -> None:
    """An empty store numbers orders 1, 2, ... as they are placed; each reads back by its id."""
    first = client.post("/orders", json={"item": "espresso", "quantity": 1})
    second = client.post("/orders", json={"item": "flat white", "quantity": 2})
    assert first.json() == {"id": 1, "item": "espresso", "quantity": 1}
    assert second.json() == {"id": 2, "item": "flat white", "quantity": 2}
    assert client.get("/orders/1").json() == first.json()
    assert client.get("/orders/2").json() == second.json()


def test_deprecated_operation_is_flagged_but_still_served() -> None:
    """deprecated=True marks the operation in the schema; the endpoint keeps working."""
    assert OPENAPI["paths"]["/order-lookup"]["get"]["deprecated"] is True
    flagged = {f"{m.upper()} {p}" for p, m, op in operations() if op.get("deprecated")}
    assert flagged == {"GET /order-lookup"}, "only the old lookup should be deprecated"
    created = client.post("/orders", json={"item": "mocha", "quantity": 1}).json()
    response = client.get("/order-lookup", params={"id": created["id"]})
    assert response.status_code == 200
    assert response.json() == created
    # It answers for unknown ids as the new route does, and documents that 404 too.
    missing = client.get("/order-lookup", params={"id": 999})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Order 999 not found"}
    documented = OPENAPI["paths"]["/order-lookup"]["get"]["responses"]
    assert documented["404"]["description"] == "No order has this id"


def test_hidden_route_is_served_but_absent_from_the_schema() -> None:
    """include_in_schema=False keeps the route working and out of /openapi.json and the docs."""
    assert "/internal/stats" not in OPENAPI["paths"]
    client.post("/orders", json={"item": "latte", "quantity": 2})
    response = client.get("/internal/stats")
    assert response.status_code == 200
    assert response.json() == {"orders": 1}


def test_receipt_upload_is_served_and_404s_for_unknown_orders() -> None:
    """The documented upload works: it reports the file's size, and an unknown order is a 404."""
    created = client.post("/orders", json={"item": "cortado", "quantity": 1}).json()
    scan = b"\x89PNG not really a scan"
    receipt = ("receipt.png", scan, "image/png")
    response = client.post(f"/orders/{created['id']}/receipt", files={"receipt": receipt})
    assert response.status_code == 200
    assert response.json() == {
        "order_id": created["id"],
        "filename": "receipt.png",
        "size": len(scan),
    }
    missing = client.post("/orders/999/receipt", files={"receipt": receipt})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Order 999 not found"}
