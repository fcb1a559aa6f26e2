"""Lesson 22 claims: a Pydantic model as a form — constraints, lists, extra="forbid"."""

from typing import Annotated, Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from .app import app

SIGNUP = {"username": "ada_l"}


def signup_property(name: str) -> dict[str, Any]:
    """The JSON schema the app publishes for one field of its Signup form."""
    schema = app.openapi()["components"]["schemas"]["Signup"]["properties"][name]
    assert isinstance(schema, dict)
    return schema


def test_a_form_model_collects_the_fields_into_one_object(client: TestClient) -> None:
    """`Annotated[Signup, Form()]`: the handler gets a validated Signup built from the form."""
    response = client.post(
        "/signup",
        data={
            "username": "ada_l",
            "age": "36",
            "newsletter": "on",
            "interests": ["math", "poetry"],
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "username": "ada_l",
        "age": 36,
        "newsletter": True,
        "interests": ["math", "poetry"],
    }


def test_a_repeated_field_fills_a_list_and_an_absent_one_uses_the_default(
    client: TestClient,
) -> None:
    """`interests=a&interests=b` is a list; one value is a one-item list; none is []."""
    one = client.post("/signup", data={**SIGNUP, "interests": "math"}).json()
    none = client.post("/signup", data=SIGNUP).json()
    assert one["interests"] == ["math"]
    assert none == {"username": "ada_l", "age": None, "newsletter": False, "interests": []}


@pytest.mark.parametrize("extra", [{"admin": "true"}, {"admin": ["true", "yes"]}])
def test_an_undeclared_field_is_422_extra_forbidden(
    client: TestClient, extra: dict[str, Any]
) -> None:
    """With extra="forbid" a field the model lacks (say admin=true) is refused, not dropped."""
    response = client.post("/signup", data={**SIGNUP, **extra})
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("extra_forbidden", ["body", "admin"])
    ]


def test_a_json_body_to_a_form_model_is_422(client: TestClient) -> None:
    """The form model does not read JSON: a JSON body leaves the form empty, so 422 missing."""
    response = client.post("/signup", json=SIGNUP)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "username"]
    assert response.json()["detail"][0]["type"] == "missing"


def constrained_str(schema: dict[str, Any]) -> TypeAdapter[str]:
    """An independent validator built from the published constraints alone."""
    return TypeAdapter(
        Annotated[
            str,
            Field(
                min_length=schema["minLength"],
                max_length=schema["maxLength"],
                pattern=schema["pattern"],
            ),
        ]
    )


USERNAME_SCHEMA = signup_property("username")
USERNAME_ORACLE = constrained_str(USERNAME_SCHEMA)
AGE_SCHEMA = next(b for b in signup_property("age")["anyOf"] if b.get("type") == "integer")


@given(
    username=st.one_of(
        st.from_regex(USERNAME_SCHEMA["pattern"], fullmatch=True),
        st.text(st.characters(codec="utf-8"), max_size=USERNAME_SCHEMA["maxLength"] + 5),
    )
)
def test_username_is_accepted_exactly_when_its_published_constraints_allow(
    client: TestClient, username: str
) -> None:
    """For any text: 200 iff a validator built from the OpenAPI constraints accepts it."""
    try:
        USERNAME_ORACLE.validate_python(username)
        valid = True
    except ValidationError:
        valid = False
    response = client.post("/signup", data={"username": username})
    assert response.status_code == (200 if valid else 422), response.text
    if valid:
        assert response.json()["username"] == username


@given(age=st.integers(min_value=AGE_SCHEMA["minimum"] - 50, max_value=AGE_SCHEMA["maximum"] + 50))
def test_age_is_accepted_exactly_inside_its_published_bounds(client: TestClient, age: int) -> None:
    """For any integer: 200 iff minimum <= age <= maximum (read from OpenAPI), else 422."""
    inside = AGE_SCHEMA["minimum"] <= age <= AGE_SCHEMA["maximum"]
    response = client.post("/signup", data={**SIGNUP, "age": str(age)})
    assert response.status_code == (200 if inside else 422), response.text
    if inside:
        assert response.json()["age"] == age


# An HTML form always sends every text input, empty or not: an optional number left blank
# arrives as age="".
@pytest.mark.fastapi(since="0.149")
def test_an_empty_optional_field_in_a_form_model_uses_its_default_from_0_149(
    client: TestClient,
) -> None:
    """age="" counts as not sent, so the default (None) applies."""
    response = client.post("/signup", data={**SIGNUP, "age": ""})
    assert response.status_code == 200
    assert response.json()["age"] is None


@pytest.mark.fastapi(before="0.149")
def test_an_empty_optional_field_in_a_form_model_is_422_before_0_149(client: TestClient) -> None:
    """Before 0.149 a form model gets age="" as is: not an integer, so 422 int_parsing."""
    response = client.post("/signup", data={**SIGNUP, "age": ""})
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("int_parsing", ["body", "age"])
    ]


# --- The documented bounds, as literal numbers ------------------------------------------------
# The Hypothesis tests above read the bounds from OpenAPI, so they follow any edit of Signup.
# These pin the numbers the README documents: moving a bound is a change of the rules.
@pytest.mark.parametrize(
    ("age", "error"),
    [(12, "greater_than_equal"), (13, None), (130, None), (131, "less_than_equal")],
)
def test_signup_takes_an_age_from_13_to_130_inclusive(
    client: TestClient, age: int, error: str | None
) -> None:
    """The documented age range is 13 to 130, both ends included; 12 and 131 are 422."""
    response = client.post("/signup", data={**SIGNUP, "age": str(age)})
    if error is None:
        assert response.status_code == 200, f"age {age} is inside the documented 13..130"
        assert response.json()["age"] == age
    else:
        assert response.status_code == 422, f"age {age} is outside the documented 13..130"
        assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
            (error, ["body", "age"])
        ]


@pytest.mark.parametrize(
    ("length", "error"),
    [(2, "string_too_short"), (3, None), (20, None), (21, "string_too_long")],
)
def test_signup_takes_a_username_of_3_to_20_characters(
    client: TestClient, length: int, error: str | None
) -> None:
    """The documented username length is 3 to 20 characters; 2 and 21 are 422."""
    username = "a" * length
    response = client.post("/signup", data={"username": username})
    if error is None:
        assert response.status_code == 200, f"{length} characters is inside the documented 3..20"
        assert response.json()["username"] == username
    else:
        assert response.status_code == 422, f"{length} characters is outside the documented 3..20"
        assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
            (error, ["body", "username"])
        ]
