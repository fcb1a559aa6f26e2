"""Lesson 09: `def` vs `async def`, blocking calls, and outbound HTTP calls.

Serve it with:  uvicorn "lessons.09_async_and_sync.app:app" --reload
"""

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import anyio.to_thread
import httpx
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError

# --- Outbound HTTP: one shared client, created and closed by the lifespan -----------------

# A placeholder upstream: the `.invalid` top-level domain never resolves, and the tests
# replace the client anyway, so nothing in this lesson touches the network.
UPSTREAM_URL = "https://users.example.invalid"
# Always set a timeout on outbound calls: a hung upstream must not hang your handler.
UPSTREAM_TIMEOUT = httpx.Timeout(2.0)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One client for the whole process keeps a connection pool: requests reuse open
    # connections instead of paying a new TCP (and TLS) handshake every time.
    async with httpx.AsyncClient(base_url=UPSTREAM_URL, timeout=UPSTREAM_TIMEOUT) as client:
        app.state.http_client = client
        yield


app = FastAPI(title="Lesson 09: async and sync", lifespan=lifespan)


async def get_http_client(request: Request) -> httpx.AsyncClient:
    # `async def` on purpose: this dependency does no blocking work, and a plain `def`
    # dependency would be sent to the thread pool (a thread hop) for nothing.
    client: httpx.AsyncClient = request.app.state.http_client
    return client


# --- Where does a handler run? -------------------------------------------------------------


class Location(BaseModel):
    thread_id: int
    thread_name: str
    on_event_loop: bool


def where_am_i() -> Location:
    """Describe the calling thread, and whether an event loop is running in it."""
    try:
        asyncio.get_running_loop()
        on_event_loop = True
    except RuntimeError:  # raised in any thread that is not running an event loop
        on_event_loop = False
    return Location(
        thread_id=threading.get_ident(),
        thread_name=threading.current_thread().name,
        on_event_loop=on_event_loop,
    )


@app.get("/whereami/async")
async def whereami_async() -> Location:
    return where_am_i()  # `async def`: called directly on the event loop's thread


@app.get("/whereami/def")
def whereami_def() -> Location:
    return where_am_i()  # plain `def`: FastAPI calls it in a worker thread


@app.get("/whereami/def-dependency")
async def whereami_def_dependency(
    dependency: Annotated[Location, Depends(where_am_i)],
) -> dict[str, Location]:
    # The same rule applies to dependencies: `where_am_i` is a plain `def`.
    return {"handler": where_am_i(), "dependency": dependency}


# --- Instrumentation: how many handlers are inside their slow part right now? --------------


class InFlight:
    """Counts the callers inside a `with` block at this moment, and the peak since reset.

    A peak of 1 after several simultaneous requests means they were served one at a time.
    Thread-safe, because `def` handlers run in several threads at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def reset(self) -> None:
        with self._lock:
            self.now = 0
            self.peak = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self.now -= 1


in_flight = InFlight()

# How long one unit of "slow work" takes. Small, so the lesson's tests stay fast.
WORK_SECONDS = 0.2


def blocking_work() -> int:
    """Stand-in for any blocking library call: requests.get, a sync DB driver, file I/O.

    `time.sleep` holds the calling thread and never hands control back to the event loop.
    Returns the id of the thread that did the work.
    """
    with in_flight:
        time.sleep(WORK_SECONDS)
    return threading.get_ident()


# --- The same slow work, four ways -------------------------------------------------------


@app.get("/work/blocking-in-async")
async def blocking_in_async() -> dict[str, int]:
    # WRONG: a blocking call inside `async def` holds the event loop. Until it returns,
    # no other request on this worker makes progress, not even a health check.
    return {"work_thread": blocking_work()}


@app.get("/work/blocking-in-def")
def blocking_in_def() -> dict[str, int]:
    # Fine: FastAPI runs a `def` handler in a worker thread, so only that thread waits.
    return {"work_thread": blocking_work()}


@app.get("/work/awaited-sleep")
async def awaited_sleep() -> dict[str, int]:
    # Fine: `await` hands control back to the loop, which serves other requests meanwhile.
    with in_flight:
        await asyncio.sleep(WORK_SECONDS)
    return {"work_thread": threading.get_ident()}


@app.get("/work/rescued-run-in-threadpool")
async def rescued_run_in_threadpool() -> dict[str, int]:
    # The rescue when an async handler must call blocking code: push it to a thread.
    return {"work_thread": await run_in_threadpool(blocking_work)}


@app.get("/work/rescued-to-thread")
async def rescued_to_thread() -> dict[str, int]:
    # The same rescue with AnyIO directly (run_in_threadpool is a thin wrapper over it).
    return {"work_thread": await anyio.to_thread.run_sync(blocking_work)}


# --- An outbound call, with upstream failures mapped to gateway errors ---------------------


class UpstreamUser(BaseModel):
    id: int
    name: str


class HTTPError(BaseModel):
    detail: str


# Every status this route can answer besides 200, declared so the docs show clients what a
# gateway error looks like. 502/504 are the upstream's fault, never a bug of ours (a 500).
PROFILE_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": HTTPError, "description": "The upstream has no such user"},
    502: {"model": HTTPError, "description": "The upstream failed or sent a bad answer"},
    504: {"model": HTTPError, "description": "The upstream timed out"},
}


@app.get("/profiles/{user_id}", responses=PROFILE_ERRORS)
async def profile(
    user_id: int,
    client: Annotated[httpx.AsyncClient, Depends(get_http_client)],
) -> UpstreamUser:
    try:
        response = await client.get(f"/users/{user_id}")
    except httpx.TimeoutException:
        # Checked first: a timeout is also a RequestError. 504 = the upstream was too slow.
        raise HTTPException(status_code=504, detail="Upstream timed out") from None
    except httpx.RequestError:
        # Refused connection, reset, DNS failure...: 502 = the upstream failed us.
        raise HTTPException(status_code=502, detail="Upstream unreachable") from None
    if response.status_code == 404:
        raise HTTPException(status_code=404, detail="User not found")
    if response.status_code != 200:
        raise HTTPException(status_code=502, detail="Upstream error")
    try:
        # Never trust an upstream's body more than a client's: validate it.
        return UpstreamUser.model_validate_json(response.content)
    except ValidationError:
        raise HTTPException(status_code=502, detail="Upstream sent an invalid body") from None
