"""Lesson 18 fixtures: every test gets its own empty database, wired in through an override."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, QueuePool, create_engine, delete, event
from sqlalchemy.orm import Session, sessionmaker

from lessons.testkit import isolated_database

from .app import app, get_session_factory, session_factory
from .models import Author, Base, Book


@dataclass
class Database:
    """The test's database: its engine, the app's session factory for it, and a SQL log."""

    engine: Engine
    factory: sessionmaker[Session]
    statements: list[str] = field(default_factory=list)

    def selects(self) -> list[str]:
        """The SELECT statements sent to the database since the log was last cleared."""
        return [s for s in self.statements if s.lstrip().upper().startswith("SELECT")]

    def inserts(self, table: str) -> list[str]:
        """The INSERT statements into `table` since the log was last cleared."""
        prefix = f"INSERT INTO {table} "
        return [s for s in self.statements if s.lstrip().upper().startswith(prefix.upper())]

    def connections_in_use(self) -> int:
        """Connections checked out of the engine's pool right now (0 = none leaked)."""
        assert isinstance(self.engine.pool, QueuePool)
        return self.engine.pool.checkedout()

    def reset(self) -> None:
        """Delete every row (for Hypothesis examples that share one test's database)."""
        with self.factory.begin() as session:
            session.execute(delete(Book))
            session.execute(delete(Author))
        self.statements.clear()

    def count(self, model: type[Base]) -> int:
        """How many rows `model`'s table holds, read through a session of its own."""
        with self.factory() as session:
            return len(session.scalars(Base.metadata.tables[model.__tablename__].select()).all())


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A fresh database (SQLite file, or PostgreSQL when LESSONS_DATABASE_URL is set)."""
    with isolated_database(tmp_path) as url:
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            # Tests need no crash safety: skipping the fsync at each COMMIT makes a commit
            # take well under a millisecond instead of ~10 ms. Nothing else changes.
            @event.listens_for(engine, "connect")
            def no_fsync(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute("PRAGMA synchronous = OFF")

        Base.metadata.create_all(engine)
        db = Database(engine=engine, factory=session_factory(engine))

        # Count what the app sends to the database: every statement passes through here.
        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            db.statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        app.dependency_overrides[get_session_factory] = lambda: db.factory
        try:
            yield db
        finally:
            app.dependency_overrides.clear()
            engine.dispose()
