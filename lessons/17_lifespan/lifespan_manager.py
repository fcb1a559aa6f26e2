"""Run an ASGI app's lifespan around async tests, the way a server does.

`httpx.ASGITransport` only ever sends HTTP requests to the app: it never sends the ASGI
"lifespan" messages, so startup and shutdown never run. `run_lifespan` speaks that part of
the protocol itself and hands back an app that copies the lifespan state into every
request, which is what Uvicorn does. (The asgi-lifespan package offers the same as
`LifespanManager`; this is the whole idea in a few lines, with no extra dependency.)
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class LifespanFailed(RuntimeError):
    """The app reported a failed startup or shutdown without raising the error itself."""


@asynccontextmanager
async def run_lifespan(app: ASGIApp, answer_within: float = 10.0) -> AsyncIterator[ASGIApp]:
    """Start the app's lifespan, yield an app to send requests to, then shut it down."""
    state: dict[str, Any] = {}
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()
    scope: Scope = {
        "type": "lifespan",
        "asgi": {"version": "3.0", "spec_version": "2.0"},
        "state": state,  # the app fills this with what its lifespan yields
    }

    # The app handles the whole lifespan in one long call: it waits for "startup", runs the
    # code before `yield`, answers, waits for "shutdown", runs the code after `yield`.
    async def lifespan_call() -> None:
        await app(scope, to_app.get, from_app.put)

    call = asyncio.create_task(lifespan_call())

    async def exchange(event: str) -> None:
        await to_app.put({"type": f"lifespan.{event}"})
        try:
            answer = await asyncio.wait_for(from_app.get(), answer_within)
        except TimeoutError:
            call.cancel()  # an app that never answers is stopped, not left running
            await asyncio.wait({call})
            raise
        if answer["type"] == f"lifespan.{event}.failed":
            await call  # Starlette re-raises the original error after reporting it
            raise LifespanFailed(answer.get("message", f"{event} failed"))

    # Requests (HTTP or WebSocket) go through this wrapper; the lifespan itself does not.
    async def app_with_state(scope: Scope, receive: Receive, send: Send) -> None:
        scope = {**scope, "state": dict(state)}  # a shallow copy per request
        await app(scope, receive, send)

    await exchange("startup")
    try:
        yield app_with_state
    finally:
        await exchange("shutdown")
        await call
