"""Engine, sessions and the per-request session dependency."""

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from .models import Base

DEFAULT_DATABASE_URL = f"sqlite:///{Path(tempfile.gettempdir()) / 'fastapi-lessons-37.db'}"
DATABASE_URL = os.environ.get("LESSON_37_DATABASE_URL", DEFAULT_DATABASE_URL)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: committed objects keep their values for the response.
    return sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = create_engine(DATABASE_URL)
    Base.metadata.create_all(engine)  # a real project runs migrations (lesson 20)
    app.state.session_factory = session_factory(engine)
    try:
        yield
    finally:
        engine.dispose()


# No I/O in here, so `async def`: FastAPI calls it directly instead of handing it to the
# thread pool, which every sync (`def`) dependency costs.
async def get_session_factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def get_session(
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
) -> Iterator[Session]:
    # One session per request; closing it rolls back anything not committed, on any error.
    with factory() as session:
        yield session
