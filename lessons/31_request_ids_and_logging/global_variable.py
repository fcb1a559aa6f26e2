"""The bug a ContextVar prevents: the current request's ID kept in a module-level variable.

Every request of the process shares the variable, so a request that pauses at an `await`
can come back to find another request's ID in it.
"""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import Depends, FastAPI, Request, Response

app = FastAPI(title="Lesson 31: a request ID in a global variable (wrong)")
current_request_id = "-"


@app.middleware("http")
async def remember_request_id(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    global current_request_id
    current_request_id = request.headers.get("x-request-id", "-")
    return await call_next(request)


async def pause() -> None:
    await asyncio.sleep(0)  # stands in for awaiting a database: other requests run here


def get_pause() -> Callable[[], Awaitable[None]]:
    return pause


@app.get("/whoami")
async def whoami(wait: Callable[[], Awaitable[None]] = Depends(get_pause)) -> dict[str, str]:
    await wait()
    return {"request_id": current_request_id}
