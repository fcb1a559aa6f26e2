"""Lesson 06 claims: constraints are published in OpenAPI, and enforced exactly at those edges.

The edge and Hypothesis tests read every bound from the app's own OpenAPI schema, never
from a copy in this file: edit a constraint in app.py and they test the new edge. Only
`test_constraints_appear_in_the_openapi_schema` spells the values out, so that a changed
bound is noticed at all: together they prove the documented value is the enforced one.
"""

import math
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from .app import app

client = TestClient(app)
OPENAPI: dict[str, Any] = client.get("/openapi.json").json()

VALID_ITEM: dict[str, Any] = {"name": "Desk lamp", "sku": "LMP-0042", "price": 19.5, "quantity": 3}
VALID_TOKEN = "token-123"
VALID_SESSION = "0123456789abcdef"


class Reply(Protocol):
    """The parts of a test-client response these tests read (httpx or httpx2 alike)."""

    @property
    def status_code(self) -> int: ...
    @property
    def is_success(self) -> bool: ...
    def json(self) -> Any: ...


# --- Reading the schema ---------------------------------------------------------------
def parameter_schema(path: str, method: str, location: str, name: str) -> dict[str, Any]:
    """The JSON schema OpenAPI publishes for one path/query/header/cookie parameter."""
    for parameter in OPENAPI["paths"][path][method]["parameters"]:
        if parameter["in"] == location and parameter["name"] == name:
            schema: dict[str, Any] = parameter["schema"]
            return schema
    raise KeyError(f"{method.upper()} {path} has no {location} parameter {name!r}")


def body_property_schema(path: str, method: str, name: str) -> dict[str, Any]:
    """The JSON schema of one property of an operation's JSON body (following the $ref)."""
    body = OPENAPI["paths"][path][method]["requestBody"]["content"]["application/json"]
    model = OPENAPI["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[-1]]
    schema: dict[str, Any] = model["properties"][name]
    return schema


def without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`str | None` is published as anyOf[{string...}, {null}]: keep the non-null branch."""
    branches: list[dict[str, Any]] = [
        branch for branch in schema.get("anyOf", [schema]) if branch.get("type") != "null"
    ]
    assert len(branches) == 1, f"expected one non-null branch in {schema}"
    return branches[0]


def integer_bounds(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    """Inclusive (low, high) from minimum/maximum or exclusiveMinimum/exclusiveMaximum."""
    schema = without_null(schema)
    low: int | None = None
    high: int | None = None
    # Bounds of body fields are published as floats (1000.0), hence ceil/floor.
    if "minimum" in schema:
        low = math.ceil(schema["minimum"])
    if "exclusiveMinimum" in schema:
        low = math.floor(schema["exclusiveMinimum"]) + 1
    if "maximum" in schema:
        high = math.floor(schema["maximum"])
    if "exclusiveMaximum" in schema:
        high = math.ceil(schema["exclusiveMaximum"]) - 1
    return low, high


def length_bounds(schema: dict[str, Any]) -> tuple[int, int | None]:
    """Inclusive (min, max) string length from minLength/maxLength."""
    schema = without_null(schema)
    return schema.get("minLength", 0), schema.get("maxLength")


# --- What Hypothesis sends ------------------------------------------------------------
def integers_around(low: int | None, high: int | None) -> st.SearchStrategy[int]:
    """Any integer, with the values on and next to each edge drawn often."""
    edges = [edge + step for edge in (low, high) if edge is not None for step in (-1, 0, 1)]
    near = [st.integers(edge - 100, edge + 100) for edge in (low, high) if edge is not None]
    return st.one_of(st.sampled_from(edges or [0]), *near, st.integers())


def texts_around(
    low: int, high: int | None, alphabet: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """Strings of any length from 0 to a little past the maximum, edge lengths drawn often."""
    top = (high if high is not None else low) + 5
    edges = [edge + step for edge in (low, high) if edge is not None for step in (-1, 0, 1)]
    lengths = st.one_of(st.sampled_from([n for n in edges if n >= 0]), st.integers(0, top))
    return lengths.flatmap(lambda n: st.text(alphabet, min_size=n, max_size=n))


# Header and cookie values travel as plain ASCII: no spaces (servers strip them), no ";"
# or "," (cookie syntax). Query strings and JSON bodies carry any Unicode text that UTF-8
# can encode (lone surrogates cannot travel at all).
TOKEN_CHARS = st.sampled_from(string.ascii_letters + string.digits + "-._~")
ANY_TEXT_CHAR = st.characters(codec="utf-8")


@dataclass(frozen=True)
class Target:
    """One constrained parameter: where OpenAPI describes it and how to send it a value."""

    label: str
    loc: tuple[str, ...]
    published: Callable[[], dict[str, Any]]  # looks its schema up in OPENAPI
    send: Callable[[Any], Reply]
    alphabet: st.SearchStrategy[str] = ANY_TEXT_CHAR  # what a string value may contain

    @property
    def schema(self) -> dict[str, Any]:
        return self.published()


def me_with(headers: dict[str, str] | None = None, cookies: str = "") -> Reply:
    """GET /me with valid credentials, plus the given extra headers and cookies."""
    base = {"X-Token": VALID_TOKEN, "Cookie": f"session_id={VALID_SESSION}{cookies}"}
    return client.get("/me", headers={**base, **(headers or {})})


INTEGER_TARGETS = [
    Target(
        "query limit",
        ("query", "limit"),
        lambda: parameter_schema("/items", "get", "query", "limit"),
        lambda v: client.get("/items", params={"limit": v}),
    ),
    Target(
        "path item_id",
        ("path", "item_id"),
        lambda: parameter_schema("/items/{item_id}", "get", "path", "item_id"),
        lambda v: client.get(f"/items/{v}"),
    ),
    Target(
        "body quantity",
        ("body", "quantity"),
        lambda: body_property_schema("/items", "post", "quantity"),
        lambda v: client.post("/items", json={**VALID_ITEM, "quantity": v}),
    ),
    Target(
        "embedded body stars",
        ("body", "stars"),
        lambda: body_property_schema("/items/{item_id}/rating", "post", "stars"),
        lambda v: client.post("/items/1/rating", json={"stars": v}),
    ),
    Target(
        "header x-api-version",
        ("header", "x-api-version"),
        lambda: parameter_schema("/me", "get", "header", "x-api-version"),
        lambda v: me_with(headers={"X-Api-Version": str(v)}),
    ),
    Target(
        "cookie cart_items",
        ("cookie", "cart_items"),
        lambda: parameter_schema("/me", "get", "cookie", "cart_items"),
        lambda v: me_with(cookies=f"; cart_items={v}"),
    ),
]

STRING_TARGETS = [
    Target(
        "query q",
        ("query", "q"),
        lambda: parameter_schema("/items", "get", "query", "q"),
        lambda v: client.get("/items", params={"q": v}),
    ),
    Target(
        "body name",
        ("body", "name"),
        lambda: body_property_schema("/items", "post", "name"),
        lambda v: client.post("/items", json={**VALID_ITEM, "name": v}),
    ),
    Target(
        "header x-token",
        ("header", "x-token"),
        lambda: parameter_schema("/me", "get", "header", "x-token"),
        lambda v: me_with(headers={"X-Token": v}),
        alphabet=TOKEN_CHARS,
    ),
    Target(
        "cookie session_id",
        ("cookie", "session_id"),
        lambda: parameter_schema("/me", "get", "cookie", "session_id"),
        lambda v: client.get("/me", headers={"X-Token": VALID_TOKEN, "Cookie": f"session_id={v}"}),
        alphabet=TOKEN_CHARS,
    ),
]


def label(target: Target) -> str:
    return target.label


def error_locs(response: Reply) -> list[tuple[str | int, ...]]:
    """The `loc` of every entry of a 422 body."""
    return [tuple(error["loc"]) for error in response.json()["detail"]]


def check_integer(target: Target, value: int) -> None:
    """2xx when `value` is inside the target's published bounds, else a 422 naming the target."""
    low, high = integer_bounds(target.schema)
    inside = (low is None or value >= low) and (high is None or value <= high)
    response = target.send(value)
    if inside:
        assert response.is_success, f"{target.label}={value} is inside [{low}, {high}]"
    else:
        assert response.status_code == 422, f"{target.label}={value} is outside [{low}, {high}]"
        assert error_locs(response) == [target.loc], response.json()


def check_string(target: Target, value: str) -> None:
    """2xx when the length of `value` is inside the published bounds, else a 422 naming it."""
    low, high = length_bounds(target.schema)
    inside = low <= len(value) and (high is None or len(value) <= high)
    response = target.send(value)
    if inside:
        assert response.is_success, f"{target.label} of length {len(value)} is inside"
    else:
        assert response.status_code == 422, f"{target.label} of length {len(value)} is outside"
        assert error_locs(response) == [target.loc], response.json()


# --- The claims -----------------------------------------------------------------------
@pytest.mark.parametrize("target", INTEGER_TARGETS, ids=label)
def test_integer_edges_published_in_openapi_are_the_enforced_edges(target: Target) -> None:
    """On and next to each published bound: the bound is accepted, one step beyond is a 422."""
    low, high = integer_bounds(target.schema)
    assert (low, high) != (None, None), f"{target.label} publishes no bound at all"
    for edge in (low, high):
        if edge is not None:
            for value in (edge - 1, edge, edge + 1):
                check_integer(target, value)


@pytest.mark.parametrize("target", STRING_TARGETS, ids=label)
def test_string_length_edges_published_in_openapi_are_the_enforced_edges(target: Target) -> None:
    """Lengths on and next to minLength and maxLength: inside accepted, one beyond is a 422."""
    low, high = length_bounds(target.schema)
    assert (low, high) != (0, None), f"{target.label} publishes no length bound"
    character = "a"
    for edge in (low, high):
        if edge is not None:
            for length in (edge - 1, edge, edge + 1):
                if length >= 0:
                    check_string(target, character * length)


@given(data=st.data())
def test_integer_is_accepted_exactly_inside_its_published_bounds(data: st.DataObject) -> None:
    """For every integer and every bounded parameter: 2xx inside the bounds, 422 outside."""
    target = data.draw(st.sampled_from(INTEGER_TARGETS), label="target")
    low, high = integer_bounds(target.schema)
    check_integer(target, data.draw(integers_around(low, high), label=target.label))


@given(data=st.data())
def test_string_is_accepted_exactly_when_its_length_is_inside_the_bounds(
    data: st.DataObject,
) -> None:
    """For every string and every length-bounded parameter: 2xx inside the bounds, else 422."""
    target = data.draw(st.sampled_from(STRING_TARGETS), label="target")
    low, high = length_bounds(target.schema)
    check_string(target, data.draw(texts_around(low, high, target.alphabet), label=target.label))


# The bounds app.py declares, spelled out: the one place this file copies them.
DOCUMENTED_INTEGER_BOUNDS = {
    "query limit": (1, 100),
    "path item_id": (1, 999_999),  # gt=0: the smallest accepted integer is 1
    "body quantity": (1, 1_000),
    "embedded body stars": (1, 5),
    "header x-api-version": (1, 3),
    "cookie cart_items": (0, 50),
}
DOCUMENTED_LENGTH_BOUNDS = {
    "query q": (3, 50),
    "body name": (2, 40),
    "header x-token": (8, 64),
    "cookie session_id": (16, 64),
}


def test_constraints_appear_in_the_openapi_schema() -> None:
    """Every bound of app.py is published with its exact value; so are lengths and patterns."""
    published_integers = {t.label: integer_bounds(t.schema) for t in INTEGER_TARGETS}
    assert published_integers == DOCUMENTED_INTEGER_BOUNDS, "an integer bound changed"
    published_lengths = {t.label: length_bounds(t.schema) for t in STRING_TARGETS}
    assert published_lengths == DOCUMENTED_LENGTH_BOUNDS, "a length bound changed"
    limit = parameter_schema("/items", "get", "query", "limit")
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 100, 20)
    item_id = parameter_schema("/items/{item_id}", "get", "path", "item_id")
    assert item_id["exclusiveMinimum"] == 0, "gt=0 is published as exclusiveMinimum: 0"
    assert "minimum" not in item_id
    assert parameter_schema("/skus/{sku}", "get", "path", "sku")["pattern"] == r"^[A-Z]{3}-\d{4}$"
    token = parameter_schema("/me", "get", "header", "x-token")
    assert (token["minLength"], token["maxLength"]) == (8, 64)
    price = body_property_schema("/items", "post", "price")
    assert (price["exclusiveMinimum"], price["maximum"]) == (0, 1_000_000)
    tags = body_property_schema("/items", "post", "tags")
    assert tags["maxItems"] == 5
    assert (tags["items"]["minLength"], tags["items"]["maxLength"]) == (1, 20)


def test_optional_parameter_is_published_as_any_of_with_null() -> None:
    """`str | None` with constraints: the constraints sit on the string branch of an anyOf."""
    q = parameter_schema("/items", "get", "query", "q")
    assert q["anyOf"] == [{"type": "string", "minLength": 3, "maxLength": 50}, {"type": "null"}]
    query = {p["name"]: p for p in OPENAPI["paths"]["/items"]["get"]["parameters"]}
    assert query["q"]["required"] is False


def test_header_parameter_is_published_under_its_http_name() -> None:
    """OpenAPI lists the header as "x-token", the name a client must send, not "x_token"."""
    headers = [
        p["name"] for p in OPENAPI["paths"]["/me"]["get"]["parameters"] if p["in"] == "header"
    ]
    assert sorted(headers) == ["x-api-version", "x-token"]
    cookies = [
        p["name"] for p in OPENAPI["paths"]["/me"]["get"]["parameters"] if p["in"] == "cookie"
    ]
    assert sorted(cookies) == ["cart_items", "session_id"], "cookie names are not converted"


@pytest.mark.fastapi(since="0.128.1")
def test_openapi_validation_error_schema_documents_input_and_ctx() -> None:
    """From FastAPI 0.128.1 the published ValidationError schema lists `input` and `ctx`."""
    properties = OPENAPI["components"]["schemas"]["ValidationError"]["properties"]
    assert {"type", "loc", "msg", "input", "ctx"} <= set(properties)


@pytest.mark.fastapi(before="0.128.1")
def test_openapi_validation_error_schema_omits_input_and_ctx_before_0_128_1() -> None:
    """Before FastAPI 0.128.1 the published schema lists only type, loc and msg."""
    properties = OPENAPI["components"]["schemas"]["ValidationError"]["properties"]
    assert set(properties) == {"type", "loc", "msg"}
    # The real 422 body carries input and ctx all the same: the schema lagged behind.
    detail = client.get("/items", params={"limit": 0}).json()["detail"][0]
    assert {"input", "ctx"} <= set(detail)
