"""Lesson 29 claims: cursor pagination — next_cursor, the last page, and tamper-proof cursors."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from sqlalchemy import event

from .app import CURSOR_KEY, sign
from .support import catalog, client, cursor_page, engine_for_tests, names_of

NAMES = [f"P{number}" for number in range(1, 48)]  # 47 products, oldest first
URL_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
# A cursor issued by the running app (the default demo catalog has more than 20 rows).
ISSUED = client.get("/cursor/products", params={"limit": 20}).json()["next_cursor"]


def get_with_cursor(cursor: str) -> int:
    return client.get("/cursor/products", params={"cursor": cursor}).status_code


def test_first_page_has_newest_items_and_a_next_cursor() -> None:
    """Without a cursor the endpoint serves the newest `limit` items and a next_cursor."""
    with catalog(NAMES):
        body = cursor_page(20)
    assert names_of(body) == [f"P{number}" for number in range(47, 27, -1)]
    assert isinstance(body["next_cursor"], str)
    assert set(body) == {"items", "next_cursor"}, "no total: a cursor API need not count"


def test_default_limit_is_twenty() -> None:
    """Without `limit` the cursor endpoint serves the 20 newest items, like the offset one."""
    with catalog(NAMES):
        body = client.get("/cursor/products").json()
    assert names_of(body) == [f"P{number}" for number in range(47, 27, -1)]
    assert isinstance(body["next_cursor"], str)


@contextmanager
def sql_statements() -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (and its parameters) the test database runs inside the block."""
    statements: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:  # (connection, cursor, statement, parameters, ...)
        statements.append((args[2], args[3]))

    event.listen(engine_for_tests, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine_for_tests, "before_cursor_execute", record)


def test_a_cursor_page_is_one_query_for_limit_plus_one_rows() -> None:
    """A page of 5 runs one SELECT with LIMIT 6 (the extra row answers "more?") and no COUNT."""
    with catalog(NAMES):
        first = cursor_page(5)  # ends at P43
        with sql_statements() as statements:
            second = cursor_page(5, first["next_cursor"])
    assert names_of(second) == ["P42", "P41", "P40", "P39", "P38"]
    ((statement, parameters),) = statements
    assert "count(" not in statement.lower(), "a cursor page must not count the table"
    assert " ".join(statement.split()) == (
        "SELECT products.id, products.name FROM products WHERE products.id < ? "
        "ORDER BY products.id DESC LIMIT ? OFFSET ?"
    )
    assert parameters == (43, 6, 0), "rows before id 43, limit + 1 of them, no offset"


def test_next_cursor_continues_right_after_the_previous_page() -> None:
    """Following next_cursor serves the items that come right after the previous page."""
    with catalog(NAMES):
        first = cursor_page(20)
        second = cursor_page(20, first["next_cursor"])
    assert names_of(second) == [f"P{number}" for number in range(27, 7, -1)]


def test_last_page_is_partial_and_has_no_next_cursor() -> None:
    """The last page holds what is left and its next_cursor is null."""
    with catalog(NAMES):
        second = cursor_page(20, cursor_page(20)["next_cursor"])
        third = cursor_page(20, second["next_cursor"])
    assert names_of(third) == [f"P{number}" for number in range(7, 0, -1)]
    assert third["next_cursor"] is None


def test_full_last_page_has_no_next_cursor() -> None:
    """40 items at 20 per page: page 2 is full and already says null (no empty third page)."""
    with catalog(NAMES[:40]):
        second = cursor_page(20, cursor_page(20)["next_cursor"])
    assert len(second["items"]) == 20
    assert second["next_cursor"] is None


def test_empty_table_gives_one_empty_page() -> None:
    """With no rows the first page is empty and next_cursor is null."""
    with catalog([]):
        assert cursor_page(20) == {"items": [], "next_cursor": None}


def test_cursor_is_an_opaque_url_safe_token() -> None:
    """A cursor is `payload.signature` in URL-safe base64: no characters that need escaping."""
    assert URL_SAFE_TOKEN.fullmatch(ISSUED), ISSUED
    assert get_with_cursor(ISSUED) == 200


def test_cursor_key_is_256_bits() -> None:
    """The HMAC key is 32 random bytes: as long as SHA-256's output, as RFC 2104 recommends."""
    assert len(CURSOR_KEY) == 32


def test_client_built_cursor_is_400() -> None:
    """Decoding the payload, changing the position and re-encoding it is refused: 400."""
    payload, signature = ISSUED.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded["before_id"] = 10**6  # "start from the very top", say
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    response = client.get("/cursor/products", params={"cursor": f"{forged}.{signature}"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid cursor"}


# Any character a URL can carry: a lone surrogate (category Cs) has no UTF-8 encoding, so no
# client can send it at all (the test client fails before a request exists).
SENDABLE = st.characters(exclude_categories=["Cs"])


@given(position=st.integers(min_value=0), replacement=SENDABLE)
def test_any_single_character_change_to_a_cursor_is_400(position: int, replacement: str) -> None:
    """Replacing any one character of a valid cursor with anything else gives 400."""
    position %= len(ISSUED)
    tampered = ISSUED[:position] + replacement + ISSUED[position + 1 :]
    assume(tampered != ISSUED)
    assert get_with_cursor(tampered) == 400, tampered


def test_other_spelling_of_the_same_bytes_is_400() -> None:
    """Changing the unused low bits of the last base64 character keeps the bytes, yet is 400."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = ISSUED[-1]
    respelled = ISSUED[:-1] + alphabet[alphabet.index(last) ^ 1]
    signature, other = (ISSUED.split(".")[1], respelled.split(".")[1])
    # A lenient decoder reads both spellings as the same 32 signature bytes...
    assert base64.urlsafe_b64decode(signature + "=") == base64.urlsafe_b64decode(other + "=")
    # ...so only a strict (canonical-only) decoder notices the edit.
    assert get_with_cursor(respelled) == 400


def test_cursor_in_the_standard_base64_alphabet_is_400() -> None:
    """The same bytes spelled with "+" and "/" instead of "-" and "_" are 400: not our alphabet."""
    # One of these cursors almost surely holds "-" or "_" (its signature is 43 random chars).
    signed = (sign(f'{{"before_id":{number}}}'.encode()) for number in range(1, 100))
    issued = next(cursor for cursor in signed if {"-", "_"} & set(cursor))
    standard = issued.replace("-", "+").replace("_", "/")
    payload, signature = issued.split(".")
    other_payload, other_signature = standard.split(".")
    # Python's decoder reads both spellings as the same bytes...
    for ours, theirs in ((payload, other_payload), (signature, other_signature)):
        assert base64.b64decode(theirs + "=" * (-len(theirs) % 4)) == base64.urlsafe_b64decode(
            ours + "=" * (-len(ours) % 4)
        )
    # ...yet only the URL-safe spelling the server issued is accepted.
    assert get_with_cursor(issued) == 200
    assert get_with_cursor(standard) == 400


@given(garbage=st.text())
@example(garbage="")
@example(garbage=".")
@example(garbage="no-dot-at-all")
@example(garbage="e30.e30")  # base64 of "{}", twice
@example(garbage="é.é")
def test_any_garbage_cursor_is_400_never_500(garbage: str) -> None:
    """Any text that is not an issued cursor is a 400 (never a 500)."""
    assume(garbage != ISSUED)
    assert get_with_cursor(garbage) == 400


@given(payload=st.binary(), signature=st.binary())
def test_well_formed_but_unsigned_cursor_is_400(payload: bytes, signature: bytes) -> None:
    """Valid base64 on both sides of the dot, without this server's signature: 400."""

    def encode(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    assert get_with_cursor(f"{encode(payload)}.{encode(signature)}") == 400


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"\xff", b"[]", b'{"before_id": "5"}', b'{"before_id": 0}', b'{"x": 1}'],
)
def test_signed_but_malformed_payload_is_400(payload: bytes) -> None:
    """Even a correctly signed cursor is 400 when its payload is not a valid position."""
    assert get_with_cursor(sign(payload)) == 400


def test_signed_position_is_any_id_a_row_can_have() -> None:
    """A signed before_id of 1 (the lowest id) is a valid, empty end of the list; 0 is 400."""
    with catalog(NAMES):
        response = client.get("/cursor/products", params={"cursor": sign(b'{"before_id":1}')})
    assert (response.status_code, response.json()) == (200, {"items": [], "next_cursor": None})
    assert get_with_cursor(sign(b'{"before_id":0}')) == 400


def test_openapi_documents_the_400() -> None:
    """The cursor endpoint declares its 400 response in the OpenAPI schema."""
    responses = client.get("/openapi.json").json()["paths"]["/cursor/products"]["get"]["responses"]
    assert responses["400"]["description"] == "The cursor was not issued by this server"
