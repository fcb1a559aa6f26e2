"""Lesson 02 claims: path parameters are typed, routes match in order, enums and paths."""

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from .app import Period, app

client = TestClient(app)

# The independent oracle: FastAPI hands the path segment (always a str) to Pydantic in
# lax "python" mode, so "does Pydantic accept this string as an int?" is the rule the
# route must follow. The test asks Pydantic directly, never the app.
INT = TypeAdapter(int)


def segment(text: str) -> str:
    """Percent-encode text as one path segment ("?" and "#" would otherwise end the path)."""
    return quote(text, safe="")


def stays_one_segment(text: str) -> bool:
    r"""True for strings that reach `{user_id}` as themselves once encoded.

    Some strings never do, so the properties below leave them out and
    `test_strings_that_change_routing_never_reach_the_handler` proves what happens instead:
    - "" leaves "/users/", which no route matches (404);
    - a "/" splits the segment in two, even percent-encoded as %2F, because Starlette
      routes on the decoded path (404);
    - "." and ".." are dot segments that the client resolves before sending, as RFC 3986
      says and browsers do, so "/users/.." goes out as "/" (404);
    - "me" is matched by the "/users/me" route declared first, and so is "me\n":
      Starlette's route patterns end in a regex "$", which also matches before a final
      newline (`test_newlines_are_a_quirk_of_starlette_route_patterns`).
    """
    return text not in {"", ".", "..", "me", "me\n"} and "/" not in text


# Arbitrary text rarely looks like a number, so mix in integers and near-integers
# (signs, underscores, ".0" fractions, surrounding whitespace) to exercise both outcomes.
candidate_segments = st.one_of(
    st.text(),
    st.integers().map(str),
    st.from_regex(r"\s{0,2}[+-]?[0-9_]{1,6}(\.0{0,2})?\s{0,2}", fullmatch=True),
).filter(stays_one_segment)


def openapi_parameter(path: str, name: str) -> dict[str, Any]:
    """The OpenAPI description of one parameter of a GET operation, $refs resolved."""
    schema = app.openapi()  # what /openapi.json serves, built once and cached by the app
    parameters = schema["paths"][path]["get"]["parameters"]
    [parameter] = [p for p in parameters if p["name"] == name]
    ref = parameter["schema"].get("$ref")
    if ref:
        parameter = {**parameter, "schema": schema["components"]["schemas"][ref.split("/")[-1]]}
    return dict(parameter)


# --- typed conversion ---------------------------------------------------------------------


def test_path_parameter_is_converted_to_int() -> None:
    """GET /users/42 gives the handler the int 42, echoed as a JSON number."""
    response = client.get("/users/42")
    assert response.status_code == 200
    assert response.json() == {"user_id": 42}
    assert type(response.json()["user_id"]) is int


def test_non_integer_is_422_located_at_path_user_id() -> None:
    """A segment that is not an integer is a 422 whose loc is ["path", "user_id"]."""
    response = client.get("/users/abc")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["path", "user_id"]
    assert error["type"] == "int_parsing"
    assert error["input"] == "abc"


def test_openapi_declares_user_id_as_a_required_integer_in_the_path() -> None:
    """The schema documents user_id as a required integer path parameter."""
    parameter = openapi_parameter("/users/{user_id}", "user_id")
    assert parameter["in"] == "path"
    assert parameter["required"] is True
    assert parameter["schema"]["type"] == "integer"


@given(number=st.integers())
def test_every_integer_is_echoed(number: int) -> None:
    """Hypothesis: for every integer n, GET /users/n answers {"user_id": n}."""
    response = client.get(f"/users/{number}")
    assert response.status_code == 200, response.text
    assert response.json() == {"user_id": number}


@given(text=candidate_segments)
def test_a_segment_is_accepted_exactly_when_pydantic_parses_it_as_int(text: str) -> None:
    """Hypothesis: any segment → 200 with Pydantic's int if Pydantic accepts it, else 422."""
    response = client.get(f"/users/{segment(text)}")
    try:
        expected = INT.validate_python(text)
    except ValidationError:
        assert response.status_code == 422, f"{text!r} is no int to Pydantic: {response.text}"
        [error] = response.json()["detail"]
        assert error["loc"] == ["path", "user_id"]
        assert error["input"] == text
    else:
        assert response.status_code == 200, f"Pydantic reads {text!r} as {expected}"
        assert response.json() == {"user_id": expected}


@pytest.mark.parametrize(
    ("text", "number"),
    [("+42", 42), ("00042", 42), (" 42 ", 42), ("4_2", 42), ("42.0", 42), ("-0", 0)],
)
def test_lax_mode_accepts_surprising_integer_spellings(text: str, number: int) -> None:
    """Signs, leading zeros, padding, digit underscores and a ".0" fraction all parse."""
    assert INT.validate_python(text) == number, "Pydantic's lax int parsing has changed"
    response = client.get(f"/users/{segment(text)}")
    assert response.status_code == 200, response.text
    assert response.json() == {"user_id": number}


NON_ASCII_42 = ["\u0664\u0662", "\uff14\uff12"]  # Arabic-Indic and fullwidth digits


@pytest.mark.parametrize("text", ["42.5", "1e3", "0x2a", "42.", "forty-two", *NON_ASCII_42])
def test_near_integers_are_rejected(text: str) -> None:
    """Fractions, exponents, hex, and non-ASCII digits are not integers: 422."""
    with pytest.raises(ValidationError):
        INT.validate_python(text)
    response = client.get(f"/users/{segment(text)}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "user_id"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/users/", 404),  # empty segment: no route has "/users/" + nothing
        ("/users/12/34", 404),  # two segments: {user_id} never matches a "/"
        ("/users/12%2F34", 404),  # %2F is decoded before routing: still two segments
        ("/users/.", 404),  # the client resolves "." and ".." before sending
        ("/users/..", 404),
        ("/users/%2E%2E", 422),  # encoded dots are not resolved: ".." reaches the route
    ],
)
def test_strings_that_change_routing_never_reach_the_handler(url: str, status: int) -> None:
    """Empty, slashed and dot segments change which route matches: 404, not a 422."""
    response = client.get(url)
    assert response.status_code == status, response.text
    if status == 404:
        assert response.json() == {"detail": "Not Found"}


# --- route order --------------------------------------------------------------------------


def test_me_declared_before_user_id_is_reachable() -> None:
    """/users/me, declared before /users/{user_id}, answers with its own handler."""
    response = client.get("/users/me")
    assert response.status_code == 200
    assert response.json() == {"user": "the current user"}


def test_user_id_declared_first_catches_its_own_integers() -> None:
    """On the wrong-order router, /users/{user_id} still serves real integers."""
    response = client.get("/wrong-order/users/7")
    assert response.status_code == 200
    assert response.json() == {"user_id": 7}


def test_me_declared_after_user_id_is_shadowed() -> None:
    """Declared after /users/{user_id}, /users/me is never reached: "me" fails as an int."""
    response = client.get("/wrong-order/users/me")
    assert response.status_code == 422, "the {user_id} route should have caught 'me'"
    [error] = response.json()["detail"]
    assert error["loc"] == ["path", "user_id"]
    assert error["input"] == "me"
    # The shadowed route is still documented: OpenAPI does not know it is unreachable.
    assert "/wrong-order/users/me" in client.get("/openapi.json").json()["paths"]


# --- enums --------------------------------------------------------------------------------


def test_openapi_lists_the_enum_values() -> None:
    """The schema of an Enum path parameter lists exactly the Enum's values."""
    parameter = openapi_parameter("/reports/{period}", "period")
    assert parameter["schema"]["enum"] == [member.value for member in Period]


@pytest.mark.parametrize("value", [member.value for member in Period])
def test_each_listed_value_is_accepted_as_an_enum_member(value: str) -> None:
    """Every listed value → 200, and the handler got an Enum member (it used `.days`)."""
    response = client.get(f"/reports/{value}")
    assert response.status_code == 200, response.text
    assert response.json() == {"period": value, "days": Period(value).days}


@given(
    text=st.one_of(
        st.text(),
        # Case matters: "WEEK" is not "week".
        st.sampled_from([member.value for member in Period]).map(str.upper),
    ).filter(stays_one_segment)
)
def test_any_value_outside_the_enum_is_422(text: str) -> None:
    """Hypothesis: any segment that is not one of the documented values is a 422 "enum"."""
    allowed = openapi_parameter("/reports/{period}", "period")["schema"]["enum"]
    response = client.get(f"/reports/{segment(text)}")
    if text in allowed:
        assert response.status_code == 200
        return
    assert response.status_code == 422, f"{text!r} is not one of {allowed}"
    [error] = response.json()["detail"]
    assert error["type"] == "enum"
    assert error["loc"] == ["path", "period"]


# --- {name:path} --------------------------------------------------------------------------


def test_path_converter_captures_slashes() -> None:
    """{file_path:path} captures a nested path, slashes included."""
    response = client.get("/files/reports/2024/q1.csv")
    assert response.status_code == 200
    assert response.json() == {"file_path": "reports/2024/q1.csv"}


# Segments hold no "/" (that is what separates them) and no newline: the ":path" pattern
# is the regex ".*", whose "." matches anything but a newline, so such a path is not
# captured (`test_newlines_are_a_quirk_of_starlette_route_patterns`). codec="utf-8" leaves
# out lone surrogates, which no URL can carry.
segment_characters = st.characters(codec="utf-8", exclude_characters="\n/")


@given(
    parts=st.lists(st.text(segment_characters).filter(stays_one_segment), min_size=1, max_size=4),
)
def test_any_nested_path_is_captured_whole(parts: list[str]) -> None:
    """Hypothesis: for any list of newline-free segments, the handler gets them joined by "/"."""
    response = client.get("/files/" + "/".join(segment(part) for part in parts))
    assert response.status_code == 200, response.text
    assert response.json() == {"file_path": "/".join(parts)}


@pytest.mark.parametrize(
    ("url", "captured"),
    [
        ("/files/a/%2E%2E/%2E%2E/etc/passwd", "a/../../etc/passwd"),
        ("/files//etc/passwd", "/etc/passwd"),
        ("/files/a%2Fb", "a/b"),
    ],
)
def test_path_converter_does_not_sanitise(url: str, captured: str) -> None:
    """ ".." segments, a leading "/" and encoded slashes all reach the handler as given."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {"file_path": captured}


@pytest.mark.parametrize(
    ("url", "status", "body"),
    [
        ("/files/a%0Ab", 404, {"detail": "Not Found"}),  # ".*" stops at a newline
        ("/files/a%0A", 200, {"file_path": "a"}),  # "$" matches before a final newline
        ("/users/me%0A", 200, {"user": "the current user"}),  # "^/users/me$" matches too
    ],
)
def test_newlines_are_a_quirk_of_starlette_route_patterns(
    url: str, status: int, body: dict[str, str]
) -> None:
    """A newline stops a :path capture, and a final newline is dropped before matching."""
    response = client.get(url)
    assert response.status_code == status
    assert response.json() == body


# --- the documented answers, pinned (not derived from the app) ------------------------------


@pytest.mark.parametrize(("period", "days"), [("day", 1), ("week", 7), ("month", 30)])
def test_report_answers_the_documented_number_of_days(period: str, days: int) -> None:
    """/reports/day, /week and /month answer 1, 7 and 30 days: the table is the contract."""
    response = client.get(f"/reports/{period}")
    assert response.json() == {"period": period, "days": days}


def test_file_route_documents_its_404() -> None:
    """OpenAPI lists the 404 the file route answers for an unknown path."""
    operation = app.openapi()["paths"]["/files/{file_path}"]["get"]
    assert operation["responses"]["404"] == {"description": "No route matches"}
