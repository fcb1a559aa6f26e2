"""Lesson 04 claims: a BaseModel parameter is the JSON body, validated before the handler runs."""

import json
import math
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .app import UserCreate, app, create_user

client = TestClient(app)

ASHA: dict[str, Any] = {
    "name": "Asha",
    "email": "asha@example.com",
    "age": 36,
    "addresses": [
        {"street": "1 Long Road", "city": "Pune", "postcode": "411001"},
        {"street": "2 Short Lane", "city": "Leeds", "postcode": "LS1"},
    ],
}

# The fields a client must send, read from the model itself: edit UserCreate and the
# missing-field test follows.
REQUIRED_FIELDS = [name for name, field in UserCreate.model_fields.items() if field.is_required()]


def errors_of(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    detail: list[dict[str, Any]] = response.json()["detail"]
    return detail


def test_model_body_arrives_as_a_typed_object() -> None:
    """The handler receives a UserCreate instance whose nested addresses are Address instances."""
    response = client.post("/users", json=ASHA)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["python_type"] == "UserCreate"
    assert body["address_types"] == ["Address", "Address"]
    assert body["user"] == ASHA


def test_numeric_string_is_converted_but_number_for_string_is_not() -> None:
    """Lax mode converts "42" to the int 42, yet a JSON number sent for a str field is a 422."""
    response = client.post("/users", json={**ASHA, "age": "42"})
    assert response.status_code == 201, response.text
    assert response.json()["user"]["age"] == 42

    [error] = errors_of(client.post("/users", json={**ASHA, "name": 42}))
    assert error["type"] == "string_type"
    assert error["loc"] == ["body", "name"]


def test_unknown_fields_are_dropped_silently() -> None:
    """A key the model does not declare is ignored (extra="ignore" is Pydantic's default)."""
    response = client.post("/users", json={**ASHA, "is_admin": True})
    assert response.status_code == 201, response.text
    assert "is_admin" not in response.json()["user"]


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_missing_required_field_is_422_located_in_the_body(field: str) -> None:
    """Leaving out any required field gives a 422 `missing` error at ["body", field]."""
    payload = {key: value for key, value in ASHA.items() if key != field}
    [error] = errors_of(client.post("/users", json=payload))
    assert error["type"] == "missing"
    assert error["loc"] == ["body", field]


def test_field_with_default_may_be_left_out() -> None:
    """`addresses` has a default, so a body without it is valid and gets an empty list."""
    payload = {key: value for key, value in ASHA.items() if key != "addresses"}
    response = client.post("/users", json=payload)
    assert response.status_code == 201, response.text
    assert response.json()["user"]["addresses"] == []


def test_wrong_type_is_422_located_in_the_body() -> None:
    """A value of the wrong type is a 422 naming the field, the error type and the bad input."""
    [error] = errors_of(client.post("/users", json={**ASHA, "age": "forty"}))
    assert error["type"] == "int_parsing"
    assert error["loc"] == ["body", "age"]
    assert error["input"] == "forty"


def test_invalid_email_is_422_located_in_the_body() -> None:
    """An address EmailStr rejects is a 422 value_error at ["body", "email"] with the reason."""
    [error] = errors_of(client.post("/users", json={**ASHA, "email": "asha.example.com"}))
    assert error["type"] == "value_error"
    assert error["loc"] == ["body", "email"]
    assert error["msg"].startswith("value is not a valid email address"), error["msg"]


def test_nested_list_errors_name_the_index() -> None:
    """Each element of a list of models is validated; the loc names the list index and field."""
    broken = [ASHA["addresses"][0], {"street": "2 Short Lane", "city": 7}]
    errors = errors_of(client.post("/users", json={**ASHA, "addresses": broken}))
    assert {(tuple(e["loc"]), e["type"]) for e in errors} == {
        (("body", "addresses", 1, "city"), "string_type"),
        (("body", "addresses", 1, "postcode"), "missing"),
    }, "both problems in element 1 are reported, element 0 is fine"


def test_body_must_be_a_json_object() -> None:
    """A JSON array, or no body at all, is a 422 located at ["body"] itself."""
    [error] = errors_of(client.post("/users", json=[ASHA]))
    assert (error["type"], error["loc"]) == ("model_attributes_type", ["body"])

    [error] = errors_of(client.post("/users"))
    assert (error["type"], error["loc"]) == ("missing", ["body"])


def test_path_query_and_body_arrive_together() -> None:
    """One operation takes item_id from the path, dry_run from the query and item from the body."""
    response = client.put("/items/7?dry_run=true", json={"name": "Lamp", "price": 12.5})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "item_id": 7,
        "dry_run": True,
        "item": {"name": "Lamp", "price": 12.5},
    }


def test_openapi_shows_where_each_parameter_comes_from() -> None:
    """The schema lists item_id as a path, dry_run as a query parameter, and Item as the body."""
    operation = app.openapi()["paths"]["/items/{item_id}"]["put"]
    sources = {p["name"]: p["in"] for p in operation["parameters"]}
    assert sources == {"item_id": "path", "dry_run": "query"}
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema == {"$ref": "#/components/schemas/Item"}
    assert operation["requestBody"]["required"] is True


def test_errors_from_every_source_come_back_in_one_response() -> None:
    """Bad path, query and body values are all reported together, each loc naming its source."""
    errors = errors_of(client.put("/items/seven?dry_run=perhaps", json={"price": "cheap"}))
    assert {tuple(e["loc"]) for e in errors} == {
        ("path", "item_id"),
        ("query", "dry_run"),
        ("body", "name"),
        ("body", "price"),
    }


def test_embed_true_expects_the_model_under_its_parameter_name() -> None:
    """With Body(embed=True) the body is {"user": {...}}; the bare model is a 422 at body.user."""
    response = client.post("/embedded/users", json={"user": ASHA})
    assert response.status_code == 201, response.text
    assert response.json() == {"user": ASHA}

    [error] = errors_of(client.post("/embedded/users", json=ASHA))
    assert (error["type"], error["loc"]) == ("missing", ["body", "user"])


def test_two_body_parameters_become_keys_of_one_object() -> None:
    """A model plus a Body() int are read from {"item": {...}, "quantity": n}."""
    response = client.post("/orders", json={"item": {"name": "Pen", "price": 1.5}, "quantity": 4})
    assert response.status_code == 201, response.text
    assert response.json() == {"item": {"name": "Pen", "price": 1.5}, "quantity": 4, "total": 6.0}

    [error] = errors_of(client.post("/orders", json={"item": {"name": "Pen", "price": 1.5}}))
    assert (error["type"], error["loc"]) == ("missing", ["body", "quantity"])


def post_raw(target: TestClient, path: str, body: str) -> Any:
    return target.post(path, content=body, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_a_422_not_a_500(number: str) -> None:
    """NaN/Infinity (not JSON, yet Python parses them) failing validation give a 422, not a 500."""
    value = float(number)
    body = json.dumps({**ASHA, "age": value})
    assert number in body, "json.dumps writes the bare word, as a careless client would"
    [error] = errors_of(post_raw(client, "/users", body))
    assert (error["loc"], error["input"]) == (["body", "age"], str(value))

    body = json.dumps({"item": {"name": "Pen", "price": value}, "quantity": 1})
    [error] = errors_of(post_raw(client, "/orders", body))
    assert (error["loc"], error["input"]) == (["body", "item", "price"], str(value))


def test_default_422_handler_turns_nan_into_a_500() -> None:
    """Why the app has its own 422 handler: without it, the same NaN request is a 500."""
    bare = FastAPI()  # the same route, with FastAPI's default handlers only
    bare.add_api_route("/users", create_user, methods=["POST"], status_code=201)
    with TestClient(bare, raise_server_exceptions=False) as bare_client:
        response = post_raw(bare_client, "/users", json.dumps({**ASHA, "age": math.nan}))
    assert response.status_code == 500
    assert response.text == "Internal Server Error"


def test_malformed_json_is_422_json_invalid_at_the_error_position() -> None:
    """Broken JSON is a 422 json_invalid whose loc is the character where parsing failed."""
    broken = '{"name": "Asha", "age": }'
    with pytest.raises(json.JSONDecodeError) as parse_error:  # the oracle: Python's json module
        json.loads(broken)
    response = client.post("/users", content=broken, headers={"Content-Type": "application/json"})
    [error] = errors_of(response)
    assert error["type"] == "json_invalid"
    assert error["loc"] == ["body", parse_error.value.pos]


def post_json_without_content_type(target: TestClient) -> Any:
    # `content=` sends raw bytes and, unlike `json=`, adds no Content-Type header.
    request = target.build_request("POST", "/users", content=json.dumps(ASHA).encode())
    assert "content-type" not in request.headers
    return target.send(request)


@pytest.mark.fastapi(before="0.132")
def test_json_without_content_type_is_accepted_before_0_132() -> None:
    """Before FastAPI 0.132 a body with no Content-Type header is parsed as JSON anyway."""
    response = post_json_without_content_type(client)
    assert response.status_code == 201, response.text
    assert response.json()["user"] == ASHA


@pytest.mark.fastapi(since="0.132")
def test_json_without_content_type_is_rejected_from_0_132() -> None:
    """From FastAPI 0.132 (strict_content_type=True) such a body is not parsed: 422 at ["body"]."""
    [error] = errors_of(post_json_without_content_type(client))
    assert error["type"] == "model_attributes_type"
    assert error["loc"] == ["body"]
    assert error["input"] == json.dumps(ASHA), "the raw text reached validation unparsed"


@pytest.mark.fastapi(since="0.132")
def test_strict_content_type_false_restores_the_old_behaviour() -> None:
    """FastAPI(strict_content_type=False) parses a body without Content-Type as JSON again."""
    lenient = FastAPI(strict_content_type=False)
    lenient.add_api_route("/users", create_user, methods=["POST"], status_code=201)
    with TestClient(lenient) as lenient_client:
        response = post_json_without_content_type(lenient_client)
    assert response.status_code == 201, response.text
    assert response.json()["user"] == ASHA


def test_non_json_content_type_is_never_parsed_as_json() -> None:
    """JSON text sent as text/plain is a 422 on every version (a CSRF guard since 0.65.2)."""
    response = client.post(
        "/users", content=json.dumps(ASHA), headers={"Content-Type": "text/plain"}
    )
    [error] = errors_of(response)
    assert (error["type"], error["loc"]) == ("model_attributes_type", ["body"])
    assert error["input"] == json.dumps(ASHA)


# --- the documented bounds, pinned (the property tests derive theirs from the models) -------


def test_price_is_above_0_and_at_most_1_000_000() -> None:
    """Item.price: 0 is refused, the smallest positive float and 1 000 000 pass, more fails."""
    for price, status in ((0, 422), (5e-324, 200), (1_000_000, 200), (1_000_000.01, 422)):
        response = client.put("/items/1", json={"name": "Lamp", "price": price})
        assert response.status_code == status, (price, response.text)


def test_order_quantity_is_1_to_1000() -> None:
    """POST /orders takes a quantity from 1 to 1000 inclusive."""
    item = {"name": "Lamp", "price": 2.0}
    for quantity, status in ((0, 422), (1, 201), (1_000, 201), (1_001, 422)):
        response = client.post("/orders", json={"item": item, "quantity": quantity})
        assert response.status_code == status, (quantity, response.text)


def test_dry_run_defaults_to_false() -> None:
    """Without ?dry_run the update is real."""
    response = client.put("/items/7", json={"name": "Lamp", "price": 12.5})
    assert response.json()["dry_run"] is False
