"""Lesson 24: streaming — chunks as they come, flat memory, threads, disconnects, SSE, JSON Lines.

Serve it with:  uvicorn "lessons.24_streaming.app:app"
Watch a stream with:  curl -N "http://127.0.0.1:8000/events/by-hand"
"""

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import fastapi
from fastapi import FastAPI, Header, Query
from fastapi.responses import Response, StreamingResponse

from .news import NEWS

FASTAPI_VERSION = tuple(int(part) for part in fastapi.__version__.split(".")[:2])

app = FastAPI(title="Lesson 24: streaming")


# A route that returns a StreamingResponse should say what it streams: `response_class`
# drops FastAPI's default "application/json" from the docs, `responses` names the real type.
def streams(media_type: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses=` entry of a route that streams `media_type` with status 200."""
    return {200: {"description": "A streamed body", "content": {media_type: {}}}}


# --- 1. Chunks as they come: a job's progress feed --------------------------------------
# Each job has a queue of progress steps. Other requests report steps; the stream sends
# each one the moment it arrives, long before the job (and the generator) is done.
job_steps: dict[str, asyncio.Queue[str]] = {}


@app.get(
    "/jobs/{job_id}/progress", response_class=StreamingResponse, responses=streams("text/plain")
)
async def job_progress(
    job_id: str, give_up_after: Annotated[float, Query(gt=0, le=60)] = 30.0
) -> StreamingResponse:
    """Send each step as it is reported; end at "done" or after `give_up_after` quiet seconds."""
    steps = job_steps.setdefault(job_id, asyncio.Queue())

    async def lines() -> AsyncIterator[str]:
        try:
            yield f"watching job {job_id}\n"
            while True:
                try:
                    step = await asyncio.wait_for(steps.get(), timeout=give_up_after)
                except TimeoutError:
                    yield "no news: giving up\n"
                    return
                yield f"{step}\n"
                if step == "done":
                    return
        finally:
            job_steps.pop(job_id, None)  # the feed is over: forget the job's queue

    return StreamingResponse(lines(), media_type="text/plain")


@app.post("/jobs/{job_id}/steps")
async def report_step(job_id: str, step: Annotated[str, Query(max_length=100)]) -> dict[str, str]:
    job_steps.setdefault(job_id, asyncio.Queue()).put_nowait(step)
    return {"job": job_id, "step": step}


# --- 2. A large body with flat memory ---------------------------------------------------
CHUNK_SIZE = 64 * 1024
BYTES = "application/octet-stream"
MAX_DOWNLOAD = 100 * 1024 * 1024


def numbered_chunks(size: int) -> Iterator[bytes]:
    """`size` bytes in CHUNK_SIZE pieces; piece k repeats the 16-byte line f"{k:015d}\\n"."""
    for index, start in enumerate(range(0, size, CHUNK_SIZE)):
        line = f"{index:015d}\n".encode()
        yield (line * (CHUNK_SIZE // len(line)))[: min(CHUNK_SIZE, size - start)]


@app.get("/download", response_class=StreamingResponse, responses=streams(BYTES))
def download(size: Annotated[int, Query(ge=0, le=MAX_DOWNLOAD)]) -> StreamingResponse:
    # Only one chunk exists at a time: memory stays flat whatever `size` is. Knowing the
    # size up front, we can still send Content-Length (clients then show progress).
    return StreamingResponse(
        numbered_chunks(size),
        media_type=BYTES,
        headers={"Content-Length": str(size)},
    )


@app.get(
    "/download-buffered",
    response_class=Response,
    responses={200: {"description": "The whole body at once", "content": {BYTES: {}}}},
)
def download_buffered(size: Annotated[int, Query(ge=0, le=MAX_DOWNLOAD)]) -> Response:
    # The anti-pattern, for comparison: the whole body is built in memory first.
    return Response(b"".join(numbered_chunks(size)), media_type=BYTES)


# --- 3. Which thread runs the generator -------------------------------------------------
@app.get(
    "/threads/sync-generator", response_class=StreamingResponse, responses=streams("text/plain")
)
async def sync_generator_threads() -> StreamingResponse:
    loop_thread = threading.get_ident()  # an `async def` handler runs on the event loop

    def report() -> Iterator[str]:
        # A plain generator may block (file reads, a DB cursor): Starlette pulls each item
        # in a worker thread so the event loop stays free.
        yield f"event loop {loop_thread}\n"
        for _ in range(3):
            yield f"generator {threading.get_ident()}\n"

    return StreamingResponse(report(), media_type="text/plain")


@app.get(
    "/threads/async-generator", response_class=StreamingResponse, responses=streams("text/plain")
)
async def async_generator_threads() -> StreamingResponse:
    loop_thread = threading.get_ident()

    async def report() -> AsyncIterator[str]:
        # An async generator runs on the event loop itself: it must never block.
        yield f"event loop {loop_thread}\n"
        for _ in range(3):
            yield f"generator {threading.get_ident()}\n"

    return StreamingResponse(report(), media_type="text/plain")


# --- 4. Client disconnects: the generator stops and cleans up ---------------------------
feed_cleanups: dict[str, asyncio.Event] = {}
feed_ticks: dict[str, int] = {}
feed_ended_by: dict[str, str] = {}


@app.get("/feeds/{feed_id}", response_class=StreamingResponse, responses=streams("text/plain"))
async def endless_feed(
    feed_id: str, every: Annotated[float, Query(gt=0, le=1)] = 0.05
) -> StreamingResponse:
    """Send a tick every `every` seconds until the client goes away."""
    cleaned_up = feed_cleanups.setdefault(feed_id, asyncio.Event())

    async def ticks() -> AsyncIterator[str]:
        sent = 0
        try:
            while True:
                yield f"tick {sent}\n"
                sent += 1
                await asyncio.sleep(every)  # the ticker's own pace, not test synchronisation
        except BaseException as stop:
            feed_ended_by[feed_id] = type(stop).__name__  # how the endless loop was left
            raise
        finally:
            # Runs when the client goes away: the server cancels the stream, and this is
            # where a real feed would release its subscription, cursor or file.
            feed_ticks[feed_id] = sent
            cleaned_up.set()

    return StreamingResponse(ticks(), media_type="text/plain")


@app.get("/feeds/{feed_id}/cleanup")
async def feed_cleanup(
    feed_id: str, wait: Annotated[float, Query(gt=0, le=60)] = 10.0
) -> dict[str, str | bool | int | None]:
    """Wait (at most `wait` seconds) until the feed's cleanup has run; report it."""
    cleaned_up = feed_cleanups.setdefault(feed_id, asyncio.Event())
    try:
        await asyncio.wait_for(cleaned_up.wait(), timeout=wait)
    except TimeoutError:
        return {"feed": feed_id, "cleaned_up": False}
    return {
        "feed": feed_id,
        "cleaned_up": True,
        "ticks_sent": feed_ticks[feed_id],
        "ended_by": feed_ended_by.get(feed_id),
    }


# --- 5. Server-Sent Events, by hand (works on every version) ----------------------------
def sse_event(data: str, *, event: str | None = None, event_id: str | None = None) -> str:
    """One event in the text/event-stream format: fields, one per line, then a blank line."""
    for field in (event, event_id):
        if field is not None and ("\r" in field or "\n" in field):
            raise ValueError("event and id must be single lines")  # else fields could be forged
    lines = [] if event is None else [f"event: {event}"]
    # Data with line breaks becomes several data: lines; the browser joins them with "\n".
    # Only CR, LF and CRLF end an SSE line (str.splitlines() would split on more).
    lines += [f"data: {line}" for line in re.split(r"\r\n|\r|\n", data)]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    return "\n".join(lines) + "\n\n"


@app.get(
    "/events/by-hand", response_class=StreamingResponse, responses=streams("text/event-stream")
)
async def news_by_hand(
    last_event_id: Annotated[int | None, Header()] = None,
) -> StreamingResponse:
    # A reconnecting EventSource sends the last id it saw: resume after it.
    async def events() -> AsyncIterator[str]:
        for news_id, kind, text in NEWS:
            if last_event_id is None or news_id > last_event_id:
                yield sse_event(text, event=kind, event_id=str(news_id))

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        # Caches and proxies (Nginx) must pass events through, not hold them back.
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


# --- 6. `yield` in the path operation itself --------------------------------------------
# Before FastAPI 0.134 the generator below is drained into one JSON array (nothing is
# streamed); from 0.134 each item is sent as its own line of JSON Lines.
@app.get("/countdown", response_model=None)
def countdown(start: Annotated[int, Query(ge=0, le=10)] = 3) -> Iterator[int]:
    yield from range(start, 0, -1)


# Typed JSON Lines (FastAPI >= 0.134) and fastapi.sse (>= 0.135): older versions cannot
# even declare these routes, so they live in their own modules, included only where they work.
# (Branch coverage: the other side of each `if` runs only on older versions of the matrix.)
if FASTAPI_VERSION >= (0, 134):  # pragma: no branch
    from .json_lines import router as json_lines_router

    app.include_router(json_lines_router)

if FASTAPI_VERSION >= (0, 135):  # pragma: no branch
    from .event_source import router as event_source_router

    app.include_router(event_source_router)
