"""Lesson 33: liveness and readiness probes, with per-check timeouts.

Serve it with:  uvicorn "lessons.33_health_checks.app:app"
Then:           curl -i http://127.0.0.1:8000/health/live
                curl -i http://127.0.0.1:8000/health/ready
Point it at a database with DATABASE_URL=sqlite+aiosqlite:///path/to/file.db
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

logger = logging.getLogger("lessons.health")

# A check is a coroutine that returns when its component works and raises when it does not.
Check = Callable[[], Awaitable[None]]
CheckResult = Literal["ok", "failed", "timeout"]

# NullPool: every probe opens a fresh connection, so "ready" means "a new connection works
# now", not "a pooled connection worked once". The default is an in-memory database.
engine = create_async_engine(
    os.environ.get("DATABASE_URL", "sqlite+aiosqlite://"), poolclass=NullPool
)


# --- Dependencies (tests override these: a broken engine, fake checks, a tiny timeout) ------
def get_engine() -> AsyncEngine:
    return engine


def get_check_timeout() -> float:
    """Seconds each readiness check may take. Keep it below the orchestrator's probe timeout."""
    return 1.0


def get_checks(db: Annotated[AsyncEngine, Depends(get_engine)]) -> dict[str, Check]:
    """The components readiness depends on, by the name a failing one is reported under."""

    async def database() -> None:
        async with db.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return {"database": database}


# --- Schemas --------------------------------------------------------------------------------
class Liveness(BaseModel):
    status: Literal["alive"]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, CheckResult]


app = FastAPI(title="Lesson 33: health checks")


# --- Liveness: "is this process able to answer at all?" -------------------------------------
# No dependencies, no I/O. If liveness checked the database, a database outage would make
# the orchestrator restart every healthy replica, which fixes nothing and adds load.
@app.get("/health/live")
async def live() -> Liveness:
    return Liveness(status="alive")


# --- Readiness: "should traffic be sent to this replica right now?" -------------------------
async def run_check(name: str, check: Check, time_limit: float) -> CheckResult:
    try:
        # The timeout cancels the check when time is up: a hung database cannot hang the probe.
        async with asyncio.timeout(time_limit):
            await check()
    except TimeoutError:
        logger.warning("readiness check %r timed out after %s s", name, time_limit)
        return "timeout"
    except Exception:
        # The reason goes to the log, not to the (often public) response body.
        logger.exception("readiness check %r failed", name)
        return "failed"
    return "ok"


@app.get(
    "/health/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A component failed or timed out (named)"}},
)
async def ready(
    checks: Annotated[dict[str, Check], Depends(get_checks)],
    time_limit: Annotated[float, Depends(get_check_timeout)],
) -> JSONResponse:
    # All checks run at the same time: the probe takes as long as the slowest check (at most
    # `time_limit`), not the sum of them.
    names = list(checks)
    results = await asyncio.gather(*(run_check(n, checks[n], time_limit) for n in names))
    report = dict(zip(names, results, strict=True))
    healthy = all(result == "ok" for result in results)
    body = Readiness(status="ready" if healthy else "unavailable", checks=report)
    return JSONResponse(body.model_dump(), status_code=200 if healthy else 503)
