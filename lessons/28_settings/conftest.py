"""Fixtures for lesson 28: every test starts from a clean, known configuration.

Settings come from the process environment, the working directory's `.env` and a cache
that outlives any single test, so each test gets all three reset: no APP_* variable (or
the seed's unprefixed ones), an empty temporary working directory, an empty cache, and no
dependency overrides left behind.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import seed_style
from .app import app, get_settings

SEED_VARIABLES = {"DATABASE_URL", "JWT_SECRET"}


@pytest.fixture(autouse=True)
def clean_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A test starts with no settings in the environment, in an empty directory, uncached."""
    for name in list(os.environ):
        # Names are matched case-insensitively, as pydantic-settings reads them.
        if name.upper().startswith("APP_") or name.upper() in SEED_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # so no stray .env from the checkout is read
    get_settings.cache_clear()
    seed_style.get_seed_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
    seed_style.get_seed_settings.cache_clear()
    app.dependency_overrides.clear()


@pytest.fixture
def no_env_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read environment variables only: no demo.env, no .env (what a strict deploy does)."""
    monkeypatch.setenv("APP_ENV_FILE", "")


@pytest.fixture
def required(monkeypatch: pytest.MonkeyPatch, no_env_files: None) -> dict[str, str]:
    """The two required settings, set as environment variables; returns their values."""
    values = {
        "APP_DATABASE_URL": "postgresql://notes:db-password-4711@db.internal/notes",
        "APP_JWT_SECRET": "jwt-secret-from-the-test-0815",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values
