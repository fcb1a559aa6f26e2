"""Lesson 12 variant: which middleware runs first? Every layer writes to a trace.

Serve it with:  uvicorn "lessons.12_middleware.ordering:app" --reload
Then GET /trace: the endpoint answers with the layers the request passed on its way in;
the tests also check the way back out.
"""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# One module-level list keeps the demo short; it is only right for one request at a time.
trace: list[str] = []


class Tracer:
    """A pure ASGI middleware that records when a request enters and its response leaves."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        trace.append(f"{self.name}: request")

        async def send_and_trace(message: Message) -> None:
            # Record the response when its status and headers pass through this layer.
            # (Not after `await self.app(...)`: that returns only once the whole body has
            # been sent, while BaseHTTPMiddleware's call_next returns at the headers.)
            if message["type"] == "http.response.start":
                trace.append(f"{self.name}: response")
            await send(message)

        await self.app(scope, receive, send_and_trace)


app = FastAPI(title="Lesson 12: middleware order")
app.add_middleware(Tracer, name="added first")
app.add_middleware(Tracer, name="added second")


# The decorator is add_middleware() in disguise: the same rule applies.
@app.middleware("http")
async def added_third(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    trace.clear()  # outermost, so the first code each request runs: start a fresh trace
    trace.append("added third: request")
    response = await call_next(request)
    trace.append("added third: response")
    return response


@app.get("/trace")
def show_trace() -> list[str]:
    trace.append("endpoint")
    return list(trace)
