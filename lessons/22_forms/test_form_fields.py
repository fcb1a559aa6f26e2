"""Lesson 22 claims: Form fields arrive urlencoded or multipart, exactly, and never as JSON."""

from typing import Any

import pytest
import starlette
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st

from lessons.testkit import fastapi_at_least, parse_version

STARLETTE_VERSION = parse_version(starlette.__version__)
URLENCODED = {"content-type": "application/x-www-form-urlencoded"}


def as_multipart(fields: dict[str, str]) -> dict[str, tuple[None, bytes]]:
    """httpx's `files=` with no file name: plain multipart text fields, no file involved."""
    return {name: (None, value.encode()) for name, value in fields.items()}


def test_form_fields_are_read_from_a_urlencoded_body(client: TestClient) -> None:
    """`data=` sends application/x-www-form-urlencoded; each Form() parameter gets its field."""
    response = client.post("/login", data={"username": "ada", "password": "s3cret"})
    assert response.request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert response.status_code == 200
    assert response.json() == {"username": "ada", "password_length": 6, "remember_me": False}


def test_the_same_fields_are_read_from_a_multipart_body(client: TestClient) -> None:
    """The same endpoint reads multipart/form-data too: the encoding is the client's choice."""
    response = client.post("/login", files=as_multipart({"username": "ada", "password": "s3cret"}))
    assert response.request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert response.status_code == 200
    assert response.json() == {"username": "ada", "password_length": 6, "remember_me": False}


@pytest.mark.parametrize("ticked", ["on", "true", "1", "yes"])
def test_a_ticked_checkbox_is_true_and_an_absent_one_false(client: TestClient, ticked: str) -> None:
    """A checkbox sends "on" when ticked and nothing when not: `bool = False` reads both."""
    fields = {"username": "ada", "password": "pw"}
    assert client.post("/login", data={**fields, "remember_me": ticked}).json()["remember_me"]
    assert client.post("/login", data=fields).json()["remember_me"] is False


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"json": {"username": "ada", "password": "s3cret"}}, {}),
        ({"content": b"username=ada&password=s3cret"}, {"content-type": "text/plain"}),
        ({"content": b"username=ada&password=s3cret"}, {}),
    ],
    ids=["json", "text-plain", "no-content-type"],
)
def test_a_body_that_is_not_a_form_is_422_missing_fields(
    client: TestClient, body: dict[str, Any], headers: dict[str, str]
) -> None:
    """JSON (or any non-form body) to a form endpoint: every Form field is reported missing."""
    response = client.post("/login", headers=headers, **body)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [(error["type"], error["loc"]) for error in errors] == [
        ("missing", ["body", "username"]),
        ("missing", ["body", "password"]),
    ]


def test_openapi_documents_form_endpoints_as_urlencoded(client: TestClient) -> None:
    """The schema says application/x-www-form-urlencoded, with the fields and what is required."""
    schema = client.get("/openapi.json").json()
    content = schema["paths"]["/login"]["post"]["requestBody"]["content"]
    assert list(content) == ["application/x-www-form-urlencoded"]
    body = schema["components"]["schemas"][
        content["application/x-www-form-urlencoded"]["schema"]["$ref"].rsplit("/", 1)[-1]
    ]
    assert set(body["properties"]) == {"username", "password", "remember_me"}
    assert body["required"] == ["username", "password"]


# --- Round trip ----------------------------------------------------------------------------
# st.characters(codec="utf-8") excludes lone surrogates ("\ud800"): no UTF-8 encoder, and so
# no client, can send them. Everything else, control characters included, is fair game.
ANY_TEXT = st.text(st.characters(codec="utf-8"))


@example(text="line one\r\nline two")  # CR LF
@example(text="\r")  # a lone CR
@example(text="\n")  # a lone LF
@example(text="  padded  ")  # nothing is stripped
@example(text="\x00")  # NUL
@example(text="a+b&c=d%20e")  # urlencoding's own syntax characters
@example(text="")  # the one value whose meaning changed (see the empty-string tests)
@given(text=ANY_TEXT)
def test_any_text_round_trips_exactly_through_both_encodings(client: TestClient, text: str) -> None:
    """For any non-empty text, urlencoded and multipart both deliver it byte for byte."""
    for encoding, response in (
        ("urlencoded", client.post("/messages", data={"text": text})),
        ("multipart", client.post("/messages", files=as_multipart({"text": text}))),
    ):
        if text == "" and fastapi_at_least("0.123.2"):
            assert response.status_code == 422, encoding
            assert response.json()["detail"][0]["type"] == "missing", encoding
        else:
            assert response.status_code == 200, encoding
            assert response.json() == {"text": text}, f"{encoding} changed {text!r}"


@pytest.mark.parametrize(
    ("raw", "received"),
    [
        (b"text=a+b", "a b"),  # "+" is a space
        (b"text=a%2Bb", "a+b"),  # a real plus is percent-encoded
        (b"text=%C3%A9", "\u00e9"),  # percent-encoded UTF-8
        (b"text=\xc3\xa9", "\u00c3\u00a9"),  # raw, unencoded UTF-8 bytes are read as Latin-1
        (b"text=%FF", "\ufffd"),  # invalid UTF-8 becomes U+FFFD
        (b"text=%zz", "%zz"),  # a broken escape is kept literally
        (b"text=first&text=second", "second"),  # a repeated single field: the last one wins
    ],
)
def test_urlencoded_bodies_are_decoded_by_these_rules(
    client: TestClient, raw: bytes, received: str
) -> None:
    """How a hand-written urlencoded body is decoded: '+', escapes, raw bytes, repeats."""
    response = client.post("/messages", content=raw, headers=URLENCODED)
    assert response.status_code == 200
    assert response.json() == {"text": received}


@given(body=st.binary(max_size=200))
def test_any_urlencoded_body_gets_a_200_or_a_4xx_never_a_500(
    client: TestClient, body: bytes
) -> None:
    """Random bytes declared as urlencoded: parsed or refused with a 4xx, never a crash."""
    response = client.post("/messages", content=body, headers=URLENCODED)
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.text


# --- Hostile sizes ---------------------------------------------------------------------------
FIELD_LIMIT = 1024 * 1024  # Starlette's max_part_size default, for multipart and urlencoded


def test_a_multipart_text_field_over_1_mib_is_400(client: TestClient) -> None:
    """A multipart text field larger than 1 MiB is refused with 400 on every version."""
    response = client.post("/messages", files=as_multipart({"text": "x" * (FIELD_LIMIT + 1)}))
    assert response.status_code == 400
    assert response.json() == {"detail": "Part exceeded maximum size of 1024KB."}


def test_a_urlencoded_field_over_1_mib_is_400_from_starlette_1_3_1(client: TestClient) -> None:
    """Urlencoded fields got the same 1 MiB cap in Starlette 1.3.1; before, any size passed."""
    response = client.post("/messages", data={"text": "x" * (2 * FIELD_LIMIT)})
    if STARLETTE_VERSION >= (1, 3, 1):
        assert response.status_code == 400
        assert response.json() == {"detail": "Field exceeded maximum size of 1024KB."}
    else:
        assert response.status_code == 200
        assert len(response.json()["text"]) == 2 * FIELD_LIMIT


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_more_than_1000_fields_is_400_with_urlencoded_capped_from_starlette_1_3_1(
    client: TestClient, encoding: str
) -> None:
    """1001 fields: multipart is refused on every version; urlencoded from Starlette 1.3.1."""
    fields = {f"field{number}": "x" for number in range(1000)} | {"text": "hello"}
    if encoding == "urlencoded":
        response = client.post("/messages", data=fields)
        capped = STARLETTE_VERSION >= (1, 3, 1)
    else:
        response = client.post("/messages", files=as_multipart(fields))
        capped = True
    if capped:
        assert response.status_code == 400
        assert response.json() == {"detail": "Too many fields. Maximum number of fields is 1000."}
    else:
        assert response.json() == {"text": "hello"}


# --- Empty strings -----------------------------------------------------------------------
@pytest.mark.fastapi(since="0.123.2")
def test_an_empty_required_form_field_is_missing_from_0_123_2(client: TestClient) -> None:
    """`password=` (an empty input) counts as not sent: 422 missing, as in an HTML form."""
    response = client.post("/login", data={"username": "ada", "password": ""})
    assert response.status_code == 422
    assert [(e["type"], e["loc"]) for e in response.json()["detail"]] == [
        ("missing", ["body", "password"])
    ]


@pytest.mark.fastapi(before="0.123.2")
def test_an_empty_required_form_field_is_an_empty_string_before_0_123_2(
    client: TestClient,
) -> None:
    """Before 0.123.2, `password=` reaches the handler as "": an empty password passes."""
    response = client.post("/login", data={"username": "ada", "password": ""})
    assert response.status_code == 200
    assert response.json()["password_length"] == 0
