"""Lesson 03 claims: query parameters, their defaults, conversion, lists and models."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from .app import IssueFilters, app

client = TestClient(app)


def openapi_parameters(path: str, method: str = "get") -> dict[str, dict[str, Any]]:
    """The OpenAPI parameters of one operation, by name (what /openapi.json serves)."""
    operation = app.openapi()["paths"][path][method]
    return {parameter["name"]: parameter for parameter in operation.get("parameters", [])}


def integer_bounds(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    """The smallest and largest valid value of an integer schema (None: unbounded)."""
    low = schema.get("minimum")
    if "exclusiveMinimum" in schema:  # gt= instead of ge=
        low = schema["exclusiveMinimum"] + 1
    high = schema.get("maximum")
    if "exclusiveMaximum" in schema:  # lt= instead of le=
        high = schema["exclusiveMaximum"] - 1
    return low, high


PRODUCTS = openapi_parameters("/products")
PAGE_BOUNDS = integer_bounds(PRODUCTS["page"]["schema"])
LIMIT_BOUNDS = integer_bounds(PRODUCTS["limit"]["schema"])


# --- where parameters come from, defaults, optional and required ---------------------------


def test_non_path_parameters_are_query_parameters() -> None:
    """Parameters that are not in the path are documented and read as query parameters."""
    for path in ("/products", "/search", "/inventory", "/articles", "/issues"):
        locations = {p["in"] for p in openapi_parameters(path).values()}
        assert locations == {"query"}, f"{path}: {locations}"
    response = client.get("/products?page=3&limit=7&search=lamp")
    assert response.json() == {"page": 3, "limit": 7, "search": "lamp"}


def test_defaults_apply_when_parameters_are_absent() -> None:
    """GET /products with no query string answers each parameter's documented default."""
    defaults = {name: p["schema"].get("default") for name, p in PRODUCTS.items()}
    assert defaults["page"] is not None, "page should have a default"
    assert defaults["limit"] is not None, "limit should have a default"
    assert not any(p["required"] for p in PRODUCTS.values())
    response = client.get("/products")
    assert response.status_code == 200
    assert response.json() == defaults


@pytest.mark.parametrize(
    ("query", "search"), [("", None), ("?search=", ""), ("?search=desk%20lamp", "desk lamp")]
)
def test_optional_parameter_is_none_only_when_absent(query: str, search: str | None) -> None:
    """`str | None = None`: absent → None, but an empty ?search= is the empty string."""
    response = client.get(f"/products{query}")
    assert response.status_code == 200
    assert response.json()["search"] == search


def test_unknown_query_parameters_are_ignored() -> None:
    """Plain parameters ignore names they do not declare: a typo is silently dropped."""
    response = client.get("/products?pgae=5")
    assert response.status_code == 200
    assert response.json()["page"] == PRODUCTS["page"]["schema"]["default"]


def test_required_parameter_absent_is_422_missing() -> None:
    """A parameter without a default is required: no ?q= → 422, type "missing"."""
    assert openapi_parameters("/search")["q"]["required"] is True
    response = client.get("/search")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "missing"
    assert error["loc"] == ["query", "q"]


def test_required_parameter_is_satisfied_by_an_empty_value() -> None:
    """?q= counts as present: the handler receives "" (forms differ, lesson 22)."""
    response = client.get("/search?q=")
    assert response.status_code == 200
    assert response.json() == {"q": ""}


# --- bool conversion -----------------------------------------------------------------------

# The spellings Pydantic documents for a str → bool conversion (compared in lower case).
# The tests below check this table against Pydantic itself, so it cannot silently go stale.
DOCUMENTED_BOOLS = {
    **dict.fromkeys(["1", "true", "t", "yes", "y", "on"], True),
    **dict.fromkeys(["0", "false", "f", "no", "n", "off"], False),
}
BOOL = TypeAdapter(bool)  # the oracle: Pydantic in lax mode, asked directly


@pytest.mark.parametrize("case", [str.lower, str.upper, str.title], ids=["lower", "upper", "title"])
@pytest.mark.parametrize(("spelling", "value"), DOCUMENTED_BOOLS.items())
def test_bool_accepts_the_documented_spellings_in_any_case(
    spelling: str, value: bool, case: Any
) -> None:
    """Each documented truthy/falsy word, in any letter case, converts to its bool."""
    text = case(spelling)
    assert BOOL.validate_python(text) is value, f"Pydantic no longer reads {text!r} as {value}"
    response = client.get("/inventory", params={"in_stock": text})
    assert response.status_code == 200, response.text
    assert response.json() == {"in_stock": value}


@pytest.mark.parametrize(
    "text", ["", "2", "10", "-1", "1.0", "truthy", "ja", "none", "null", " true", "true "]
)
def test_bool_rejects_other_spellings(text: str) -> None:
    """Anything else, padding included, is a 422 of type "bool_parsing"."""
    with pytest.raises(ValidationError):
        BOOL.validate_python(text)
    response = client.get("/inventory", params={"in_stock": text})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "bool_parsing"
    assert error["loc"] == ["query", "in_stock"]


def test_bare_flag_is_not_true() -> None:
    """?in_stock with no "=value" arrives as "" and is rejected, not read as True."""
    response = client.get("/inventory?in_stock")
    assert response.status_code == 422
    assert response.json()["detail"][0]["input"] == ""
    default = openapi_parameters("/inventory")["in_stock"]["schema"]["default"]
    assert client.get("/inventory").json() == {"in_stock": default}, "absent → the default"


def any_case(word: str) -> st.SearchStrategy[str]:
    """Every upper/lower-case mix of a word."""
    return st.tuples(*[st.sampled_from([c.lower(), c.upper()]) for c in word]).map("".join)


@given(text=st.one_of(st.text(), st.sampled_from(list(DOCUMENTED_BOOLS)).flatmap(any_case)))
def test_bool_conversion_matches_pydantic_for_any_string(text: str) -> None:
    """Hypothesis: for any string, the route answers Pydantic's bool, or 422 if it has none."""
    response = client.get("/inventory", params={"in_stock": text})
    try:
        expected = BOOL.validate_python(text)
    except ValidationError:
        assert response.status_code == 422, f"Pydantic rejects {text!r}"
    else:
        assert response.status_code == 200, f"Pydantic reads {text!r} as {expected}"
        assert response.json() == {"in_stock": expected}


# --- list parameters -----------------------------------------------------------------------


def test_repeated_parameter_collects_a_list() -> None:
    """?tag=a&tag=b collects every value, in order, duplicates kept; items are converted."""
    response = client.get("/articles?tag=a&tag=b&tag=a&year=2024&year=2025")
    assert response.status_code == 200
    assert response.json() == {"tag": ["a", "b", "a"], "year": [2024, 2025]}


def test_absent_list_parameter_is_an_empty_list() -> None:
    """A list parameter with no value in the query string gets its default, []."""
    assert client.get("/articles").json() == {"tag": [], "year": []}


def test_each_list_item_is_validated_and_located_by_index() -> None:
    """A bad item is a 422 whose loc ends with the item's index."""
    response = client.get("/articles?year=2024&year=soon")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "year", 1]
    assert error["input"] == "soon"


@given(tags=st.lists(st.text(), max_size=5))
def test_any_list_of_tags_round_trips(tags: list[str]) -> None:
    """Hypothesis: any list of strings sent as repeated ?tag= comes back unchanged."""
    response = client.get("/articles", params=[("tag", tag) for tag in tags])
    assert response.status_code == 200, response.text
    assert response.json() == {"tag": tags, "year": []}


def test_list_without_query_is_read_from_the_body() -> None:
    """Without Query(), a list parameter is a JSON body: ?tag= is ignored, the body is used."""
    assert openapi_parameters("/tags/from-body", "post") == {}, "no query parameter at all"
    assert "requestBody" in app.openapi()["paths"]["/tags/from-body"]["post"]
    response = client.post("/tags/from-body?tag=a&tag=b")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    response = client.post("/tags/from-body", json=["a", "b"])
    assert response.json() == {"tag": ["a", "b"]}


# --- query parameter models ----------------------------------------------------------------


def test_query_model_fields_are_separate_query_parameters() -> None:
    """A query model is documented as one query parameter per field, not as a body."""
    parameters = openapi_parameters("/issues")
    assert set(parameters) == set(IssueFilters.model_fields)
    assert "requestBody" not in app.openapi()["paths"]["/issues"]["get"]


def test_query_model_reads_and_validates_its_fields() -> None:
    """The model gets its fields from the query string, lists included, and validates them."""
    response = client.get("/issues?status=closed&assignee=ana&label=bug&label=ui")
    assert response.status_code == 200
    assert response.json() == {"status": "closed", "assignee": "ana", "label": ["bug", "ui"]}
    response = client.get("/issues?status=pending")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


def test_query_model_with_extra_forbid_rejects_an_unknown_parameter() -> None:
    """extra="forbid": a misspelt ?stauts= is a 422 "extra_forbidden", not ignored."""
    response = client.get("/issues?stauts=closed")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == ["query", "stauts"]


@given(name=st.text(min_size=1).filter(lambda name: name not in IssueFilters.model_fields))
def test_any_undeclared_parameter_name_is_rejected(name: str) -> None:
    """Hypothesis: any name that is not a field of the model is a 422 located at that name."""
    response = client.get("/issues", params={name: "x"})
    assert response.status_code == 422, f"{name!r} was accepted"
    [error] = response.json()["detail"]
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == ["query", name]


# --- any valid combination -----------------------------------------------------------------


def beyond_the_bounds() -> list[tuple[str, int]]:
    """The first invalid value beyond each bound the schema declares for page and limit."""
    cases = []
    for name, (low, high) in (("page", PAGE_BOUNDS), ("limit", LIMIT_BOUNDS)):
        if low is not None:
            cases.append((name, low - 1))
        if high is not None:
            cases.append((name, high + 1))
    return cases


@pytest.mark.parametrize(("name", "value"), beyond_the_bounds())
def test_values_just_outside_the_documented_bounds_are_422(name: str, value: int) -> None:
    """One step outside a bound read from the OpenAPI schema is a 422 naming the parameter."""
    response = client.get("/products", params={name: value})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", name]


@given(
    page=st.integers(*PAGE_BOUNDS),
    limit=st.integers(*LIMIT_BOUNDS),
    search=st.none() | st.text(),
)
def test_any_valid_page_limit_search_combination_is_echoed(
    page: int, limit: int, search: str | None
) -> None:
    """Hypothesis: any page/limit inside the documented bounds, with any search, is echoed."""
    params: dict[str, str | int] = {"page": page, "limit": limit}
    if search is not None:
        params["search"] = search
    response = client.get("/products", params=params)
    assert response.status_code == 200, response.text
    assert response.json() == {"page": page, "limit": limit, "search": search}


# --- the documented contract, pinned (the tests above follow whatever the schema says) -------


def test_products_pages_from_1_and_limits_to_1_through_100_defaulting_to_20() -> None:
    """page >= 1 (default 1), 1 <= limit <= 100 (default 20): the promise in this README."""
    assert client.get("/products").json() == {"page": 1, "limit": 20, "search": None}
    accepted = {"page": 1, "limit": 1}, {"page": 1, "limit": 100}
    for params in accepted:
        assert client.get("/products", params=params).status_code == 200, params
    rejected = {"page": 0}, {"limit": 0}, {"limit": 101}
    for params in rejected:
        assert client.get("/products", params=params).status_code == 422, params


def test_inventory_flag_defaults_to_false() -> None:
    """Without ?in_stock the inventory filter is off."""
    assert client.get("/inventory").json() == {"in_stock": False}
