"""Lesson 19: SQLAlchemy 2.0 with asyncio: an async engine, AsyncSession and eager loading.

Serve it with:  uvicorn "lessons.19_async_databases.app:app" --reload
The database is a SQLite file in the system temp directory unless LESSON19_DATABASE_URL
names another async URL (sqlite+aiosqlite:///... or postgresql+psycopg://...).
"""

import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi import Path as PathParam
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncAttrs,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload

DATABASE_URL_ENV = "LESSON19_DATABASE_URL"


def database_url() -> str:
    """The async database URL: the environment's, or a SQLite file outside the checkout."""
    default_file = Path(tempfile.gettempdir()) / "fastapi-lessons-19.db"
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite+aiosqlite:///{default_file}"


# --- Models: SQLAlchemy 2.0 style, typed with Mapped[...] -----------------------------------


# AsyncAttrs adds `obj.awaitable_attrs.<name>`: an awaitable way to load one attribute.
class Base(AsyncAttrs, DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # The default loader is "lazy": the books are fetched the first time someone reads
    # `author.books`. Under asyncio that read cannot do I/O, so it raises instead (see tests).
    books: Mapped[list["Book"]] = relationship(back_populates="author", order_by="Book.id")


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")


# --- Schemas ---------------------------------------------------------------------------------


def storable(text: str) -> str:
    # PostgreSQL text cannot hold NUL (SQLite can). Refusing it here makes it a 422 on
    # every backend instead of a driver error (500) on one.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


class AuthorIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(storable)]


class BookIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(storable)]


# The handlers return ORM objects, and no model_config = ConfigDict(from_attributes=True) is
# needed: FastAPI validates a return value against response_model with from_attributes on
# (lesson 18). Your own AuthorOut.model_validate(author) would need it.
class BookOut(BaseModel):
    id: int
    title: str
    author_id: int


class AuthorOut(BaseModel):
    id: int
    name: str


class AuthorWithBooks(AuthorOut):
    books: list[BookOut]


class Detail(BaseModel):
    detail: str


# Ids are INTEGER columns: a larger number is a 422, not an overflow error inside the driver.
AuthorId = Annotated[int, PathParam(ge=1, le=2_147_483_647)]


# --- The engine lives in the lifespan, a session lives for one request ----------------------


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One engine (and its connection pool) per process, created at startup, not at import:
    # importing the module does no I/O, and the URL is read when the app starts.
    engine = create_async_engine(database_url())
    async with engine.begin() as connection:
        # create_all is enough for a lesson; a real app runs migrations (lesson 20).
        await connection.run_sync(Base.metadata.create_all)
    app.state.engine = engine
    # expire_on_commit=False: after commit, objects keep the values they had, so building
    # the response from them needs no new query (which async code cannot do implicitly).
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    try:
        yield
    finally:
        del app.state.sessionmaker, app.state.engine
        await engine.dispose()  # close the pooled connections


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker: async_sessionmaker[AsyncSession] | None = getattr(
        request.app.state, "sessionmaker", None
    )
    if sessionmaker is None:
        # Without the lifespan there is no engine: say so instead of an AttributeError (500).
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "database not started")
    # `async with` closes the session (and returns its connection) after the response,
    # also when the handler raised.
    async with sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]

app = FastAPI(
    title="Lesson 19: async databases",
    lifespan=lifespan,
    responses={503: {"model": Detail, "description": "The database was not started"}},
)


@app.post(
    "/authors",
    status_code=status.HTTP_201_CREATED,
    response_model=AuthorOut,
    responses={409: {"model": Detail, "description": "The name is taken"}},
)
async def create_author(payload: AuthorIn, session: SessionDep) -> Author:
    author = Author(name=payload.name)
    session.add(author)
    # Commit here, before returning: a failed commit becomes this response (409), and the
    # client never hears "created" for a row that was not saved.
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "an author with this name exists") from None
    return author


@app.get("/authors", response_model=list[AuthorWithBooks])
async def list_authors(session: SessionDep) -> Sequence[Author]:
    # selectinload: one more query fetches the books of every author on the page, so the
    # response never touches an unloaded relationship (and there is no N+1).
    query = select(Author).options(selectinload(Author.books)).order_by(Author.id)
    return (await session.scalars(query)).all()


@app.get(
    "/authors/{author_id}",
    response_model=AuthorWithBooks,
    responses={404: {"model": Detail, "description": "No such author"}},
)
async def read_author(author_id: AuthorId, session: SessionDep) -> Author:
    query = select(Author).where(Author.id == author_id).options(selectinload(Author.books))
    author = await session.scalar(query)
    if author is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "author not found")
    return author


@app.post(
    "/authors/{author_id}/books",
    status_code=status.HTTP_201_CREATED,
    response_model=BookOut,
    responses={404: {"model": Detail, "description": "No such author"}},
)
async def add_book(author_id: AuthorId, payload: BookIn, session: SessionDep) -> Book:
    if await session.get(Author, author_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "author not found")
    book = Book(title=payload.title, author_id=author_id)
    session.add(book)
    await session.commit()
    return book
