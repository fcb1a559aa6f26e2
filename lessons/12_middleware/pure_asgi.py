"""Lesson 12 variant: the X-Process-Time job as a pure ASGI middleware class.

Serve it with:  uvicorn "lessons.12_middleware.pure_asgi:app" --reload

`@app.middleware("http")` is Starlette's BaseHTTPMiddleware: convenient (you get a Request
and a Response object), but it handles HTTP only and re-wraps every response body in a
stream of its own. A pure ASGI middleware sits directly on the (scope, receive, send)
protocol: it sees every connection type, and it changes messages on their way out instead
of wrapping the response.
"""

import time
from collections.abc import Callable

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .app import routes


class ProcessTimeMiddleware:
    def __init__(self, app: ASGIApp, clock: Callable[[], float] = time.perf_counter) -> None:
        self.app = app
        self.clock = clock  # injectable: tests pass a fake clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            # "websocket" and "lifespan" connections are not ours to time: pass them on
            # untouched. A pure ASGI middleware must decide this for every scope type.
            await self.app(scope, receive, send)
            return

        started = self.clock()

        async def send_with_process_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                # The status and headers leave before the body, so this measures the time
                # to the start of the response; body chunks then pass through unchanged.
                headers = MutableHeaders(scope=message)
                headers["X-Process-Time"] = f"{self.clock() - started:.6f}"
            await send(message)

        await self.app(scope, receive, send_with_process_time)


app = FastAPI(title="Lesson 12: pure ASGI middleware")
app.include_router(routes)
app.add_middleware(ProcessTimeMiddleware)
