"""Lesson 17 variant: an app whose startup fails, so it never serves a single request.

Try it:  uvicorn "lessons.17_lifespan.broken_app:app"   (exits with an error)
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI


async def connect_to_database() -> None:
    # A real app would open its pool here; this database is never reachable.
    raise ConnectionRefusedError("database at db.invalid:5432 refused the connection")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Failing here is the point: better no server than a server whose every request fails.
    await connect_to_database()
    yield  # pragma: no cover - never reached: connecting always fails, which is the point


app = FastAPI(title="Lesson 17: a startup that fails", lifespan=lifespan)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
