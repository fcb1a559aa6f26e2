"""Lesson 37 fixtures: a fresh database per test, and an empty naive store."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, delete, event
from sqlalchemy.orm import Session, sessionmaker

from lessons.testkit import isolated_database

from . import database as database_module
from . import naive
from .app import app
from .database import get_session_factory, session_factory
from .models import Base, User


@dataclass
class Database:
    """The test's database and the app's session factory bound to it."""

    engine: Engine
    factory: sessionmaker[Session]

    def reset(self) -> None:
        """Delete every user. Ids are not reset: they are never handed out twice."""
        with self.factory.begin() as session:
            session.execute(delete(User))


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A fresh database (SQLite file, or PostgreSQL when LESSONS_DATABASE_URL is set)."""
    with isolated_database(tmp_path) as url:
        # `with TestClient(app)` runs the lifespan, which builds an engine from DATABASE_URL:
        # point that at the test database too, so no test ever touches the default file.
        monkeypatch.setattr(database_module, "DATABASE_URL", url)
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            # Tests need no crash safety: without the fsync per COMMIT a commit takes well
            # under a millisecond instead of ~10 ms. Nothing the tests observe changes.
            @event.listens_for(engine, "connect")
            def no_fsync(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute("PRAGMA synchronous = OFF")

        Base.metadata.create_all(engine)
        db = Database(engine=engine, factory=session_factory(engine))
        app.dependency_overrides[get_session_factory] = lambda: db.factory
        try:
            yield db
        finally:
            app.dependency_overrides.clear()
            engine.dispose()


@pytest.fixture(autouse=True)
def empty_naive_store() -> Iterator[None]:
    """The naive app keeps users in a module-level dict: empty it around every test."""
    naive.users.clear()
    yield
    naive.users.clear()
