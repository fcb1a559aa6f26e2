"""Lesson 07: a teardown that waits for a signal, to observe teardown on a real server.

Serve it with:  uvicorn "lessons.07_dependencies.slow_teardown:app"

GET /slow depends on a `yield` dependency whose teardown parks until POST /release opens
a gate. /release answers with the events that had happened while teardown was parked,
so a client can see whether the response of /slow went out before teardown finished.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI

from .app import EVENTS, RecordResponseSent

app = FastAPI(title="Lesson 07: slow teardown on a real server")
app.add_middleware(RecordResponseSent)

# One experiment per server process: the test starts a fresh Uvicorn for each.
teardown_parked = asyncio.Event()
gate_open = asyncio.Event()
teardown_finished = asyncio.Event()
WAIT_LIMIT = 10.0  # seconds; only reached if the experiment goes wrong, never a sleep


async def parks_in_teardown() -> AsyncIterator[None]:
    yield
    EVENTS.append("teardown: parked at the gate")
    teardown_parked.set()
    await asyncio.wait_for(gate_open.wait(), WAIT_LIMIT)
    EVENTS.append("teardown: finished")
    teardown_finished.set()


@app.get("/slow")
async def slow(_: Annotated[None, Depends(parks_in_teardown)]) -> dict[str, str]:
    return {"status": "handler finished"}


@app.post("/release")
async def release() -> dict[str, list[str]]:
    await asyncio.wait_for(teardown_parked.wait(), WAIT_LIMIT)
    while_parked = list(EVENTS)  # everything that happened before the gate opened
    gate_open.set()
    await asyncio.wait_for(teardown_finished.wait(), WAIT_LIMIT)
    return {"while_parked": while_parked, "after_release": list(EVENTS)}
