"""Lesson 05 claims: the response model, not the handler, decides what the client receives."""

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.exceptions import RequestValidationError, ResponseValidationError
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from .app import LEGACY_USERS, USERS, Preferences, UserIn, UserOut, app

client = TestClient(app)

ASHA = {"name": "Asha", "email": "asha@example.com", "password": "correct horse battery"}
PUBLIC_FIELDS = set(UserOut.model_fields)


@pytest.fixture(autouse=True)
def empty_user_store() -> Iterator[None]:
    """Each test starts with no users and leaves none behind."""
    saved = dict(USERS)
    USERS.clear()
    yield
    USERS.clear()
    USERS.update(saved)


def create(user: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/users", json=user)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_response_model_drops_the_hash_the_handler_returned() -> None:
    """The handler returns a row with password_hash; the client gets only UserOut's fields."""
    created = create(ASHA)
    row = USERS[created["id"]]
    assert "password_hash" in row, "the handler really did return the hash"
    assert created == {"id": row["id"], "name": "Asha", "email": "asha@example.com"}
    assert row["password_hash"] not in client.get(f"/users/{created['id']}").text


def test_password_is_never_echoed_back() -> None:
    """Neither the password nor its hash appears in the POST or GET responses."""
    created = create(ASHA)
    for response in (
        client.post("/users", json=ASHA),
        client.get(f"/users/{created['id']}"),
        client.get(f"/v2/users/{created['id']}"),
    ):
        assert set(response.json()) == PUBLIC_FIELDS
        assert ASHA["password"] not in response.text


def test_without_a_response_model_the_hash_leaks() -> None:
    """A `dict[str, Any]` return type filters nothing: the hash is sent; OpenAPI cannot tell."""
    created = create(ASHA)
    leaked = client.get(f"/leaky/users/{created['id']}").json()
    assert leaked["password_hash"] == USERS[created["id"]]["password_hash"]

    schema = app.openapi()["paths"]["/leaky/users/{user_id}"]["get"]["responses"]["200"]
    documented = schema["content"]["application/json"]["schema"]
    assert documented["type"] == "object"
    assert "properties" not in documented, "a free-form object documents no fields at all"


def test_return_annotation_is_the_response_model() -> None:
    """`-> UserOut` filters like response_model=UserOut, even when a UserInDB is returned."""
    created = create(ASHA)
    response = client.get(f"/v2/users/{created['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == created
    assert "password_hash" not in response.json()

    operation = app.openapi()["paths"]["/v2/users/{user_id}"]["get"]
    documented = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert documented == {"$ref": "#/components/schemas/UserOut"}


def test_unknown_user_is_404() -> None:
    """Asking for a user that does not exist is a 404 on every user route."""
    for path in ("/users/999", "/v2/users/999", "/leaky/users/999", "/legacy/users/999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "User not found"}


def test_defaults_are_filled_in_without_exclude_unset() -> None:
    """A stored {"theme": "dark"} comes back with every default of Preferences filled in."""
    response = client.get("/users/1/preferences")
    assert response.status_code == 200, response.text
    expected = Preferences().model_dump() | {"theme": "dark"}
    assert response.json() == expected


def test_exclude_unset_sends_only_the_fields_that_were_set() -> None:
    """response_model_exclude_unset=True sends the stored choices and leaves the defaults out."""
    response = client.get("/users/1/preferences/explicit")
    assert response.status_code == 200, response.text
    assert response.json() == {"theme": "dark"}


def test_exclude_unset_keeps_a_field_set_to_its_default_value() -> None:
    """ "Unset" means never given: newsletter=False, given explicitly, is still sent."""
    assert Preferences.model_fields["newsletter"].default is False
    response = client.get("/users/2/preferences/explicit")
    assert response.json() == {"theme": "dark", "newsletter": False}


def test_preferences_of_an_unknown_user_are_a_documented_404() -> None:
    """No stored preferences: a 404 on both routes, and the docs declare that 404."""
    for path in ("/users/999/preferences", "/users/999/preferences/explicit"):
        response = client.get(path)
        assert (response.status_code, response.json()) == (
            404,
            {"detail": "No preferences for this user"},
        ), path
        responses = app.openapi()["paths"][path.replace("999", "{user_id}")]["get"]["responses"]
        assert "404" in responses, f"{path}: the 404 is not in the OpenAPI document"


def test_response_that_breaks_the_model_raises_response_validation_error() -> None:
    """A return value that fails UserOut raises ResponseValidationError, loc ("response", ...)."""
    with pytest.raises(ResponseValidationError) as raised:
        client.get("/legacy/users/1")
    [error] = raised.value.errors()
    assert error["loc"] == ("response", "email")
    assert error["input"] == LEGACY_USERS[1]["email"]
    assert not isinstance(raised.value, RequestValidationError), "it is not the client's fault"


def test_response_that_breaks_the_model_is_a_500_without_the_data() -> None:
    """To the client it is a plain 500: no 422, no row, no hash, no validation details."""
    with TestClient(app, raise_server_exceptions=False) as server_view:
        response = server_view.get("/legacy/users/1")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    row = LEGACY_USERS[1]
    for secret in (row["password_hash"], row["email"], row["name"]):
        assert secret not in response.text


def legacy_failure_message() -> str:
    with pytest.raises(ResponseValidationError) as raised:
        client.get("/legacy/users/1")
    return str(raised.value)


@pytest.mark.fastapi(since="0.124")
def test_response_validation_error_names_the_endpoint_from_0_124() -> None:
    """From 0.124 the exception text (what the server logs) names the route and the function."""
    message = legacy_failure_message()
    assert "GET /legacy/users/{user_id}" in message
    assert "read_legacy_user" in message


@pytest.mark.fastapi(before="0.124")
def test_response_validation_error_lists_only_the_errors_before_0_124() -> None:
    """Before 0.124 the exception text lists the validation errors but not the endpoint."""
    message = legacy_failure_message()
    assert "('response', 'email')" in message
    assert "/legacy/users" not in message
    assert "read_legacy_user" not in message


def test_user_in_requires_the_password_that_user_out_lacks() -> None:
    """UserIn needs a password (422 without it); UserOut has no password field at all."""
    without_password = {key: value for key, value in ASHA.items() if key != "password"}
    response = client.post("/users", json=without_password)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "password"]]
    assert "password" in UserIn.model_fields
    assert not {"password", "password_hash"} & set(UserOut.model_fields)


def test_nan_in_the_body_is_a_422_not_a_500() -> None:
    """A NaN literal (Python parses it, JSON has none) sent for a str field is a clear 422."""
    body = '{"name": NaN, "email": "asha@example.com", "password": "pw"}'
    response = client.post("/users", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"], error["input"]) == (["body", "name"], "string_type", "nan")


def response_schemas(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every success-response JSON schema in the OpenAPI document, by "METHOD path"."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith("2") and "content" in response:
                    yield (
                        f"{method.upper()} {path}",
                        response["content"]["application/json"]["schema"],
                    )


def property_names(node: Any, components: dict[str, Any]) -> set[str]:
    """All property names reachable from a schema node, following $refs into components."""
    if isinstance(node, list):
        return set().union(*(property_names(item, components) for item in node))
    if not isinstance(node, dict):
        return set()
    names = set(node.get("properties", {}))
    if "$ref" in node:
        names |= property_names(components[node["$ref"].rsplit("/", 1)[-1]], components)
    return names.union(*(property_names(value, components) for value in node.values()))


def test_openapi_output_schemas_have_no_secret() -> None:
    """OpenAPI: UserIn (input) has password; no response schema mentions a password or hash."""
    schema = app.openapi()
    components = schema["components"]["schemas"]
    assert set(components["UserOut"]["properties"]) == PUBLIC_FIELDS
    assert components["UserOut"].get("additionalProperties") is not True, "no room for extras"
    assert "password" in components["UserIn"]["properties"]
    assert "UserInDB" not in components, "the storage model is never published"

    create_user = schema["paths"]["/users"]["post"]
    body = create_user["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/UserIn"}
    created = create_user["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/UserOut"}

    checked = 0
    for operation, node in response_schemas(schema):
        names = property_names(node, components)
        assert not any("password" in name for name in names), f"{operation} documents {names}"
        checked += 1
    routes = [route for route in app.routes if isinstance(route, APIRoute)]
    assert checked == len(routes), "every route's success response was inspected"


def test_stored_hash_is_a_random_16_byte_salt_and_the_sha256_of_salt_and_password() -> None:
    """hash_password stores `salt$sha256(salt + password)` with a 16-byte (32 hex) salt."""
    from .app import hash_password

    first, second = hash_password("s3cret-pass"), hash_password("s3cret-pass")
    salt, digest = first.split("$")
    assert len(salt) == 32, salt
    assert set(salt) <= set("0123456789abcdef"), salt
    assert digest == hashlib.sha256((salt + "s3cret-pass").encode()).hexdigest()
    assert first != second, "the same password must hash differently (a fresh salt each time)"
