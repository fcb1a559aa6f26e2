"""Lesson 18: a synchronous SQLAlchemy 2.0 database behind FastAPI.

Serve it with:  uvicorn "lessons.18_databases.app:app" --reload
The data lives in a SQLite file in the temp directory; set LESSON_18_DATABASE_URL to use
another database, e.g. postgresql+psycopg://user@host/dbname.
"""

import os
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, status
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from .models import EMAIL_LENGTH, NAME_LENGTH, TITLE_LENGTH, Author, Base, Book

DEFAULT_DATABASE_URL = f"sqlite:///{FilePath(tempfile.gettempdir()) / 'fastapi-lessons-18.db'}"
DATABASE_URL = os.environ.get("LESSON_18_DATABASE_URL", DEFAULT_DATABASE_URL)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: after commit() the objects keep their loaded values, so the
    # response model can read them without another SELECT (the session is about to close).
    return sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One engine (and its connection pool) for the whole process, created at startup.
    engine = create_engine(DATABASE_URL)
    Base.metadata.create_all(engine)  # a real project runs migrations instead (lesson 20)
    app.state.session_factory = session_factory(engine)
    try:
        yield
    finally:
        engine.dispose()


app = FastAPI(title="Lesson 18: databases", lifespan=lifespan)


# --- One session per request ------------------------------------------------------------
async def get_session_factory(request: Request) -> sessionmaker[Session]:
    # A dependency of its own, so tests can point the app at their own database by
    # overriding this one function, while the real get_session below still runs.
    # No I/O here, so `async def`: no trip to the thread pool, unlike a `def` dependency.
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def get_session(
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
) -> Iterator[Session]:
    session = factory()
    try:
        yield session
    finally:
        # Always, on success and on error alike. close() ends the session's transaction with
        # a ROLLBACK, so whatever a failed handler wrote and did not commit is undone (no
        # `except: session.rollback()` needed), and gives the connection back to the pool.
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


# --- Schemas: what goes in and what comes out -------------------------------------------
# PostgreSQL cannot store the NUL character in text (SQLite can). Refusing it here gives the
# client the same 422 on both databases instead of a driver error (500) on one of them.
NO_NUL = r"^[^\x00]*$"


class BookIn(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_LENGTH, pattern=NO_NUL)


class AuthorIn(BaseModel):
    name: str = Field(min_length=1, max_length=NAME_LENGTH, pattern=NO_NUL)
    email: EmailStr
    books: list[BookIn] = []


class BookOut(BaseModel):
    # from_attributes: model_validate() may read attributes of an object (an ORM row), not
    # only keys of a dict.
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str


class AuthorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    books: list[BookOut]
    # No api_key here: the column exists, the response simply has no field for it.


class Problem(BaseModel):
    detail: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No author has this id"}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "description": "An author with this email exists already"}
}

# Ids are INTEGER columns: bounding the path parameter keeps huge numbers a 422 instead of
# an overflow inside the database driver.
AuthorId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def new_author(data: AuthorIn) -> Author:
    return Author(
        name=data.name,
        email=data.email,
        books=[Book(title=book.title) for book in data.books],
    )


# --- Routes -----------------------------------------------------------------------------
# Plain `def` routes: the session does blocking I/O, so FastAPI runs them in a worker thread.
@app.post("/authors", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
def create_author(payload: AuthorIn, session: SessionDep) -> AuthorOut:
    author = new_author(payload)
    session.add(author)  # the author and its books: one transaction
    try:
        # Commit here, before the response exists. A commit in get_session's teardown would
        # run after the response was sent (FastAPI >= 0.118), too late to report a failure.
        session.commit()
    except IntegrityError:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Email already registered") from None
    # An ORM object in, the response model out: only AuthorOut's fields reach the client.
    return AuthorOut.model_validate(author)


@app.post(
    "/authors/batch",
    status_code=status.HTTP_201_CREATED,
    response_model=list[AuthorOut],
    responses=CONFLICT,
)
def import_authors(payload: list[AuthorIn], session: SessionDep) -> list[Author]:
    authors = [new_author(item) for item in payload]
    try:
        for author in authors:
            session.add(author)
            session.flush()  # INSERT now, inside the transaction: a duplicate fails here
        session.commit()
    except IntegrityError:
        # All or nothing: the rows flushed before the duplicate are undone too.
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Email already registered") from None
    # Returning ORM objects works too: FastAPI validates them against response_model.
    return authors


@app.get("/authors/{author_id}", response_model=AuthorOut, responses=NOT_FOUND)
def read_author(author_id: AuthorId, session: SessionDep) -> Author:
    author = session.get(Author, author_id)
    if author is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Author not found")
    return author


@app.get("/authors", response_model=list[AuthorOut])
def list_authors(
    session: SessionDep,
    email: Annotated[str | None, Query(max_length=EMAIL_LENGTH, pattern=NO_NUL)] = None,
) -> Sequence[Author]:
    # selectinload: one more SELECT fetches the books of ALL listed authors at once, so the
    # statement count stays 2 however many authors there are.
    query = select(Author).options(selectinload(Author.books)).order_by(Author.id)
    if email is not None:
        # A bound parameter: the value travels separately from the SQL text, so no input
        # can change what the query means.
        query = query.where(Author.email == email)
    return session.scalars(query).all()


@app.get("/lazy/authors", response_model=list[AuthorOut])
def list_authors_lazily(session: SessionDep) -> Sequence[Author]:
    # The N+1 trap, kept to be measured: this loads the authors only. Serialising each
    # author's `books` then lazy-loads them with one more SELECT per author.
    return session.scalars(select(Author).order_by(Author.id)).all()
