"""Lesson 20: a small task API whose schema is created and changed only by Alembic migrations.

Serve it with:  uvicorn "lessons.20_migrations.app:app" --reload
Migrate by hand (from the repository root):
    alembic -c lessons/20_migrations/alembic.ini upgrade head
The database is a SQLite file in the system temp directory unless LESSON20_DATABASE_URL is set.
"""

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request, status
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from .migrate import database_url, upgrade
from .models import Task


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    url = database_url()
    # Migrating at startup makes `uvicorn ...` work on an empty database with no extra step.
    # With several processes or replicas, run `alembic upgrade head` once, as its own
    # deployment step, instead: concurrent upgrades of one database race each other.
    await run_in_threadpool(upgrade, url)  # Alembic is synchronous: keep it off the loop
    engine = create_engine(url)
    app.state.sessionmaker = sessionmaker(engine)
    try:
        yield
    finally:
        del app.state.sessionmaker
        engine.dispose()


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def no_nul(text: str) -> str:
    # PostgreSQL text cannot hold NUL: a 422 here instead of a driver error (500).
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


class TaskIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(no_nul)]
    done: bool = False


# No from_attributes needed: FastAPI validates what a route returns against its response_model
# reading attributes itself, so the Task objects below come out as TaskOut.
class TaskOut(BaseModel):
    id: int
    title: str
    done: bool


app = FastAPI(title="Lesson 20: migrations", lifespan=lifespan)


@app.post("/tasks", status_code=status.HTTP_201_CREATED, response_model=TaskOut)
def create_task(payload: TaskIn, session: SessionDep) -> Task:
    task = Task(title=payload.title, done=payload.done)
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@app.get("/tasks", response_model=list[TaskOut])
def list_tasks(session: SessionDep) -> Sequence[Task]:
    return session.scalars(select(Task).order_by(Task.id)).all()
