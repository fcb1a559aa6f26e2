"""Fixtures for lesson 35: fresh user tables, cheap Argon2, a hand-moved clock, clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from . import app as fixed_module
from . import vulnerable as vulnerable_module
from .support import CHEAP_HASH, FakeClock


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    """Demo users only, no failed logins, cheap hashing; overrides removed afterwards."""
    vulnerable_module.reset_users()
    cheap = {name: CHEAP_HASH.hash(pw) for name, pw in fixed_module.DEMO_PASSWORDS.items()}
    fixed_module.reset_users(cheap)
    fixed_module.FAILED_LOGINS.clear()
    fixed_module.app.dependency_overrides[fixed_module.get_password_hash] = lambda: CHEAP_HASH
    yield
    fixed_module.app.dependency_overrides.clear()
    vulnerable_module.app.dependency_overrides.clear()
    fixed_module.FAILED_LOGINS.clear()


@pytest.fixture
def clock() -> FakeClock:
    """The fixed app's login clock, moved by hand (it starts at an arbitrary 1000.0 s)."""
    fake = FakeClock(1000.0)
    fixed_module.app.dependency_overrides[fixed_module.get_clock] = fake
    return fake


@pytest.fixture
def vulnerable() -> Iterator[TestClient]:
    """A client for the vulnerable app (its own cookie jar, closed afterwards)."""
    with TestClient(vulnerable_module.app) as client:
        yield client


@pytest.fixture
def fixed() -> Iterator[TestClient]:
    """A client for the fixed app (its own cookie jar, closed afterwards)."""
    with TestClient(fixed_module.app) as client:
        yield client
