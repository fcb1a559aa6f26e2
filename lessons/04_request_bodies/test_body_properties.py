"""Lesson 04 properties: EmailStr against its oracle (email-validator), and model round-trips.

What EmailStr does, measured by these tests (pydantic 2.x, email-validator 2.x):

1. It rejects any value containing CR or LF, and any value longer than 2048 characters.
2. It unwraps the display-name form `Name <address>` (or `<address>`) to `address`.
3. It strips surrounding whitespace (anything `str.strip()` removes).
4. It passes what is left to `email_validator.validate_email(..., check_deliverability=False)`
   and accepts exactly when that accepts; the stored value is the validator's `normalized`
   address (domain lower-cased and IDNA-decoded, local part NFC-normalised, case kept).

So on "plain" strings (no `<`, no surrounding whitespace) EmailStr and email-validator agree
exactly; on the others EmailStr is more lenient, never stricter.

The email properties ask the app's model directly (thousands of cases in CI, no HTTP needed
to judge a field type); the example tests and the round-trip go through HTTP.
"""

import string
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from email_validator import EmailNotValidError, validate_email
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import EmailStr, ValidationError

from .app import Address, UserCreate, app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # Module scope: Hypothesis reuses it across examples (it refuses function-scoped fixtures),
    # and an entered client keeps one event loop instead of starting one per request.
    with TestClient(app) as entered:
        yield entered


def oracle(address: str) -> str | None:
    """email-validator's verdict: the normalised address, or None when it rejects."""
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def email_str_verdict(address: str) -> str | None:
    """What the app's UserCreate keeps for `address`, or None when it rejects it."""
    try:
        user = UserCreate.model_validate({"name": "Asha", "email": address, "age": 36})
    except ValidationError:
        return None
    return user.email


def post_email(client: TestClient, address: str) -> str | None:
    """The same question over HTTP: the echoed email, or None after a 422 on the email."""
    response = client.post("/users", json={"name": "Asha", "email": address, "age": 36})
    if response.status_code == 201:
        stored: str = response.json()["user"]["email"]
        return stored
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "email"]]
    return None


def test_the_app_validates_email_with_email_str() -> None:
    """The properties below are about UserCreate.email, which is declared as EmailStr."""
    assert UserCreate.model_fields["email"].annotation is EmailStr


def insert_junk(address: str, junk: str, position: int) -> str:
    position %= len(address) + 1
    return address[:position] + junk + address[position:]


# Valid addresses (Hypothesis' RFC 5322 generator), the same with a random character pushed in,
# with their case changed, and arbitrary text around an "@".
candidates = st.one_of(
    st.emails(),
    st.builds(insert_junk, st.emails(), st.characters(exclude_categories=["Cs"]), st.integers()),
    st.emails().map(str.upper),
    st.builds(
        "{}@{}.{}".format,
        st.text(max_size=8),
        st.text(alphabet=string.ascii_letters + "-_.ü", max_size=8),
        st.text(alphabet=string.ascii_letters, max_size=3),
    ),
    st.text(max_size=20),
)


@given(candidates)
@example("Asha@EXAMPLE.COM")  # the domain is lower-cased, the local part keeps its case
@example("ü@BÜCHER.de")  # internationalised domain
@example("asha@localhost")  # no dot in the domain: rejected
@example("asha@[127.0.0.1]")  # domain literal: rejected
@example('"asha"@example.com')  # quoted local part: rejected
def test_email_str_agrees_with_email_validator(candidate: str) -> None:
    """EmailStr accepts what email-validator accepts (stored normalised); on plain text, no more."""
    expected = oracle(candidate)
    stored = email_str_verdict(candidate)
    if expected is not None:
        assert stored == expected, f"email-validator accepts {candidate!r} as {expected!r}"
    plain = "<" not in candidate and candidate == candidate.strip()
    if plain:
        assert stored == expected, f"on the plain string {candidate!r} both must agree"
    if stored is not None:
        assert oracle(stored) == stored, "what EmailStr stores is valid and already normalised"


# Valid addresses over a few domains (cheaper to generate than st.emails()' own domains; the
# agreement property above covers the variety of domains).
addresses = st.emails(domains=st.sampled_from(["example.com", "Example.ORG", "BÜCHER.de"]))

# Every character str.strip() removes, except CR and LF (rule 1 rejects those first).
PADDING = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) not in "\r\n"]


@given(addresses, st.text(alphabet=PADDING, max_size=3), st.text(alphabet=PADDING, max_size=3))
def test_email_str_strips_whitespace_that_email_validator_rejects(
    address: str, left: str, right: str
) -> None:
    """Surrounding whitespace (not CR/LF) is stripped by EmailStr; email-validator rejects it."""
    padded = left + address + right
    assert email_str_verdict(padded) == oracle(address)
    if left or right:
        assert oracle(padded) is None, "email-validator itself does not strip"


def test_email_str_unwraps_the_display_name_form(client: TestClient) -> None:
    """`Name <address>` is accepted and stored as the bare address; email-validator rejects it."""
    for wrapped in ("Asha Rao <Asha@Example.COM>", "<Asha@Example.COM>"):
        assert oracle(wrapped) is None
        assert post_email(client, wrapped) == "Asha@example.com"


def test_email_str_rejects_line_breaks_and_overlong_input_before_stripping(
    client: TestClient,
) -> None:
    """CR/LF anywhere, or over 2048 characters in all, is a 422 even if stripping would help."""
    assert post_email(client, " asha@example.com\t") == "asha@example.com"
    assert post_email(client, "asha@example.com\n") is None
    assert post_email(client, "\r\nasha@example.com") is None

    address = "asha@example.com"
    longest = " " * (2048 - len(address)) + address
    assert post_email(client, longest) == address
    assert post_email(client, " " + longest) is None


# Valid users built from the model's own signature. Hypothesis cannot invent an EmailStr on
# its own, so the email comes from the address generator above (email-validator accepts
# every address it makes).
users = st.builds(
    UserCreate,
    email=addresses,
    addresses=st.lists(st.builds(Address), max_size=3),
)


@given(users)
def test_any_valid_user_round_trips_unchanged(client: TestClient, user: UserCreate) -> None:
    """A valid UserCreate sent as JSON comes back equal, field for field."""
    sent: dict[str, Any] = user.model_dump(mode="json")
    response = client.post("/users", json=sent)
    assert response.status_code == 201, response.text
    received = response.json()["user"]
    assert received == sent
    assert UserCreate.model_validate(received) == user
