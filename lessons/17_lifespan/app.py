"""Lesson 17: lifespan, the code that runs once before the first request and once after the last.

Serve it with:  uvicorn "lessons.17_lifespan.app:app" --reload
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, TypedDict

from fastapi import FastAPI, Query, Request

# Uvicorn configures this logger, so these lines appear in its output with no logging setup.
logger = logging.getLogger("uvicorn.error")

# What happened, in order: the tests read it to see when startup and shutdown ran.
events: list[str] = []


class ConnectionPool:
    """Stands in for a database pool or an HTTP client: opened once, shared, closed once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.is_open = False

    async def open(self) -> None:
        self.is_open = True

    async def close(self) -> None:
        self.is_open = False


def load_model() -> dict[str, float]:
    """Stands in for loading an ML model or a large lookup table: slow, so done once."""
    return {"good": 1.0, "great": 2.0, "bad": -1.0, "awful": -2.0}


class LifespanState(TypedDict):
    model: dict[str, float]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[LifespanState]:
    # Startup: runs before the server accepts the first request.
    pool = ConnectionPool(size=5)
    await pool.open()
    # Style 1: app.state, reachable from a request as request.app.state.pool.
    app.state.pool = pool
    events.append("startup")
    logger.info("lesson 17: startup done, pool open")
    try:
        # Style 2: the yielded dict is the lifespan state; every request gets a shallow
        # copy of it as request.state.
        yield {"model": load_model()}
    finally:
        # Shutdown: runs after the last request has been answered.
        await pool.close()
        del app.state.pool  # nothing stale outlives the app: a closed pool is no resource
        events.append("shutdown")
        logger.info("lesson 17: shutdown done, pool closed")


app = FastAPI(title="Lesson 17: lifespan", lifespan=lifespan)


@app.get("/health")
def health() -> dict[str, str]:
    # Needs no resource, so it answers even when the lifespan never ran.
    return {"status": "ok"}


@app.get("/sentiment")
def sentiment(
    text: Annotated[str, Query(min_length=1, max_length=200)], request: Request
) -> dict[str, float | bool]:
    pool: ConnectionPool = request.app.state.pool
    model: dict[str, float] = request.state.model
    events.append("request: /sentiment")
    score = sum(model.get(word, 0.0) for word in text.lower().split())
    return {"score": score, "pool_open": pool.is_open}
