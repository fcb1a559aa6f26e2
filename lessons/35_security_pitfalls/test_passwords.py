"""Lesson 35 claims about passwords: online guessing, and what a leaked users table gives away."""

import hashlib

import argon2
import pytest
from fastapi.testclient import TestClient

from . import app as fixed_module
from . import vulnerable as vulnerable_module
from .attacker import WORDLIST, sha256_lookup_table
from .support import CHEAP_HASH, FakeClock, log_in

ALICE_PASSWORD = fixed_module.DEMO_PASSWORDS["alice"]


def guess_passwords(client: TestClient, username: str) -> list[tuple[str, int]]:
    """Try the word list against one account until a login succeeds: (word, status) pairs."""
    tried: list[tuple[str, int]] = []
    for word in WORDLIST:
        response = client.post("/login", json={"username": username, "password": word})
        tried.append((word, response.status_code))
        if response.status_code == 200:
            break
    return tried


def test_vulnerable_login_falls_to_an_online_dictionary_attack(vulnerable: TestClient) -> None:
    """No limit: every wrong guess is a 401 until alice's own password logs the attacker in."""
    tried = guess_passwords(vulnerable, "alice")
    assert tried[-1] == (ALICE_PASSWORD, 200), "the attack should end by logging in as alice"
    assert {status for _, status in tried[:-1]} == {401}
    assert len(tried) == WORDLIST.index(ALICE_PASSWORD) + 1


def test_fixed_login_locks_the_account_before_the_list_reaches_the_password(
    fixed: TestClient, clock: FakeClock
) -> None:
    """Five failures, then 429 for every guess, the right password included."""
    tried = guess_passwords(fixed, "alice")
    limit = fixed_module.MAX_FAILED_LOGINS
    assert [status for _, status in tried] == [401] * limit + [429] * (len(WORDLIST) - limit)
    assert (ALICE_PASSWORD, 429) in tried, "the right password must not get through a lockout"


def test_lockout_answers_retry_after_and_ends_when_the_window_passes(
    fixed: TestClient, clock: FakeClock
) -> None:
    """Retry-After counts down to the oldest failure's expiry; then the right password works."""
    limit, window = fixed_module.MAX_FAILED_LOGINS, fixed_module.LOCKOUT_SECONDS
    for _ in range(limit):
        clock.advance(10)  # one failure every 10 s, the oldest at 1010
        assert fixed.post("/login", json={"username": "alice", "password": "x"}).status_code == 401
    age_of_oldest = 10 * (limit - 1)

    locked = fixed.post("/login", json={"username": "alice", "password": ALICE_PASSWORD})
    assert locked.status_code == 429
    assert locked.json() == {"detail": "Too many failed logins; try again later"}
    assert locked.headers["retry-after"] == str(window - age_of_oldest)

    clock.advance(window - age_of_oldest - 0.5)  # half a second before the oldest expires
    almost = fixed.post("/login", json={"username": "alice", "password": ALICE_PASSWORD})
    assert almost.status_code == 429
    assert almost.headers["retry-after"] == "1", "a fraction of a second rounds up"

    clock.advance(0.5)  # the oldest failure is exactly `window` old: it no longer counts
    assert log_in(fixed, "alice", ALICE_PASSWORD)


def fail_login(client: TestClient, username: str = "alice") -> int:
    """One login with a wrong password: the status code it got."""
    body = {"username": username, "password": "not-the-password"}
    return client.post("/login", json=body).status_code


def test_fifth_failure_locks_the_account_the_fourth_does_not(
    fixed: TestClient, clock: FakeClock
) -> None:
    """After 4 failures the right password still works; after 5 it gets 429 too."""
    assert [fail_login(fixed) for _ in range(4)] == [401] * 4
    assert log_in(fixed, "alice", ALICE_PASSWORD), "4 failures must not lock the account"

    assert [fail_login(fixed) for _ in range(5)] == [401] * 5, "the 5th failure is still a 401"
    locked = fixed.post("/login", json={"username": "alice", "password": ALICE_PASSWORD})
    assert locked.status_code == 429, "5 failures must lock the account"


def test_lock_lifts_exactly_fifteen_minutes_after_the_oldest_failure(
    fixed: TestClient, clock: FakeClock
) -> None:
    """Retry-After: 900 at once; still locked at 899 s; the right password works at 900 s."""
    assert [fail_login(fixed) for _ in range(5)] == [401] * 5  # all at the same instant
    right = {"username": "alice", "password": ALICE_PASSWORD}

    locked = fixed.post("/login", json=right)
    assert (locked.status_code, locked.headers["retry-after"]) == (429, "900"), "15 minutes"

    clock.advance(899)
    almost = fixed.post("/login", json=right)
    assert (almost.status_code, almost.headers["retry-after"]) == (429, "1"), "one second left"

    clock.advance(1)
    assert fixed.post("/login", json=right).status_code == 200, "the lock lasts 15 minutes"


def test_success_resets_the_count_and_accounts_are_counted_separately(
    fixed: TestClient, clock: FakeClock
) -> None:
    """A good login clears alice's failures; failures against root never lock alice."""
    below_limit = fixed_module.MAX_FAILED_LOGINS - 1
    for _ in range(below_limit):
        assert fixed.post("/login", json={"username": "alice", "password": "x"}).status_code == 401
    log_in(fixed, "alice", ALICE_PASSWORD)
    for _ in range(below_limit):
        assert fixed.post("/login", json={"username": "alice", "password": "x"}).status_code == 401
    for _ in range(fixed_module.MAX_FAILED_LOGINS + 1):
        fixed.post("/login", json={"username": "root", "password": "x"})
    assert fixed.post("/login", json={"username": "root", "password": "x"}).status_code == 429
    assert log_in(fixed, "alice", ALICE_PASSWORD), "root's lockout must not touch alice"
    assert fixed.post("/login", json={"username": "nobody", "password": "x"}).status_code == 401


def test_unsalted_dump_gives_up_passwords_to_one_lookup_table(vulnerable: TestClient) -> None:
    """One precomputed SHA-256 table cracks the vulnerable dump and matches nothing in the fixed."""
    table = sha256_lookup_table()
    vulnerable_dump = {u.username: u.password_hash for u in vulnerable_module.USERS.values()}
    assert {name: table.get(h) for name, h in vulnerable_dump.items()} == {
        "alice": ALICE_PASSWORD,
        "root": None,  # a long random passphrase is not in the list
    }
    fixed_dump = [u.password_hash for u in fixed_module.USERS.values()]
    assert not any(h in table for h in fixed_dump)
    assert all(h.startswith("$argon2id$") for h in fixed_dump)


def test_equal_passwords_share_a_hash_only_without_salt(
    vulnerable: TestClient, fixed: TestClient
) -> None:
    """bob and carol pick the same password: one hash in the vulnerable dump, two in the fixed."""
    for client in (vulnerable, fixed):
        for name in ("bob", "carol"):
            new_user = {"username": name, "password": "same-password-1"}
            assert client.post("/signup", json=new_user).status_code == 201

    weak = vulnerable_module.USERS
    assert weak["bob"].password_hash == weak["carol"].password_hash
    assert weak["bob"].password_hash == hashlib.sha256(b"same-password-1").hexdigest()

    strong = fixed_module.USERS
    assert strong["bob"].password_hash != strong["carol"].password_hash
    # Salt and parameters live inside the hash string: $argon2id$v=19$m=..,t=..,p=..$salt$hash
    salts = {strong[name].password_hash.split("$")[4] for name in ("bob", "carol")}
    assert len(salts) == 2
    for name in ("bob", "carol"):
        assert CHEAP_HASH.verify("same-password-1", strong[name].password_hash)
        assert log_in(fixed, name, "same-password-1")


def test_shipped_hashes_record_argon2id_at_the_production_hashers_cost() -> None:
    """The demo hashes say argon2id at argon2-cffi's defaults, the cost the app's hasher uses."""
    defaults = argon2.PasswordHasher()
    params = f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}"
    (hasher,) = fixed_module.password_hash.hashers
    for digest in fixed_module.DEMO_HASHES.values():
        assert digest.startswith(f"$argon2id$v=19${params}$"), digest
        # No hashing needed: this compares the parameters recorded in the hash with the
        # hasher's own, as pwdlib's verify_and_update() does to decide on re-hashing.
        assert not hasher.check_needs_rehash(digest)
    assert CHEAP_HASH.hashers[0].check_needs_rehash(fixed_module.DEMO_HASHES["alice"])
    # Tests swap in CHEAP_HASH through this dependency; unswapped, it is the real hasher.
    assert fixed_module.get_password_hash() is fixed_module.password_hash
    # OWASP Password Storage Cheat Sheet: argon2id with at least 19 MiB and 2 passes.
    assert defaults.memory_cost >= 19 * 1024
    assert defaults.time_cost >= 2


def test_tests_hash_with_argon2id_at_the_minimum_cost(fixed: TestClient) -> None:
    """Under test, a sign-up stores argon2id at 1 MiB, 1 pass, 1 lane (CHEAP_HASH)."""
    new_user = {"username": "bob", "password": "bobs-password-1"}
    assert fixed.post("/signup", json=new_user).status_code == 201
    stored = fixed_module.USERS["bob"].password_hash
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$"), stored
    for name in fixed_module.DEMO_PASSWORDS:  # the conftest re-hashes the demo users too
        assert fixed_module.USERS[name].password_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


# --- Input limits, literal: a change to a limit must show up here -----------------------------
@pytest.mark.parametrize(
    ("field", "length", "status"),
    [
        ("username", 2, 422),
        ("username", 3, 201),
        ("username", 32, 201),
        ("username", 33, 422),
        ("password", 7, 422),
        ("password", 8, 201),
        ("password", 128, 201),
        ("password", 129, 422),
    ],
)
def test_signup_takes_usernames_of_3_to_32_and_passwords_of_8_to_128_characters(
    fixed: TestClient, field: str, length: int, status: int
) -> None:
    """Sign-up: username 3-32 characters of [a-z0-9_], password 8-128; one outside is a 422."""
    body = {"username": "bob", "password": "bobs-password-1", field: "b" * length}
    response = fixed.post("/signup", json=body)
    assert response.status_code == status, f"{field} of {length} characters: {response.text}"
    if status == 422:
        assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]


@pytest.mark.parametrize(
    ("field", "length", "status"),
    [("username", 64, 401), ("username", 65, 422), ("password", 128, 401), ("password", 129, 422)],
)
def test_login_caps_usernames_at_64_and_passwords_at_128_characters(
    fixed: TestClient, field: str, length: int, status: int
) -> None:
    """Login: a longer username or password is a 422 before any hashing; at the cap, a 401."""
    body = {"username": "alice", "password": "wrong-password", field: "b" * length}
    response = fixed.post("/login", json=body)
    assert response.status_code == status, f"{field} of {length} characters: {response.text}"
    if status == 422:
        assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]


def test_openapi_publishes_the_same_literal_limits() -> None:
    """The schema documents the limits: SignupIn 3-32 / 8-128, LoginIn at most 64 / 128."""
    schemas = fixed_module.app.openapi()["components"]["schemas"]

    def limits(model: str) -> dict[str, tuple[int | None, int | None]]:
        fields = schemas[model]["properties"]
        return {name: (f.get("minLength"), f.get("maxLength")) for name, f in fields.items()}

    assert limits("SignupIn") == {"username": (3, 32), "password": (8, 128)}
    assert schemas["SignupIn"]["properties"]["username"]["pattern"] == "^[a-z0-9_]+$"
    assert limits("LoginIn") == {"username": (None, 64), "password": (None, 128)}
