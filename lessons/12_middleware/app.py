"""Lesson 12: middleware — timing every response, trusted hosts, gzip.

Serve it with:  uvicorn "lessons.12_middleware.app:app" --reload
Then:           curl -i http://127.0.0.1:8000/hello
"""

import time
from collections.abc import Awaitable, Callable, Iterator

from fastapi import APIRouter, FastAPI, Query, Request, Response, WebSocket
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware
from fastapi.responses import PlainTextResponse, StreamingResponse

app = FastAPI(title="Lesson 12: middleware")

# --- Routes (a router, so pure_asgi.py can serve the very same ones) -----------------------
routes = APIRouter()


@routes.get("/hello")
def hello() -> dict[str, str]:
    return {"message": "hello"}


@routes.get("/text", response_class=PlainTextResponse)
def text(size: int = Query(ge=0, le=1_000_000)) -> str:
    # `size` bytes of very compressible text: handy for finding GZip's threshold.
    return "a" * size


# response_class= documents the text/plain body; the handler returns its own stream.
@routes.get("/stream", response_class=PlainTextResponse)
def stream() -> StreamingResponse:
    def chunks() -> Iterator[bytes]:
        for number in range(3):
            yield f"chunk {number}\n".encode()

    return StreamingResponse(chunks(), media_type="text/plain")


@routes.websocket("/ws")
async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


app.include_router(routes)

# --- Middleware -----------------------------------------------------------------------------
# Each add_middleware() wraps everything added before it: the LAST one added is the
# OUTERMOST, the first to see a request and the last to see the response. So a request
# passes through the three blocks below from the bottom up.

# 1. Innermost: gzip response bodies of at least `minimum_size` bytes for clients that
#    send `Accept-Encoding: gzip`. Smaller bodies are not worth the CPU and the header bytes.
app.add_middleware(GZipMiddleware, minimum_size=1000)

# 2. Answer 400 to any request whose Host header is not one of ours, before a route runs.
#    (Protects against Host-header poisoning: password-reset links, caches, redirects.)
app.add_middleware(
    TrustedHostMiddleware,
    allowed_hosts=["localhost", "127.0.0.1", "example.com", "*.example.com"],
)

# 3. Outermost (added last): time everything inside it, 404s and host rejections included.
#    perf_counter, not time.time: the wall clock can be set back (NTP, an admin, a VM
#    resume) and then an "elapsed" time comes out wrong or negative. perf_counter is
#    monotonic and has the best resolution available. A module attribute, so tests can
#    swap in a fake clock and get an exact value.
clock: Callable[[], float] = time.perf_counter


@app.middleware("http")
async def add_process_time(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = clock()
    response = await call_next(request)
    response.headers["X-Process-Time"] = f"{clock() - started:.6f}"
    return response
