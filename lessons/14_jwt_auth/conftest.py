"""Fixtures for lesson 14: isolated state, cheap hashing, a fake clock."""

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from . import app as lesson
from .support import FAST_HASHER, FakeClock


@pytest.fixture(autouse=True)
def isolated_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Give every test its own users, deny-list and hasher, and no dependency overrides."""
    monkeypatch.setattr(lesson, "password_hash", FAST_HASHER)
    # The dummy hash must come from the hasher in use, or unknown users would cost less.
    monkeypatch.setattr(lesson, "DUMMY_HASH", FAST_HASHER.hash(secrets.token_urlsafe(32)))
    monkeypatch.setattr(lesson, "USERS", dict(lesson.USERS))
    monkeypatch.setattr(lesson, "REVOKED_JTIS", set())
    yield
    lesson.app.dependency_overrides.clear()


@pytest.fixture
def clock() -> FakeClock:
    """Install a fake clock, at a whole second (JWTs store times as whole seconds)."""
    fake = FakeClock(datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC))
    lesson.app.dependency_overrides[lesson.get_now] = fake
    return fake
