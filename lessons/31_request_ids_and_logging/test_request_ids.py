"""Lesson 31 claims: an incoming X-Request-ID is kept or replaced, and always echoed."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st

from . import seed_style
from .app import app
from .conftest import raw_request

client = TestClient(app)

# The test's own statement of the rule, spelled differently from the app's: \w in ASCII
# mode is [A-Za-z0-9_], then "." and "-"; \A...\Z anchors both ends with no newline slack.
WELL_FORMED = re.compile(r"\A[-.\w]{1,64}\Z", re.ASCII)


def is_uuid4(value: str) -> bool:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return parsed.version == 4 and str(parsed) == value


@pytest.mark.parametrize(
    "incoming",
    ["a", "req-42", "A.b_c-9", "x" * 64, "0f8fad5b-d9cb-469f-a165-70867728950e"],
)
def test_well_formed_incoming_id_is_kept_and_echoed(incoming: str) -> None:
    """1-64 characters of [A-Za-z0-9._-] are kept: echoed in the header and seen by the handler."""
    response = client.get("/orders/1", headers={"X-Request-ID": incoming})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == incoming
    assert response.json()["request_id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    [
        b"abc\n",  # passes a `^...$` regex: $ matches before a final newline
        b"abc\r\nX-Admin: true",  # header / log line injection
        b"x" * 65,  # overlong
        b"",  # empty
        b"has space",
        b"caf\xc3\xa9",  # non-ASCII (UTF-8 bytes)
        b'quote"',
        b"tab\there",
    ],
    ids=["newline", "crlf", "overlong", "empty", "space", "non-ascii", "quote", "tab"],
)
def test_malformed_incoming_id_is_replaced_by_a_fresh_uuid4(incoming: bytes) -> None:
    """Newlines, CRLF, 65 characters, empty, spaces, non-ASCII...: replaced, never echoed."""
    response = client.get("/orders/1", headers={b"X-Request-ID": incoming})
    echoed = response.headers["X-Request-ID"]
    assert is_uuid4(echoed), f"{incoming!r} should have been replaced, got {echoed!r}"
    assert response.json()["request_id"] == echoed


def test_missing_id_is_generated_fresh_for_every_request() -> None:
    """Without the header each request gets its own new uuid4, itself a well-formed ID."""
    first, second = (client.get("/orders/1").headers["X-Request-ID"] for _ in range(2))
    assert is_uuid4(first)
    assert is_uuid4(second)
    assert first != second
    assert WELL_FORMED.match(first), "a generated ID must pass our own check downstream"


ERROR_CASES = [  # (expected status, method, path, JSON body)
    ("200", "GET", "/orders/1", None),
    ("202", "POST", "/reports", {"name": "q3"}),
    ("404-object", "GET", "/orders/99", None),
    ("404-route", "GET", "/nowhere", None),
    ("405", "DELETE", "/orders/1", None),
    ("422-path", "GET", "/orders/one", None),
    ("422-body", "POST", "/reports", {"name": "Q 3"}),
    ("500", "GET", "/boom", None),
]


@pytest.mark.parametrize(("case", "method", "path", "body"), ERROR_CASES)
def test_id_is_echoed_on_every_response_and_in_every_error_body(
    case: str, method: str, path: str, body: dict[str, str] | None
) -> None:
    """200, 202, 404 (route and object), 405, 422 and 500 all carry the ID in header and body."""
    sent = f"check-{case}"
    response = client.request(method, path, json=body, headers={"X-Request-ID": sent})
    assert str(response.status_code) == case[:3]
    assert response.headers["X-Request-ID"] == sent
    assert response.json()["request_id"] == sent


REPORT_NAMES = [  # (case id, name, expected status, pydantic's error type for a 422)
    ("empty", "", 422, "string_too_short"),
    ("1-char", "a", 202, None),
    ("40-chars", "a" * 40, 202, None),
    ("41-chars", "a" * 41, 422, "string_too_long"),
    ("uppercase", "Q3", 422, "string_pattern_mismatch"),
]


@pytest.mark.parametrize(
    ("name", "status", "error_type"),
    [case[1:] for case in REPORT_NAMES],
    ids=[case[0] for case in REPORT_NAMES],
)
def test_report_names_are_1_to_40_lowercase_characters(
    name: str, status: int, error_type: str | None
) -> None:
    """A report name is 1-40 of [a-z0-9-]: the edges pass, beyond them a 422 names the rule."""
    response = client.post("/reports", json={"name": name}, headers={"X-Request-ID": "rep-9"})
    assert response.status_code == status, f"{len(name)} characters: {name!r}"
    body = response.json()
    assert body["request_id"] == "rep-9"
    if error_type is None:
        assert body == {"report": name, "request_id": "rep-9"}
    else:
        [error] = body["detail"]
        assert (error["type"], error["loc"]) == (error_type, ["body", "name"])


def test_a_500_body_says_nothing_but_internal_server_error_and_the_id() -> None:
    """The unhandled error's 500 is JSON with the ID for support, and no exception details."""
    response = client.get("/boom", headers={"X-Request-ID": "support-ticket-7"})
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error", "request_id": "support-ticket-7"}
    assert "something broke" not in response.text


hostile_ids = st.one_of(
    st.from_regex(rb"[A-Za-z0-9._-]{1,64}", fullmatch=True),  # well-formed
    st.binary(max_size=80),
    st.text(max_size=70).map(lambda text: text.encode("utf-8")),
    st.from_regex(rb"[A-Za-z0-9._-]{60,70}[\r\n]?", fullmatch=True),  # edges of the length
)


@given(incoming=hostile_ids)
@example(incoming=b"abc\n")
@example(incoming=b"x" * 64)
@example(incoming=b"x" * 65)
def test_hostile_ids_are_kept_exactly_when_an_independent_pattern_accepts_them(
    runner: asyncio.Runner, incoming: bytes
) -> None:
    """Hypothesis: any header bytes: kept ⇔ the test's own regex accepts them; never a 500."""
    response = runner.run(raw_request(app, "/orders/1", [(b"x-request-id", incoming)]))
    assert response.status == 200
    echoed = response.header(b"x-request-id").decode("ascii")
    if WELL_FORMED.match(incoming.decode("latin-1")):
        assert echoed == incoming.decode("ascii")
    else:
        assert is_uuid4(echoed), f"{incoming!r} must be replaced"
    assert response.body["request_id"] == echoed


def test_seed_middleware_trusts_any_id_and_misses_the_500() -> None:
    """Seed erratum: it echoes a CRLF or 10 kB ID, keeps an empty one, and a 500 has no ID."""
    seed_client = TestClient(seed_style.app, raise_server_exceptions=False)
    for hostile in ("abc\r\nX-Admin: true", "x" * 10_000):
        response = seed_client.get("/hello", headers={"X-Request-ID": hostile})
        assert response.status_code == 200, "the route answers normally..."
        assert response.json() == {"message": "hello"}
        assert response.headers["X-Request-ID"] == hostile, "...and the ID is echoed unchecked"
    empty = seed_client.get("/hello", headers={"X-Request-ID": ""})
    assert empty.headers["X-Request-ID"] == "", "present but empty: never generated"
    crash = seed_client.get("/boom", headers={"X-Request-ID": "support-ticket-7"})
    assert crash.status_code == 500
    assert "X-Request-ID" not in crash.headers, "the 500 is made outside its middleware"


def test_openapi_documents_the_404_body_with_its_request_id() -> None:
    """GET /orders/{order_id} documents its 404, whose body schema has `detail` and `request_id`."""
    schema = app.openapi()
    responses = schema["paths"]["/orders/{order_id}"]["get"]["responses"]
    assert set(responses) == {"200", "404", "422"}
    error = schema["components"]["schemas"]["ErrorWithRequestId"]
    assert error["required"] == ["detail", "request_id"]
    missing = client.get("/orders/999", headers={"X-Request-ID": "nf-1"})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Order not found", "request_id": "nf-1"}
