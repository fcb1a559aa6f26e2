"""Lesson 35 claims about JWTs: forged, unsigned and tampered tokens, and a cracked secret."""

import base64
import json
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from lessons.testkit import parse_version

from . import app as fixed_module
from . import vulnerable as vulnerable_module
from .attacker import WORDLIST, crack_hs256_key, forge_token
from .support import log_in, with_session

# A key of the attacker's own: long enough that PyJWT does not even warn about it.
ATTACKER_KEY = "mallory-made-this-key-all-by-herself-0123456789"
PYJWT_WARNS_ABOUT_SHORT_KEYS = parse_version(jwt.__version__) >= (2, 11)


def tamper_payload(token: str, **changes: Any) -> str:
    """The same token with claims changed in its payload and the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    new_payload = base64.urlsafe_b64encode(json.dumps({**claims, **changes}).encode())
    return f"{header}.{new_payload.rstrip(b'=').decode()}.{signature}"


def test_token_signed_with_attackers_key_opens_vulnerable_admin_route_only(
    vulnerable: TestClient, fixed: TestClient
) -> None:
    """A self-signed "role: admin" token lists the users on the vulnerable app; fixed: 401."""
    forged = forge_token({"sub": "mallory", "role": "admin"}, ATTACKER_KEY)

    exploited = vulnerable.get("/admin/users", headers=with_session(forged))
    assert exploited.status_code == 200, "the unverified admin check should trust any signature"
    assert [u["username"] for u in exploited.json()] == ["alice", "root"]

    refused = fixed.get("/admin/users", headers=with_session(forged))
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Not authenticated"}


def test_unsigned_alg_none_token_is_accepted_by_vulnerable_refused_by_fixed(
    vulnerable: TestClient, fixed: TestClient
) -> None:
    """An alg "none" token (no signature at all) passes the unverified check; fixed: 401."""
    unsigned = forge_token({"sub": "mallory", "role": "admin"}, None, algorithm="none")
    header = jwt.get_unverified_header(unsigned)
    assert header["alg"] == "none"
    assert unsigned.endswith("."), "the signature part is empty"

    assert vulnerable.get("/admin/users", headers=with_session(unsigned)).status_code == 200
    refused = fixed.get("/admin/users", headers=with_session(unsigned))
    assert refused.status_code == 401, "the fixed app pins HS256 and refuses 'none'"


def test_tampered_role_claim_works_on_vulnerable_refused_by_fixed(
    vulnerable: TestClient, fixed: TestClient
) -> None:
    """alice edits role to "admin" in her real token: the vulnerable admin check believes it."""
    alice = vulnerable_module.DEMO_PASSWORDS["alice"]
    genuine = log_in(vulnerable, "alice", alice)
    assert vulnerable.get("/admin/users", headers=with_session(genuine)).status_code == 403
    token = tamper_payload(genuine, role="admin")
    assert vulnerable.get("/admin/users", headers=with_session(token)).status_code == 200
    # The vulnerable app's *other* check does verify: the edit breaks the signature there.
    assert vulnerable.get("/me", headers=with_session(token)).status_code == 401

    token = tamper_payload(log_in(fixed, "alice", alice), role="admin")
    assert fixed.get("/admin/users", headers=with_session(token)).status_code == 401


def test_weak_secret_is_cracked_offline_and_signs_any_identity(
    vulnerable: TestClient, fixed: TestClient
) -> None:
    """One token + a 50-word list reveal the vulnerable key; the fixed key resists the list."""
    alice = vulnerable_module.DEMO_PASSWORDS["alice"]

    cracked = crack_hs256_key(log_in(vulnerable, "alice", alice))
    assert cracked == vulnerable_module.SECRET_KEY, "the placeholder secret is in the list"
    # With the key, alice signs a token for root and *is* root to the verifying check.
    as_root = forge_token({"sub": "root", "role": "admin"}, cracked)
    me = vulnerable.get("/me", headers=with_session(as_root))
    assert me.status_code == 200
    assert me.json() == {"username": "root", "role": "admin"}

    # No word verifies a fixed-app token, so no word can sign one the fixed app accepts.
    assert crack_hs256_key(log_in(fixed, "alice", alice)) is None
    assert fixed.get("/me", headers=with_session(as_root)).status_code == 401


def test_an_expired_token_reveals_the_weak_key_just_as_well(vulnerable: TestClient) -> None:
    """A month-old token (from a log, say) no longer logs in, yet it still gives up the key."""
    old = forge_token(
        {"sub": "alice", "role": "user", "exp": datetime.now(UTC) - timedelta(days=30)},
        vulnerable_module.SECRET_KEY,
    )
    assert vulnerable.get("/me", headers=with_session(old)).status_code == 401, "expired"
    assert crack_hs256_key(old) == vulnerable_module.SECRET_KEY, "expiry does not hide the key"


def test_forged_token_is_refused_for_its_key_alone(fixed: TestClient) -> None:
    """forge_token's tokens last an hour and carry sub and exp: with the real key they work."""
    before = int(time.time())
    token = forge_token({"sub": "root", "role": "admin"}, fixed_module.SECRET_KEY)
    after = int(time.time())
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert before + 60 * 60 <= exp <= after + 60 * 60, "a forged token is valid for an hour"
    # So every 401 above comes from the key (or its absence), not from a malformed token.
    assert fixed.get("/admin/users", headers=with_session(token)).status_code == 200


def test_fixed_signing_key_is_64_random_bytes_found_in_no_file() -> None:
    """SECRET_KEY is secrets.token_urlsafe(64): 86 characters, 64 bytes, in no lesson file."""
    key = fixed_module.SECRET_KEY
    assert len(key) == 86, "64 bytes in URL-safe base64 without padding"
    assert len(base64.urlsafe_b64decode(key + "==")) == 64, "512 bits from the OS's CSPRNG"
    assert key not in WORDLIST
    for source in Path(fixed_module.__file__).parent.rglob("*"):
        if source.is_file() and source.suffix in {".py", ".md", ".diff"}:
            assert key not in source.read_text(encoding="utf-8"), source


@pytest.mark.parametrize("which", ["vulnerable", "fixed"])
def test_session_token_expires_thirty_minutes_after_login(
    request: pytest.FixtureRequest, which: str
) -> None:
    """Both apps put exp = the moment of login + 30 minutes (to the second) in the cookie."""
    client: TestClient = request.getfixturevalue(which)
    module = vulnerable_module if which == "vulnerable" else fixed_module
    # The app reads the real clock once, between these two readings; exp drops fractions.
    before = int(time.time())
    token = log_in(client, "alice", module.DEMO_PASSWORDS["alice"])
    after = int(time.time())
    exp = jwt.decode(token, module.SECRET_KEY, algorithms=["HS256"])["exp"]
    assert before + 30 * 60 <= exp <= after + 30 * 60, f"exp {exp - after} s after login"


@pytest.mark.skipif(not PYJWT_WARNS_ABOUT_SHORT_KEYS, reason="needs PyJWT >= 2.11")
def test_pyjwt_warns_about_short_keys_but_not_guessable_ones() -> None:
    """PyJWT flags an HMAC key under 32 bytes; the 36-byte placeholder passes unflagged."""
    claims = {"sub": "alice"}
    with pytest.warns(jwt.InsecureKeyLengthWarning, match="below the minimum"):
        jwt.encode(claims, "secret", algorithm="HS256")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning would fail the test
        jwt.encode(claims, vulnerable_module.SECRET_KEY, algorithm="HS256")
    assert len(vulnerable_module.SECRET_KEY.encode()) >= 32
    assert vulnerable_module.SECRET_KEY in WORDLIST, "length is not the same as entropy"


def signed_by_fixed_app(claims: dict[str, Any]) -> str:
    """A token signed with the fixed app's real key (what a genuine login would issue)."""
    return jwt.encode(claims, fixed_module.SECRET_KEY, algorithm="HS256")


IN_AN_HOUR = datetime.now(UTC) + timedelta(hours=1)


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        ({"sub": "alice", "exp": IN_AN_HOUR}, 200),
        ({"sub": "alice", "exp": datetime.now(UTC) - timedelta(seconds=5)}, 401),
        ({"sub": "alice"}, 401),  # no expiry: a stolen token would work forever
        ({"exp": IN_AN_HOUR}, 401),  # no subject
        ({"sub": "ghost", "exp": IN_AN_HOUR}, 401),  # a user who no longer exists
    ],
    ids=["valid", "expired", "no-exp", "no-sub", "unknown-user"],
)
def test_fixed_app_requires_a_current_token_for_a_known_user(
    fixed: TestClient, claims: dict[str, Any], status: int
) -> None:
    """Even with the right key: exp and sub are required, expiry is checked, users must exist."""
    response = fixed.get("/me", headers=with_session(signed_by_fixed_app(claims)))
    assert response.status_code == status, response.text


def test_fixed_admin_role_comes_from_the_user_table(fixed: TestClient) -> None:
    """A genuine token claiming admin does not make alice one; demoting root works at once."""
    alice_as_admin = signed_by_fixed_app({"sub": "alice", "role": "admin", "exp": IN_AN_HOUR})
    refused = fixed.get("/admin/users", headers=with_session(alice_as_admin))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Admins only"}

    root = log_in(fixed, "root", fixed_module.DEMO_PASSWORDS["root"])
    assert jwt.decode(root, options={"verify_signature": False})["role"] == "admin"
    listed = fixed.get("/admin/users", headers=with_session(root))
    assert listed.status_code == 200
    assert listed.json() == [
        {"username": "alice", "role": "user"},
        {"username": "root", "role": "admin"},
    ]
    fixed_module.USERS["root"].role = "user"
    assert fixed.get("/admin/users", headers=with_session(root)).status_code == 403


@pytest.mark.parametrize("which", ["vulnerable", "fixed"])
@pytest.mark.parametrize("path", ["/me", "/admin/users"])
@pytest.mark.parametrize("cookie", [None, "not-a-jwt", "a.b.c"])
def test_missing_or_malformed_session_is_401_on_both_apps(
    request: pytest.FixtureRequest, which: str, path: str, cookie: str | None
) -> None:
    """No cookie, or one that is not a JWT: 401 "Not authenticated", never a 500."""
    client: TestClient = request.getfixturevalue(which)
    headers = {} if cookie is None else with_session(cookie)
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


@pytest.mark.parametrize("which", ["vulnerable", "fixed"])
def test_token_of_a_deleted_user_stops_working_on_both_apps(
    request: pytest.FixtureRequest, which: str
) -> None:
    """/me looks the token's user up on every request: once alice is deleted, her token is 401."""
    client: TestClient = request.getfixturevalue(which)
    module = vulnerable_module if which == "vulnerable" else fixed_module
    token = log_in(client, "alice", module.DEMO_PASSWORDS["alice"])
    assert client.get("/me", headers=with_session(token)).json() == {
        "username": "alice",
        "role": "user",
    }
    del module.USERS["alice"]
    response = client.get("/me", headers=with_session(token))
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
