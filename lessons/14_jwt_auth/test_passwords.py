"""Lesson 14 claims about passwords: stored as salted Argon2id hashes, never as themselves."""

import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from . import app as lesson
from .support import PRODUCTION_DUMMY_HASH, sign_up

client = TestClient(lesson.app)

# $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<digest>  (salt and digest: base64)
ARGON2ID = re.compile(
    r"^\$argon2id\$v=19\$m=(?P<m>\d+),t=(?P<t>\d+),p=(?P<p>\d+)\$(?P<salt>[^$]+)\$(?P<digest>[^$]+)$"
)

# Passwords the app accepts at sign-up, read from its own model so an edit keeps the test true.
_password_field = lesson.NewUser.model_json_schema()["properties"]["password"]
valid_passwords = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]),  # surrogates cannot be UTF-8 encoded
    min_size=_password_field["minLength"],
    max_size=_password_field["maxLength"],
)


def test_stored_password_is_an_argon2id_hash_not_the_password() -> None:
    """Sign-up stores an Argon2id hash string; the password appears nowhere in the record."""
    password = "correct horse battery staple"
    sign_up(client, "bob", password)
    stored = lesson.USERS["bob"]
    assert ARGON2ID.match(stored.password_hash), stored.password_hash
    assert password not in stored.model_dump_json(), "the record must not contain the password"
    assert lesson.password_hash.verify(password, stored.password_hash)


def test_same_password_gives_different_hashes_because_of_the_salt() -> None:
    """Two users with the same password get different hashes: each hash has its own salt."""
    sign_up(client, "bob", "the very same password")
    sign_up(client, "carol", "the very same password")
    bob = ARGON2ID.match(lesson.USERS["bob"].password_hash)
    carol = ARGON2ID.match(lesson.USERS["carol"].password_hash)
    assert bob
    assert carol
    assert bob["salt"] != carol["salt"], "a fresh random salt per hash"
    assert bob["digest"] != carol["digest"], "so equal passwords are not visible as equal hashes"


def test_sign_up_response_never_contains_the_hash_or_password() -> None:
    """POST /users answers with the public fields only: no password, no hash."""
    response = client.post(
        "/users",
        json={"username": "bob", "full_name": "Bob", "password": "a long enough password"},
    )
    assert response.status_code == 201
    assert response.json() == {"username": "bob", "full_name": "Bob"}
    assert "argon2" not in response.text


@given(password=valid_passwords, other=valid_passwords)
def test_a_hash_verifies_its_own_password_and_no_other(password: str, other: str) -> None:
    """For any password: the hash is not the password, verifies it, and rejects another one."""
    hashed = lesson.password_hash.hash(password)
    assert hashed != password
    assert lesson.password_hash.verify(password, hashed)
    if other != password:
        assert not lesson.password_hash.verify(other, hashed)


def test_production_hasher_meets_the_owasp_argon2id_minimum() -> None:
    """The app's own hasher (before tests cheapen it) uses at least OWASP's Argon2id minimum."""
    # OWASP Password Storage Cheat Sheet minimum: Argon2id, 19 MiB, 2 passes, 1 lane.
    params = ARGON2ID.match(PRODUCTION_DUMMY_HASH)
    assert params, PRODUCTION_DUMMY_HASH
    assert int(params["m"]) >= 19 * 1024, "memory cost in KiB"
    assert int(params["t"]) >= 2, "passes"
    # The demo user's stored hash was made with the same production parameters.
    demo = ARGON2ID.match(lesson.USERS["alice"].password_hash)
    assert demo
    assert (demo["m"], demo["t"], demo["p"]) == (params["m"], params["t"], params["p"])


def test_duplicate_username_is_409_and_keeps_the_first_password() -> None:
    """Signing up an existing username is refused (409) and does not overwrite the hash."""
    sign_up(client, "bob", "first password here")
    before = lesson.USERS["bob"].password_hash
    response = client.post(
        "/users", json={"username": "bob", "full_name": "Evil", "password": "second password!!"}
    )
    assert response.status_code == 409
    assert lesson.USERS["bob"].password_hash == before


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("username", "abc", 201),
        ("username", "ab", 422),
        ("username", "a" * 32, 201),
        ("username", "a" * 33, 422),
        ("username", "Bob", 422),
        ("full_name", "B", 201),
        ("full_name", "", 422),
        ("full_name", "B" * 100, 201),
        ("full_name", "B" * 101, 422),
        ("password", "p" * 12, 201),
        ("password", "p" * 11, 422),
        ("password", "p" * 128, 201),
        ("password", "p" * 129, 422),
    ],
)
def test_sign_up_accepts_the_documented_bounds_and_refuses_one_past_them(
    field: str, value: str, status: int
) -> None:
    """username 3-32 of [a-z0-9_], full_name 1-100, password 12-128 characters; else 422."""
    body = {"username": "bob", "full_name": "Bob", "password": "a long enough password"}
    response = client.post("/users", json=body | {field: value})
    assert response.status_code == status, f"{field} of {len(value)} chars: {response.text}"
    if status == 422:
        assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]


def test_tests_hash_with_argon2id_at_the_minimum_cost_and_nothing_else_changed() -> None:
    """Tests hash with Argon2id at 1 MiB, 1 pass, 1 lane; salt and digest sized as in production."""
    sign_up(client, "bob", "correct horse battery staple")
    cheap = ARGON2ID.match(lesson.USERS["bob"].password_hash)
    production = ARGON2ID.match(PRODUCTION_DUMMY_HASH)
    assert cheap
    assert production
    assert (cheap["m"], cheap["t"], cheap["p"]) == ("1024", "1", "1"), "the tests' cheap cost"
    assert (production["m"], production["t"], production["p"]) == ("65536", "3", "4")
    assert len(cheap["salt"]) == len(production["salt"]), "same salt length"
    assert len(cheap["digest"]) == len(production["digest"]), "same digest length"
