"""Test helpers for lesson 35: cheap Argon2, a hand-moved clock, logging in, cookies."""

from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

# The production cost (64 MiB, 3 passes) takes tens of milliseconds per hash: right for a
# server, too slow for a test suite that hashes dozens of times. Same algorithm, same salts,
# minimal cost. (A hash records its own parameters, so verifying needs no matching hasher.)
CHEAP_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


class FakeClock:
    """A clock the test moves by hand: `clock()` reads it, `clock.advance(s)` moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def log_in(client: TestClient, username: str, password: str) -> str:
    """Log in and return the session token from the Set-Cookie header."""
    response = client.post("/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.cookies["session"]


def with_session(token: str, **headers: str) -> dict[str, str]:
    """Request headers carrying `token` as the session cookie, as a browser would send it."""
    return {"Cookie": f"session={token}", **headers}
