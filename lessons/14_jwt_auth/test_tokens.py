"""Lesson 14 claims about tokens: what /users/me accepts, and everything it refuses."""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from hypothesis import event, given
from hypothesis import strategies as st

from lessons.testkit import parse_version

from . import app as lesson
from .support import FakeClock, Reply, bearer, log_in, sign_up

client = TestClient(lesson.app)

# PyJWT 2.14 started refusing base64url that is not in canonical form (advisory
# GHSA-hxm8-2xgr-2p9m); older releases decode leniently. See the tampering tests.
PYJWT_REJECTS_NON_CANONICAL = parse_version(jwt.__version__) >= (2, 14)

REJECTED = {"detail": "Could not validate credentials"}


def me(token: str) -> Reply:
    return client.get("/users/me", headers=bearer(token))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(header: dict[str, Any], claims: dict[str, Any], key: str, digest: Any) -> str:
    """Build a JWS by hand, so the test controls every byte of header, claims and signature."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = hmac.new(key.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64url(signature)}"


def valid_claims(now: datetime) -> dict[str, Any]:
    """The claims of a valid access token for alice, issued at `now`."""
    issued = int(now.timestamp())
    lifetime = int(lesson.ACCESS_TOKEN_TTL.total_seconds())
    claims: dict[str, Any] = {"sub": "alice", "type": "access", "jti": secrets.token_hex(16)}
    return claims | {"iat": issued, "exp": issued + lifetime}


def assert_rejected(response: Reply) -> None:
    assert response.status_code == 401, response.text
    assert response.json() == REJECTED
    assert response.headers["www-authenticate"] == "Bearer"


def tokens_for_alice(now: datetime) -> tuple[str, str]:
    """The pair /token issues to alice (made directly: her stored hash has production cost)."""
    pair = lesson.issue_tokens("alice", now)
    return pair.access_token, pair.refresh_token


# --- What is accepted -----------------------------------------------------------------------


def test_valid_access_token_returns_the_current_user(clock: FakeClock) -> None:
    """A token as /token issues it gets 200 and the user, without the password hash."""
    access, _ = tokens_for_alice(clock.now)
    response = me(access)
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "full_name": "Alice Liddell"}


def test_a_hand_built_hs256_token_with_the_right_key_is_accepted(clock: FakeClock) -> None:
    """Control for the forgery tests below: the hand-built JWS is accepted when it is legitimate."""
    token = sign(
        {"alg": "HS256", "typ": "JWT"}, valid_claims(clock.now), lesson.SECRET_KEY, hashlib.sha256
    )
    assert me(token).status_code == 200


# --- What is refused ------------------------------------------------------------------------


def test_missing_token_is_401_with_a_bearer_challenge() -> None:
    """No Authorization header: 401 with WWW-Authenticate: Bearer, from OAuth2PasswordBearer."""
    response = client.get("/users/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    wrong_scheme = client.get("/users/me", headers={"Authorization": "Basic YWxpY2U6eA=="})
    assert wrong_scheme.status_code == 401


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a.b", "a.b.c", "e30.e30.", "...", "x" * 2000],
    ids=["empty", "garbage", "two-segments", "junk-segments", "empty-json", "dots", "long"],
)
def test_malformed_tokens_are_401(token: str) -> None:
    """Strings that are not a well-formed JWT get the same 401 as every other bad token."""
    assert_rejected(me(token))


def test_token_signed_with_another_key_is_401(clock: FakeClock) -> None:
    """A well-formed HS256 token signed with any key but ours is refused."""
    other_key = secrets.token_urlsafe(64)
    forged = jwt.encode(valid_claims(clock.now), other_key, algorithm="HS256")
    assert_rejected(me(forged))


def test_alg_none_token_is_401(clock: FakeClock) -> None:
    """An unsigned token (header alg "none", empty signature) is refused."""
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    claims = b64url(json.dumps(valid_claims(clock.now)).encode())
    assert_rejected(me(f"{header}.{claims}."))


def test_algorithm_outside_the_allow_list_is_401_even_with_the_right_key(clock: FakeClock) -> None:
    """HS512 signed with our real key is refused: the allow-list, not the header, decides."""
    token = sign(
        {"alg": "HS512", "typ": "JWT"}, valid_claims(clock.now), lesson.SECRET_KEY, hashlib.sha512
    )
    assert_rejected(me(token))


def test_rs256_header_on_an_hmac_signature_is_401(clock: FakeClock) -> None:
    """Algorithm confusion: a header claiming RS256 over a valid HMAC signature is refused."""
    # The classic attack goes the other way round (a server expecting RS256 is sent an HS256
    # token signed with the public key); both are stopped by the same thing: the server
    # pins the algorithm instead of reading it from the token.
    token = sign(
        {"alg": "RS256", "typ": "JWT"}, valid_claims(clock.now), lesson.SECRET_KEY, hashlib.sha256
    )
    assert_rejected(me(token))


def test_access_token_expires_by_the_injected_clock(clock: FakeClock) -> None:
    """Valid one second before exp, refused at exp: time moved by the test, never slept."""
    sign_up(client, "bob", "x" * 12)
    tokens = log_in(client, "bob", "x" * 12)
    clock.advance(lesson.ACCESS_TOKEN_TTL - timedelta(seconds=1))
    assert me(tokens["access_token"]).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert_rejected(me(tokens["access_token"]))


def test_token_validity_follows_the_injected_clock_not_the_wall_clock() -> None:
    """Tokens issued in 2001 or 2050 are valid at their own 'now', which PyJWT's defaults refuse."""
    for issued in (datetime(2001, 1, 1, tzinfo=UTC), datetime(2050, 1, 1, tzinfo=UTC)):
        lesson.app.dependency_overrides[lesson.get_now] = FakeClock(issued)
        access, _ = tokens_for_alice(issued)
        assert me(access).status_code == 200, issued
    # Left to its defaults, PyJWT judges exp and iat by the real clock instead:
    old = lesson.create_token("alice", "access", datetime(2001, 1, 1, tzinfo=UTC))
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(old, lesson.SECRET_KEY, algorithms=lesson.ALLOWED_ALGORITHMS)
    future = lesson.create_token("alice", "access", datetime(2050, 1, 1, tzinfo=UTC))
    with pytest.raises(jwt.ImmatureSignatureError):
        jwt.decode(future, lesson.SECRET_KEY, algorithms=lesson.ALLOWED_ALGORITHMS)


def test_an_nbf_claim_is_not_judged_by_the_wall_clock_either() -> None:
    """PyJWT's wall-clock nbf check is off too: only the injected clock judges time."""
    # The app issues no nbf, but PyJWT would check one against the real clock. This token's
    # nbf has passed at the injected time (ten years ahead) but not yet on the wall clock.
    injected = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3650)
    lesson.app.dependency_overrides[lesson.get_now] = FakeClock(injected)
    not_before = int((injected - timedelta(days=1)).timestamp())
    claims = valid_claims(injected) | {"nbf": not_before}
    token = sign({"alg": "HS256", "typ": "JWT"}, claims, lesson.SECRET_KEY, hashlib.sha256)
    assert me(token).status_code == 200, "nbf must not be judged by the wall clock"
    # What PyJWT's default nbf check does with it (exp and iat checks off, nbf left on):
    with pytest.raises(jwt.ImmatureSignatureError):
        jwt.decode(
            token,
            lesson.SECRET_KEY,
            algorithms=lesson.ALLOWED_ALGORITHMS,
            options={"verify_exp": False, "verify_iat": False},
        )


ttl_seconds = int(lesson.ACCESS_TOKEN_TTL.total_seconds())


@given(offset=st.integers(min_value=-2 * ttl_seconds, max_value=2 * ttl_seconds))
def test_a_token_is_valid_exactly_from_iat_until_just_before_exp(offset: int) -> None:
    """For any clock offset from the issue time: 200 iff 0 <= offset < TTL, else 401."""
    issued = datetime(2030, 6, 1, tzinfo=UTC)
    access = lesson.create_token("alice", "access", issued)
    lesson.app.dependency_overrides[lesson.get_now] = FakeClock(issued + timedelta(seconds=offset))
    expected = 200 if 0 <= offset < ttl_seconds else 401
    assert me(access).status_code == expected


def test_revoked_token_is_401_after_logout(clock: FakeClock) -> None:
    """POST /logout puts the token's jti on the deny-list; the same token is then refused."""
    access, _ = tokens_for_alice(clock.now)
    assert me(access).status_code == 200
    response = client.post("/logout", headers=bearer(access))
    assert response.status_code == 204
    assert_rejected(me(access))
    assert client.post("/logout", headers=bearer(access)).status_code == 401


def equivalent_spellings(token: str) -> list[str]:
    """Other strings for the same token: same signed bytes, same signature bytes."""
    signed, signature = token.rsplit(".", 1)
    last = signature[-1]
    # An HS256 signature (32 bytes) is 43 base64url characters; the last one carries 4 bits
    # of signature and 2 unused bits. Setting those unused bits keeps the same bytes.
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    value = alphabet.index(last)
    siblings = [alphabet[(value & ~0b11) | bits] for bits in range(4)]
    variants = [f"{signed}.{signature[:-1]}{c}" for c in siblings if c != last]
    return [*variants, token + "="]


def test_revocation_is_by_jti_so_other_spellings_of_the_token_stay_revoked(
    clock: FakeClock,
) -> None:
    """After logout every spelling of the token is refused, including ones PyJWT would accept."""
    access, _ = tokens_for_alice(clock.now)
    spellings = equivalent_spellings(access)
    # Some of these are accepted as the same token before logout, depending on the PyJWT
    # version (see README): a deny-list of token *strings* would miss them.
    client.post("/logout", headers=bearer(access))
    for spelling in [access, *spellings]:
        assert_rejected(me(spelling))


def test_token_of_a_deleted_user_is_401(clock: FakeClock) -> None:
    """A genuine, unexpired token for a user who no longer exists is refused."""
    access, _ = tokens_for_alice(clock.now)
    del lesson.USERS["alice"]
    assert_rejected(me(access))


def test_correct_signature_with_missing_or_mistyped_claims_is_401(clock: FakeClock) -> None:
    """Signed with our key but lacking a claim, or with a wrong JSON type, is still refused."""
    good = valid_claims(clock.now)
    broken: list[dict[str, Any]] = [
        {k: v for k, v in good.items() if k != "exp"},
        {k: v for k, v in good.items() if k != "jti"},
        good | {"sub": 42},
        good | {"exp": "never"},
        good | {"iat": 1.5},
        good | {"type": "admin"},
        # Lax validation would coerce these two to valid ints; TokenClaims is strict.
        good | {"iat": str(good["iat"])},
        good | {"exp": float(good["exp"])},
    ]
    for claims in broken:
        token = sign({"alg": "HS256", "typ": "JWT"}, claims, lesson.SECRET_KEY, hashlib.sha256)
        assert_rejected(me(token))


# --- OAuth2PasswordBearer alone -------------------------------------------------------------


def test_oauth2_password_bearer_alone_verifies_nothing() -> None:
    """A route that depends only on the scheme receives any garbage that follows "Bearer "."""
    response = client.get("/scheme-only", headers={"Authorization": "Bearer not-a-jwt-at-all"})
    assert response.status_code == 200
    assert response.json() == {"token_received": "not-a-jwt-at-all"}
    # All it checks is that the header is there: /users/me refuses the same request.
    assert client.get("/scheme-only").status_code == 401
    assert_rejected(me("not-a-jwt-at-all"))


# --- Refresh tokens -------------------------------------------------------------------------


def test_refresh_token_obtains_a_new_access_token(clock: FakeClock) -> None:
    """After the access token expired, the refresh token gets a new pair that works."""
    access, refresh = tokens_for_alice(clock.now)
    clock.advance(lesson.ACCESS_TOKEN_TTL)
    assert_rejected(me(access))
    response = client.post("/token/refresh", json={"refresh_token": refresh})
    assert response.status_code == 200
    renewed = response.json()
    assert renewed["token_type"] == "bearer"
    assert me(renewed["access_token"]).status_code == 200


def test_access_token_cannot_be_used_as_a_refresh_token(clock: FakeClock) -> None:
    """POST /token/refresh refuses an access token: the type claim must be "refresh"."""
    access, _ = tokens_for_alice(clock.now)
    assert_rejected(client.post("/token/refresh", json={"refresh_token": access}))


def test_refresh_token_cannot_be_used_as_an_access_token(clock: FakeClock) -> None:
    """/users/me refuses a refresh token: a long-lived token must not open the API."""
    _, refresh = tokens_for_alice(clock.now)
    assert_rejected(me(refresh))


def test_refresh_tokens_rotate_and_a_replayed_one_is_401(clock: FakeClock) -> None:
    """A refresh token works once; replaying it (a stolen copy) is refused."""
    _, refresh = tokens_for_alice(clock.now)
    first = client.post("/token/refresh", json={"refresh_token": refresh})
    assert first.status_code == 200
    assert first.json()["refresh_token"] != refresh
    assert_rejected(client.post("/token/refresh", json={"refresh_token": refresh}))
    second = client.post("/token/refresh", json={"refresh_token": first.json()["refresh_token"]})
    assert second.status_code == 200


def test_refresh_token_expires_by_the_injected_clock(clock: FakeClock) -> None:
    """A refresh token is refused once its own, longer lifetime is over."""
    _, refresh = tokens_for_alice(clock.now)
    clock.advance(lesson.REFRESH_TOKEN_TTL)
    assert_rejected(client.post("/token/refresh", json={"refresh_token": refresh}))


def test_login_issues_a_15_minute_access_token_and_a_7_day_refresh_token(
    clock: FakeClock,
) -> None:
    """/token's pair: access exp = iat + 900 s, refresh exp = iat + 7 days, iat = the clock."""
    sign_up(client, "bob", "x" * 12)
    pair = log_in(client, "bob", "x" * 12)
    # Reading claims without checking the signature: fine in a test, never in the app.
    access = jwt.decode(pair["access_token"], options={"verify_signature": False})
    refresh = jwt.decode(pair["refresh_token"], options={"verify_signature": False})
    issued = int(clock.now.timestamp())
    assert (access["type"], access["sub"], access["iat"]) == ("access", "bob", issued)
    assert access["exp"] - access["iat"] == 15 * 60, "access tokens live 15 minutes"
    assert (refresh["type"], refresh["sub"], refresh["iat"]) == ("refresh", "bob", issued)
    assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600, "refresh tokens live 7 days"
    assert access["jti"] != refresh["jti"], "each token has its own id"


# --- Properties -----------------------------------------------------------------------------


def lenient_b64url_decode(segment: str) -> bytes | None:
    """The bytes a lenient base64url decoder (the stdlib's) reads from a segment."""
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None


def same_signed_bytes(original: str, tampered: str) -> bool:
    """True when both strings carry the same signed input and the same signature bytes."""
    signed, signature = original.rsplit(".", 1)
    tampered_signed, tampered_signature = tampered.rsplit(".", 1)
    return signed == tampered_signed and lenient_b64url_decode(signature) == lenient_b64url_decode(
        tampered_signature
    )


TAMPER_CHARACTERS = string.ascii_letters + string.digits + "-_.=+/~!* "
# One fixed token for every example, so that Hypothesis can replay a failure exactly.
ATTACK_TIME = datetime(2030, 6, 1, tzinfo=UTC)
TOKEN_UNDER_ATTACK = lesson.create_token("alice", "access", ATTACK_TIME)


def test_the_token_under_attack_is_valid_when_untouched() -> None:
    """Control for the tampering property: without tampering, the very same token gets 200."""
    lesson.app.dependency_overrides[lesson.get_now] = FakeClock(ATTACK_TIME)
    assert me(TOKEN_UNDER_ATTACK).status_code == 200


@given(
    # The last character gets extra attention: it is where equal-bytes spellings hide.
    index=st.integers(min_value=0, max_value=len(TOKEN_UNDER_ATTACK) - 1)
    | st.just(len(TOKEN_UNDER_ATTACK) - 1),
    shift=st.integers(min_value=1, max_value=len(TAMPER_CHARACTERS) - 1),
)
def test_any_single_character_tampering_is_401(index: int, shift: int) -> None:
    """Change any one character of a valid token: refused, unless the bytes are unchanged."""
    token = TOKEN_UNDER_ATTACK
    lesson.app.dependency_overrides[lesson.get_now] = FakeClock(ATTACK_TIME)
    # Shift the character along TAMPER_CHARACTERS: always a different character.
    position = TAMPER_CHARACTERS.index(token[index])
    replacement = TAMPER_CHARACTERS[(position + shift) % len(TAMPER_CHARACTERS)]
    tampered = token[:index] + replacement + token[index + 1 :]
    response = me(tampered)
    if not same_signed_bytes(token, tampered):
        # Any change to a signed byte or a signature byte: the HMAC no longer matches.
        assert_rejected(response)
        return
    event("same bytes, other spelling")  # shown by pytest --hypothesis-show-statistics
    if PYJWT_REJECTS_NON_CANONICAL:
        # Same bytes, non-canonical spelling (unused low bits of the last signature
        # character, or "+" and "/" for "-" and "_"): refused by PyJWT >= 2.14.
        assert_rejected(response)
    else:
        # Older PyJWT decodes leniently: it is the very same token, so it is accepted.
        assert response.status_code == 200


@given(token=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=300))
def test_any_bearer_string_gets_401_never_500(token: str) -> None:
    """Random printable strings as bearer tokens are all refused with the standard 401."""
    assert_rejected(me(token))


json_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10), st.just([])
)


@given(
    changes=st.dictionaries(st.sampled_from(["sub", "type", "jti", "iat", "exp", "x"]), json_values)
)
def test_correctly_signed_tokens_with_any_claims_get_200_or_401(changes: dict[str, Any]) -> None:
    """Whatever claims carry our signature, the answer is 200 or 401, never a server error."""
    now = datetime.now(UTC)
    claims = valid_claims(now) | changes
    token = sign({"alg": "HS256", "typ": "JWT"}, claims, lesson.SECRET_KEY, hashlib.sha256)
    response = me(token)
    assert response.status_code in {200, 401}, response.text
    if response.status_code == 200:
        assert claims["sub"] in lesson.USERS
        assert claims["type"] == "access"
        assert claims["iat"] <= now.timestamp() < claims["exp"]


# --- The key --------------------------------------------------------------------------------


def test_signing_key_is_generated_at_import_never_written_in_the_source() -> None:
    """SECRET_KEY is 64 random bytes from `secrets`, and no lesson file contains it."""
    assert len(base64.urlsafe_b64decode(lesson.SECRET_KEY + "==")) == 64
    lesson_dir = Path(lesson.__file__).parent
    for source in lesson_dir.rglob("*"):
        if source.is_file() and source.suffix in {".py", ".md", ".env", ".txt", ".json"}:
            assert lesson.SECRET_KEY not in source.read_text(encoding="utf-8"), source
    assert "SECRET_KEY = secrets.token_urlsafe(64)" in Path(lesson.__file__).read_text(
        encoding="utf-8"
    )
