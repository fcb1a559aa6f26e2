"""Describe a form with a model

In lessons/22_forms/app.py, add a form model `Address` with `street` (1 to 100 characters),
`city` (1 to 60 characters) and `postcode` (exactly five digits), refusing any field it does
not declare. Add `POST /addresses` that reads an `Address` from the form and answers it.
"""

from fastapi.testclient import TestClient

from ..app import app

HINT = (
    "Follow Signup: a BaseModel with model_config = ConfigDict(extra=...), Field(...) "
    "constraints (min_length, max_length, pattern), and a parameter Annotated[Address, Form()]."
)

client = TestClient(app)

HOME = {"street": "12 Analytical Row", "city": "London", "postcode": "01815"}


def test_the_address_form_becomes_one_validated_object() -> None:
    """A complete form answers 200 with exactly the three fields (the postcode stays text)."""
    response = client.post("/addresses", data=HOME)
    assert response.status_code == 200, response.text
    assert response.json() == HOME


def test_a_postcode_that_is_not_five_digits_is_422() -> None:
    """Four digits, six digits or a letter each fail the postcode pattern (422 on postcode)."""
    for postcode in ("1815", "018150", "0181a"):
        response = client.post("/addresses", data={**HOME, "postcode": postcode})
        assert response.status_code == 422, postcode
        assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
            ("string_pattern_mismatch", ["body", "postcode"])
        ], postcode


def test_street_and_city_lengths_are_bounded() -> None:
    """A 101-character street and a 61-character city are refused; 100 and 60 pass."""
    ok = client.post("/addresses", data={**HOME, "street": "s" * 100, "city": "c" * 60})
    assert ok.status_code == 200, ok.text
    response = client.post("/addresses", data={**HOME, "street": "s" * 101, "city": "c" * 61})
    assert response.status_code == 422
    assert sorted((e["type"], e["loc"][-1]) for e in response.json()["detail"]) == [
        ("string_too_long", "city"),
        ("string_too_long", "street"),
    ]


def test_an_undeclared_field_is_refused() -> None:
    """A field Address does not declare (country=UK) is a 422 extra_forbidden, not dropped."""
    response = client.post("/addresses", data={**HOME, "country": "UK"})
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("extra_forbidden", ["body", "country"])
    ]


def test_openapi_documents_the_address_form() -> None:
    """/addresses takes an urlencoded body whose schema requires all three fields."""
    body = app.openapi()["paths"]["/addresses"]["post"]["requestBody"]["content"]
    ref = body["application/x-www-form-urlencoded"]["schema"]["$ref"]
    schema = app.openapi()["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert sorted(schema["required"]) == ["city", "postcode", "street"]
