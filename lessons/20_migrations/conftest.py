"""Lesson 20 fixtures: a fresh, empty database per test and Alembic configured for it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.config import Config

from lessons.testkit import isolated_database

from .migrate import DATABASE_URL_ENV, alembic_config


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database of its own (SQLite file or PostgreSQL); the app is pointed at it."""
    with isolated_database(tmp_path) as url:
        monkeypatch.setenv(DATABASE_URL_ENV, url)
        yield url


@pytest.fixture
def config(database_url: str) -> Config:
    """Alembic's configuration (the lesson's alembic.ini) aimed at the test's database."""
    return alembic_config(database_url)
