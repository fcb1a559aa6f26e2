"""Test support for lesson 14, shared by conftest.py, the test modules and the exercises."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from . import app as lesson

# What the app made at import with its production parameters. This module is imported
# while pytest collects, before any fixture swaps the hasher (see FAST_HASHER), so
# test_passwords.py can check the real cost parameters on it.
PRODUCTION_DUMMY_HASH = lesson.DUMMY_HASH

# Argon2 is slow on purpose: with the app's production parameters one hash or verify takes
# 0.1-0.2 s on an idle machine (close to a second on a busy CI runner), and these tests log
# in dozens of times, Hypothesis many more. So the tests swap in the same algorithm,
# Argon2id, at a tiny cost (1 MiB, 1 pass, 1 lane: under a millisecond). Only the cost
# changes, not what is under test: salts, verification and the hash format stay the same.
# Never do this outside tests: the cost is what protects stolen hashes from guessing.
FAST_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@dataclass
class FakeClock:
    """A clock the test moves by hand; the app reads it through the get_now dependency."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class Reply(Protocol):
    """The parts of a test-client response the tests read (httpx or httpx2 alike: Starlette
    1.x's TestClient is built on httpx2, older versions on httpx)."""

    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    def json(self) -> Any: ...


def sign_up(
    client: TestClient, username: str, password: str, *, full_name: str = "Test User"
) -> None:
    """Register a user with POST /users; the test fails unless the app answers 201."""
    body = {"username": username, "full_name": full_name, "password": password}
    response = client.post("/users", json=body)
    assert response.status_code == 201, response.text


def log_in(client: TestClient, username: str, password: str) -> dict[str, str]:
    """Log in with POST /token (form fields) and return the token pair it answers.

    The keys are access_token, refresh_token and token_type; the test fails unless 200.
    """
    response = client.post("/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def bearer(token: str) -> dict[str, str]:
    """The request header that presents `token` as a bearer token."""
    return {"Authorization": f"Bearer {token}"}
