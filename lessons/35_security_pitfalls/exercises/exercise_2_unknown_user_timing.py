"""Make a login for an unknown username cost the same as a wrong password.

In app.py's login(), an unknown username is answered at once, while a known one with a
wrong password waits for Argon2: the response time tells an attacker which usernames
exist. Make the unknown-user path do the same Argon2 work, through the injected hasher,
without changing any response.
"""

from fastapi.testclient import TestClient
from pwdlib import PasswordHash

from .. import app as fixed_module
from ..support import CHEAP_HASH

HINT: str = (
    "Verify the submitted password against a fixed, valid Argon2 hash when the user does "
    "not exist, and ignore the result. Made once (not per request), with the production "
    "hasher's parameters, it costs exactly what a real check costs."
)


class CountingHash(PasswordHash):
    """CHEAP_HASH that counts its Argon2 runs (hash or verify): the work a login does."""

    def __init__(self) -> None:
        super().__init__(CHEAP_HASH.hashers)
        self.runs = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.runs += 1
        return super().hash(password, salt=salt)

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        self.runs += 1
        return super().verify(password, hash)


def argon2_runs_for(client: TestClient, username: str) -> tuple[int, int, dict[str, str]]:
    """Status, Argon2 runs and body of one failed login attempt for `username`."""
    counter = CountingHash()
    fixed_module.app.dependency_overrides[fixed_module.get_password_hash] = lambda: counter
    response = client.post("/login", json={"username": username, "password": "wrong-guess"})
    return response.status_code, counter.runs, response.json()


def test_unknown_username_costs_one_argon2_run_like_a_wrong_password(fixed: TestClient) -> None:
    """Wrong password and unknown user: same 401, same body, and one Argon2 run each."""
    known = argon2_runs_for(fixed, "alice")
    unknown = argon2_runs_for(fixed, "nobody-by-that-name")
    assert known == (401, 1, {"detail": "Incorrect username or password"})
    assert unknown == known, "an unknown user must look (and take) the same"
