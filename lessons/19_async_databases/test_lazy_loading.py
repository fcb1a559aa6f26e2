"""Lesson 19 claims: why async code cannot lazy-load, and the three ways around it.

These tests use the models and a bare AsyncEngine, no HTTP: the error is SQLAlchemy's.
"""

from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import MissingGreenlet, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import selectinload

from .app import Author, Book
from .conftest import DROPPED_CURSOR

# Every implicit load under asyncio fails with this message.
NO_IMPLICIT_IO = "greenlet_spawn has not been called"


async def add_author_with_books(engine: AsyncEngine, name: str, *titles: str) -> int:
    """Store an author and their books in a session of its own; return the author's id."""
    async with async_sessionmaker(engine)() as session:
        author = Author(name=name, books=[Book(title=title) for title in titles])
        session.add(author)
        await session.flush()  # sends the INSERTs, so the database has assigned the id
        author_id = author.id
        await session.commit()
    return author_id


def record_statements(engine: AsyncEngine) -> list[str]:
    statements: list[str] = []

    def record(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    return statements


@pytest.mark.asyncio
@pytest.mark.filterwarnings(DROPPED_CURSOR)
@pytest.mark.usefixtures("collect_dropped_coroutines")
async def test_reading_an_attribute_after_commit_raises_with_the_default_sessionmaker(
    engine: AsyncEngine,
) -> None:
    """expire_on_commit=True (the default) expires every object; the next read needs I/O."""
    async with async_sessionmaker(engine)() as session:
        author = Author(name="Ada")
        session.add(author)
        await session.commit()
        with pytest.raises(StatementError, match=NO_IMPLICIT_IO) as caught:
            _ = author.name  # a plain attribute read: it would have to SELECT the row again
        # SQLAlchemy wraps the MissingGreenlet in a StatementError naming the query it
        # was about to send: here, the SELECT that would reload the expired row.
        assert isinstance(caught.value.orig, MissingGreenlet)
        assert "FROM authors" in str(caught.value.statement)


@pytest.mark.asyncio
async def test_refresh_reloads_an_expired_object_with_an_await(engine: AsyncEngine) -> None:
    """`await session.refresh(obj)` does the reload explicitly, so reading works again."""
    async with async_sessionmaker(engine)() as session:
        author = Author(name="Ada")
        session.add(author)
        await session.commit()
        await session.refresh(author)
        assert author.name == "Ada"


@pytest.mark.asyncio
async def test_expire_on_commit_false_keeps_values_readable_after_commit(
    engine: AsyncEngine,
) -> None:
    """With expire_on_commit=False the committed object keeps its values: no query needed."""
    statements = record_statements(engine)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        author = Author(name="Ada")
        session.add(author)
        await session.commit()
        issued = len(statements)
        assert (author.id, author.name) == (author.id, "Ada")
        assert isinstance(author.id, int)
        assert len(statements) == issued, "reading after commit sent no SQL"


@pytest.mark.asyncio
@pytest.mark.filterwarnings(DROPPED_CURSOR)
@pytest.mark.usefixtures("collect_dropped_coroutines")
async def test_an_unloaded_relationship_raises_even_when_nothing_expired(
    engine: AsyncEngine,
) -> None:
    """expire_on_commit=False is not enough: a relationship never loaded still needs I/O."""
    author_id = await add_author_with_books(engine, "Ada", "Notes")
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        author = await session.get(Author, author_id)
        assert author is not None
        assert author.name == "Ada", "plain columns came with the row"
        with pytest.raises(StatementError, match=NO_IMPLICIT_IO) as caught:
            _ = author.books  # the default lazy loader would SELECT the books now
        assert isinstance(caught.value.orig, MissingGreenlet)
        assert "FROM books" in str(caught.value.statement), "it wanted to run the lazy load"


@pytest.mark.asyncio
async def test_selectinload_loads_the_relationship_with_the_query(engine: AsyncEngine) -> None:
    """selectinload fetches the books while the query is awaited; reading them sends no SQL."""
    author_id = await add_author_with_books(engine, "Ada", "Notes", "Letters")
    statements = record_statements(engine)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        query = select(Author).where(Author.id == author_id).options(selectinload(Author.books))
        author = (await session.scalars(query)).one()
        loaded = len(statements)
        assert [book.title for book in author.books] == ["Notes", "Letters"]
    assert loaded == 2, "one SELECT for the author, one for the books"
    assert len(statements) == loaded, "reading author.books sent no SQL"


@pytest.mark.asyncio
async def test_awaitable_attrs_loads_a_relationship_on_demand(engine: AsyncEngine) -> None:
    """`await obj.awaitable_attrs.books` (the AsyncAttrs mixin) lazy-loads with an await."""
    author_id = await add_author_with_books(engine, "Ada", "Notes")
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        author = await session.get(Author, author_id)
        assert author is not None
        books = await author.awaitable_attrs.books
        assert [book.title for book in books] == ["Notes"]
        assert author.books is books, "loaded once, then an ordinary attribute"
