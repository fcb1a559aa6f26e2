"""Fixtures for lesson 15: every test starts from the demo data, with no tokens issued."""

from collections.abc import Iterator

import pytest

from . import app as lesson


@pytest.fixture(autouse=True)
def isolated_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fresh copies of users, articles, notes and sessions, and no dependency overrides."""
    monkeypatch.setattr(lesson, "USERS", {k: v.model_copy() for k, v in lesson.USERS.items()})
    monkeypatch.setattr(lesson, "ARTICLES", {k: v.model_copy() for k, v in lesson.ARTICLES.items()})
    monkeypatch.setattr(lesson, "NOTES", {k: v.model_copy() for k, v in lesson.NOTES.items()})
    monkeypatch.setattr(lesson, "SESSIONS", {})
    yield
    lesson.app.dependency_overrides.clear()
