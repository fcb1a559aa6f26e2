"""Lesson 06 claims: constraints on every parameter kind, 422 bodies, headers and cookies."""

import re
from typing import Any

from fastapi.testclient import TestClient

from .app import SKU_PATTERN, app

client = TestClient(app)

VALID_ITEM: dict[str, Any] = {"name": "Desk lamp", "sku": "LMP-0042", "price": 19.5, "quantity": 3}
VALID_TOKEN = "token-123"
VALID_SESSION = "0123456789abcdef"


def errors_by_loc(body: dict[str, Any]) -> dict[tuple[str | int, ...], dict[str, Any]]:
    """Index a 422 body's `detail` list by each error's `loc`."""
    return {tuple(error["loc"]): error for error in body["detail"]}


def test_query_constraints_accept_the_edges_and_reject_beyond() -> None:
    """Query(ge=1, le=100) takes 1 and 100, rejects 0 and 101; lengths and patterns likewise."""
    assert client.get("/items", params={"limit": 1}).json()["limit"] == 1
    assert client.get("/items", params={"limit": 100}).json()["limit"] == 100
    for bad, error_type in ((0, "greater_than_equal"), (101, "less_than_equal")):
        response = client.get("/items", params={"limit": bad})
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["type"] == error_type
    # No value at all: the default applies and the constraint is not even consulted.
    assert client.get("/items").json() == {"limit": 20, "q": None, "sort": "name"}
    assert client.get("/items", params={"q": "abc"}).status_code == 200
    assert client.get("/items", params={"q": "ab"}).json()["detail"][0]["type"] == (
        "string_too_short"
    )
    assert client.get("/items", params={"q": "x" * 51}).json()["detail"][0]["type"] == (
        "string_too_long"
    )
    assert client.get("/items", params={"sort": "-price"}).status_code == 200
    assert client.get("/items", params={"sort": "size"}).json()["detail"][0]["type"] == (
        "string_pattern_mismatch"
    )


def test_empty_query_value_counts_as_present_and_too_short() -> None:
    """`?q=` sends an empty string, not "absent": min_length=3 rejects it instead of using None."""
    response = client.get("/items?q=")
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "q"]
    assert error["input"] == ""
    assert error["type"] == "string_too_short"


def test_path_gt_is_strict_and_le_is_inclusive() -> None:
    """Path(gt=0, le=999_999): 0 is rejected (strictly greater), 999_999 is accepted."""
    assert client.get("/items/1").json() == {"item_id": 1}
    assert client.get("/items/999999").json() == {"item_id": 999_999}
    zero = client.get("/items/0")
    assert zero.status_code == 422
    assert zero.json()["detail"][0]["type"] == "greater_than"
    assert zero.json()["detail"][0]["ctx"] == {"gt": 0}
    assert client.get("/items/1000000").json()["detail"][0]["type"] == "less_than_equal"


def test_path_pattern_must_match_the_whole_value() -> None:
    """Path(pattern=...) anchored with ^...$ rejects extra text, including a trailing newline."""
    assert client.get("/skus/LMP-0042").json() == {"sku": "LMP-0042"}
    for bad in ("lmp-0042", "LMP-042", "XLMP-0042", "LMP-00420"):
        response = client.get(f"/skus/{bad}")
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["type"] == "string_pattern_mismatch", bad
    # Python's re lets "$" match before a final newline; Pydantic's (Rust) regex does not,
    # so the API is stricter than a quick re.match() check would suggest.
    assert re.match(SKU_PATTERN, "LMP-0042\n"), "Python's re accepts the trailing newline"
    newline = client.get("/skus/LMP-0042%0A")
    assert newline.status_code == 422
    assert newline.json()["detail"][0]["input"] == "LMP-0042\n"


def test_body_field_constraints_are_enforced() -> None:
    """Field(gt=0) on a float is strict; ge/le on an int are inclusive; a valid item is echoed."""
    assert client.post("/items", json=VALID_ITEM).json() == {**VALID_ITEM, "tags": []}
    zero_price = client.post("/items", json={**VALID_ITEM, "price": 0})
    assert zero_price.status_code == 422
    assert zero_price.json()["detail"][0]["loc"] == ["body", "price"]
    assert zero_price.json()["detail"][0]["type"] == "greater_than"
    tiny_price = client.post("/items", json={**VALID_ITEM, "price": 0.01})
    assert tiny_price.status_code == 201
    for quantity, expected in ((1, 201), (1000, 201), (0, 422), (1001, 422)):
        response = client.post("/items", json={**VALID_ITEM, "quantity": quantity})
        assert response.status_code == expected, quantity


def test_body_scalar_constraint_with_embed() -> None:
    """Body(ge=1, le=5, embed=True) reads {"stars": n} and bounds n like any other parameter."""
    assert client.post("/items/7/rating", json={"stars": 5}).json() == {"item_id": 7, "stars": 5}
    response = client.post("/items/7/rating", json={"stars": 6})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "stars"]
    # Without embed the body would have to be a bare 5; with it, a bare number is rejected.
    bare = client.post("/items/7/rating", json=5)
    assert bare.status_code == 422


def test_header_parameter_x_token_is_read_from_the_x_token_header() -> None:
    """`x_token` is filled from the "X-Token" header, matched case-insensitively."""
    cookie = {"Cookie": f"session_id={VALID_SESSION}"}
    for spelling in ("X-Token", "x-token", "X-TOKEN"):
        response = client.get("/me", headers={spelling: VALID_TOKEN, **cookie})
        assert response.status_code == 200, spelling
        assert response.json()["x_token"] == VALID_TOKEN, spelling
    version = client.get("/me", headers={"X-Token": VALID_TOKEN, "X-Api-Version": "3", **cookie})
    assert version.json()["x_api_version"] == 3


def test_header_sent_with_underscores_is_not_matched() -> None:
    """A header literally named "x_token" is not "X-Token": the required header is missing."""
    response = client.get(
        "/me", headers={"x_token": VALID_TOKEN, "Cookie": f"session_id={VALID_SESSION}"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "missing", "loc": ["header", "x-token"], "msg": "Field required", "input": None}
    ]


def test_header_and_cookie_constraints_are_enforced() -> None:
    """Header(min_length=8) and Cookie(ge=0, le=50) reject out-of-bounds values with their loc."""
    ok = client.get(
        "/me",
        headers={"X-Token": VALID_TOKEN, "Cookie": f"session_id={VALID_SESSION}; cart_items=50"},
    )
    assert ok.json() == {
        "x_token": VALID_TOKEN,
        "x_api_version": 1,
        "session_id": VALID_SESSION,
        "cart_items": 50,
    }
    short = client.get("/me", headers={"X-Token": "short", "Cookie": f"session_id={VALID_SESSION}"})
    assert list(errors_by_loc(short.json())) == [("header", "x-token")]
    too_many = client.get(
        "/me",
        headers={"X-Token": VALID_TOKEN, "Cookie": f"session_id={VALID_SESSION}; cart_items=51"},
    )
    assert list(errors_by_loc(too_many.json())) == [("cookie", "cart_items")]


def test_absent_optional_header_and_cookie_take_their_defaults() -> None:
    """Without X-Api-Version and cart_items, /me answers with their defaults, 1 and 0."""
    response = client.get(
        "/me", headers={"X-Token": VALID_TOKEN, "Cookie": f"session_id={VALID_SESSION}"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "x_token": VALID_TOKEN,
        "x_api_version": 1,
        "session_id": VALID_SESSION,
        "cart_items": 0,
    }, "the defaults declared in read_me apply"


def test_validation_error_entries_are_structured() -> None:
    """Each 422 entry carries type, loc, msg, input and (for a constraint) ctx with the limit."""
    response = client.get("/items", params={"limit": 500})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 100",
                "input": "500",
                "ctx": {"le": 100},
            }
        ]
    }


def test_every_invalid_body_field_is_reported_in_one_response() -> None:
    """Validation does not stop at the first problem: one 422 lists every invalid field."""
    bad_item = {"name": "x", "sku": "nope", "price": -1, "quantity": 0}
    response = client.post("/items", json=bad_item)
    assert response.status_code == 422
    errors = errors_by_loc(response.json())
    assert {loc: error["type"] for loc, error in errors.items()} == {
        ("body", "name"): "string_too_short",
        ("body", "sku"): "string_pattern_mismatch",
        ("body", "price"): "greater_than",
        ("body", "quantity"): "greater_than_equal",
    }
    # `input` echoes what the client sent for that field, so a UI can highlight it.
    assert {loc[1]: error["input"] for loc, error in errors.items()} == bad_item


def test_errors_from_different_sources_arrive_together() -> None:
    """Path and body errors, or header and cookie errors, come back in the same 422."""
    rating = client.post("/items/0/rating", json={"stars": 0})
    assert set(errors_by_loc(rating.json())) == {("path", "item_id"), ("body", "stars")}
    me = client.get("/me", headers={"X-Token": "short", "Cookie": "session_id=tiny; cart_items=-1"})
    assert set(errors_by_loc(me.json())) == {
        ("header", "x-token"),
        ("cookie", "session_id"),
        ("cookie", "cart_items"),
    }


def test_after_validator_failure_is_a_422_value_error() -> None:
    """An AfterValidator that raises ValueError becomes a 422 entry at that list index."""
    response = client.post("/items", json={**VALID_ITEM, "tags": ["lamp", "Bad Tag"]})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "tags", 1]
    assert error["type"] == "value_error"
    assert error["msg"] == "Value error, tags are lower-case words without spaces"
    # ctx.error holds the exception object, which has no JSON form: read `msg` instead.
    assert error["ctx"] == {"error": {}}


def test_tag_rule_rejects_a_capital_letter_and_a_space_each_on_its_own() -> None:
    """check_tag has two rules: a capital letter alone, or a space alone, is already a 422."""
    for bad in ("Lamp", "desk lamp"):
        response = client.post("/items", json={**VALID_ITEM, "tags": [bad]})
        assert response.status_code == 422, f"{bad!r} breaks one rule and must be rejected"
        [error] = response.json()["detail"]
        assert (error["loc"], error["input"]) == (["body", "tags", 0], bad)
    ok = client.post("/items", json={**VALID_ITEM, "tags": ["desk-lamp"]})
    assert ok.status_code == 201, "a lower-case word without spaces passes"


def test_field_validator_failure_is_a_422_value_error() -> None:
    """A field_validator that raises ValueError becomes a 422 entry for the whole field."""
    ok = client.post("/items", json={**VALID_ITEM, "tags": ["lamp", "desk"]})
    assert ok.status_code == 201
    response = client.post("/items", json={**VALID_ITEM, "tags": ["lamp", "lamp"]})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "tags"]
    assert error["msg"] == "Value error, tags must be unique"
    assert error["input"] == ["lamp", "lamp"]
