"""Lesson 34: the usual performance advice, built so that it can be measured.

Serve it with:   uvicorn "lessons.34_performance.app:app"
Measure it with: python -m lessons.34_performance.measure

Four pieces of advice, one block each: keep blocking calls off the event loop, cache
repeated work, limit payload sizes, put a timeout on every outbound call. The fifth,
"watch p95/p99, not the average", is about measuring, so it lives in measure.py.
"""

import asyncio
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Path, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# How long one unit of simulated slow I/O (a query, a remote call) takes: far above the
# cost of an HTTP round trip on loopback, even on a busy machine, so the effects stand out.
WORK_SECONDS = 0.2

# The upstream price service (block 4). Unset: the price endpoints answer 503.
UPSTREAM_URL_ENV = "LESSON34_UPSTREAM_URL"
# Give up on the upstream after this long. httpx applies it to each phase (connect, write,
# each read, waiting for a pooled connection), not to the whole call.
UPSTREAM_TIMEOUT_SECONDS = 0.3


@dataclass
class Upstream:
    bounded: httpx.AsyncClient  # the right way: every phase has a timeout
    unbounded: httpx.AsyncClient  # the anti-pattern, kept so that it can be measured


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    url = os.environ.get(UPSTREAM_URL_ENV)
    if not url:
        app.state.upstream = None
        yield
        return
    # One client per process, opened once: its connection pool is reused by every request.
    async with (
        httpx.AsyncClient(base_url=url, timeout=UPSTREAM_TIMEOUT_SECONDS) as bounded,
        # httpx's default is 5 s per phase; None switches timeouts off. Never do this.
        httpx.AsyncClient(base_url=url, timeout=None) as unbounded,
    ):
        app.state.upstream = Upstream(bounded=bounded, unbounded=unbounded)
        yield


app = FastAPI(title="Lesson 34: performance", lifespan=lifespan)


# --- Instrumentation: how many requests are inside their slow part right now? ------------


class InFlight:
    """A thread-safe gauge. `with gauge as n:` enters and gives n, the count including you.

    If requests sent together all report n == 1, they were served one after another.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0

    def __enter__(self) -> int:
        with self._lock:
            self.now += 1
            return self.now

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self.now -= 1


class Counters:
    """How much real work the app has done: tests count work, not only time."""

    reports_built: int
    imports_handled: int

    def __init__(self) -> None:
        self._lock = threading.Lock()  # `def` handlers run in several threads at once
        self.reset()  # both counters start at 0

    def count_report(self) -> None:
        with self._lock:
            self.reports_built += 1

    def count_import(self) -> None:
        with self._lock:
            self.imports_handled += 1

    def reset(self) -> None:
        with self._lock:
            self.reports_built = 0
            self.imports_handled = 0


in_flight = InFlight()
counters = Counters()


class Stats(BaseModel):
    reports_built: int
    imports_handled: int


@app.get("/stats")
async def stats() -> Stats:
    return Stats(reports_built=counters.reports_built, imports_handled=counters.imports_handled)


# --- 1. The same slow I/O three ways -------------------------------------------------------


class Overlap(BaseModel):
    in_flight_on_entry: int  # requests in their slow part when this one entered (itself too)


def blocking_io() -> int:
    # Stand-in for a blocking library call (requests.get, a sync database driver):
    # `time.sleep` holds the calling thread and never gives control back to the event loop.
    with in_flight as entered:
        time.sleep(WORK_SECONDS)
    return entered


@app.get("/work/blocking-in-async")
async def blocking_in_async() -> Overlap:
    # WRONG: a blocking call inside `async def` runs on the event loop's thread. Until it
    # returns, nothing else on this worker moves: concurrent requests queue up behind it.
    return Overlap(in_flight_on_entry=blocking_io())


@app.get("/work/blocking-in-def")
def blocking_in_def() -> Overlap:
    # Fine: FastAPI runs a `def` handler in a thread pool, so only that thread waits.
    return Overlap(in_flight_on_entry=blocking_io())


@app.get("/work/async-io")
async def async_io() -> Overlap:
    # Best, when an async library exists: `await` hands the loop to other requests.
    with in_flight as entered:
        await asyncio.sleep(WORK_SECONDS)
    return Overlap(in_flight_on_entry=entered)


# --- 2. A cache: repeated requests stop repeating the work --------------------------------

# How long a cached report stays valid. Caching trades freshness for speed: only cache data
# that may be this stale, and bound the size so the cache cannot eat the memory.
CACHE_TTL_SECONDS = 60.0
CACHE_MAX_ENTRIES = 1024


class TTLCache:
    """A small in-process cache: entries expire after `ttl` seconds, the oldest are evicted.

    Time comes in as an argument (`now`), so tests move the clock instead of sleeping.
    """

    def __init__(self, ttl: float, max_entries: int) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[int, tuple[float, int]] = OrderedDict()  # key: (expiry, value)

    def get(self, key: int, now: float) -> int | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if now >= expires_at:
                del self._entries[key]
                return None
            return value

    def put(self, key: int, value: int, now: float) -> None:
        with self._lock:
            self._entries[key] = (now + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)  # evict the least recently stored

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


report_cache = TTLCache(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES)


def get_clock() -> Callable[[], float]:
    # A dependency, so tests can hand the cache a fake clock.
    return time.monotonic


Clock = Annotated[Callable[[], float], Depends(get_clock)]
ReportId = Annotated[int, Path(ge=1, le=1_000_000_000)]


class Report(BaseModel):
    report_id: int
    total: int
    cached: bool


def build_report(report_id: int) -> int:
    # The expensive part: a slow query, counted so that tests can see how often it ran.
    time.sleep(WORK_SECONDS)
    counters.count_report()
    return report_id * 100 % 9973


@app.get("/reports/{report_id}/uncached")
def uncached_report(report_id: ReportId) -> Report:
    return Report(report_id=report_id, total=build_report(report_id), cached=False)


@app.get("/reports/{report_id}")
def cached_report(report_id: ReportId, clock: Clock) -> Report:
    total = report_cache.get(report_id, clock())
    if total is not None:
        return Report(report_id=report_id, total=total, cached=True)
    total = build_report(report_id)
    report_cache.put(report_id, total, clock())
    return Report(report_id=report_id, total=total, cached=False)


# --- 3. A payload size limit: refuse big bodies before any handler sees them --------------

MAX_BODY_BYTES = 16 * 1024
DIGITS = re.compile(r"[0-9]+")


class ErrorBody(BaseModel):
    detail: str


def too_large() -> JSONResponse:
    detail = f"Request body is larger than {MAX_BODY_BYTES} bytes"
    return JSONResponse({"detail": detail}, status_code=413)


class BodySizeLimit:
    """Pure ASGI middleware: reads at most `max_bytes` of a body, or answers 413.

    A JSON API needs the whole body anyway, so the middleware collects it (memory stays
    bounded by the limit) and replays it to the app. Nothing behind it, not even FastAPI's
    body parsing, runs for an oversized request.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A client that announces too much is refused before one byte of body is read.
        declared = Headers(scope=scope).get("content-length", "")
        if DIGITS.fullmatch(declared) and int(declared) > self.max_bytes:
            await too_large()(scope, receive, send)
            return
        # A chunked body announces nothing: count what arrives, stop at the limit.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; there is nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await too_large()(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # afterwards: wait for the disconnect, as usual

        await self.app(scope, replay, send)


app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)


class OrderLine(BaseModel):
    sku: str = Field(min_length=1, max_length=32)
    quantity: int = Field(ge=1, le=1000)


class ImportResult(BaseModel):
    lines: int


@app.post(
    "/orders/import",
    responses={413: {"model": ErrorBody, "description": "The body is over the size limit"}},
)
async def import_orders(lines: list[OrderLine]) -> ImportResult:
    counters.count_import()  # counted, so tests can prove an oversized body never got here
    return ImportResult(lines=len(lines))


# --- 4. Outbound calls: a timeout turns a hung upstream into a fast 504 ------------------


class Quote(BaseModel):
    symbol: str
    price_cents: int


def get_upstream(request: Request) -> Upstream:
    upstream: Upstream | None = getattr(request.app.state, "upstream", None)
    if upstream is None:
        raise HTTPException(503, f"No upstream configured: set {UPSTREAM_URL_ENV}")
    return upstream


async def fetch_quote(client: httpx.AsyncClient, symbol: str) -> Quote:
    try:
        response = await client.get(f"/quotes/{symbol}")
    except httpx.TimeoutException:
        # Checked first: a timeout is also a RequestError. 504: the upstream was too slow.
        raise HTTPException(504, "Upstream timed out") from None
    except httpx.RequestError:
        raise HTTPException(502, "Upstream unreachable") from None
    if response.status_code != 200:
        raise HTTPException(502, "Upstream error")
    try:
        return Quote.model_validate_json(response.content)
    except ValidationError:
        raise HTTPException(502, "Upstream sent an invalid quote") from None


UpstreamClients = Annotated[Upstream, Depends(get_upstream)]
Symbol = Annotated[str, Path(pattern=r"^[A-Z]{1,5}$")]
GATEWAY_ERRORS: dict[int | str, dict[str, Any]] = {
    502: {"model": ErrorBody, "description": "The upstream failed or answered nonsense"},
    503: {"model": ErrorBody, "description": "No upstream is configured"},
}


@app.get(
    "/prices/{symbol}",
    responses={**GATEWAY_ERRORS, 504: {"model": ErrorBody, "description": "Upstream too slow"}},
)
async def price(symbol: Symbol, upstream: UpstreamClients) -> Quote:
    return await fetch_quote(upstream.bounded, symbol)


@app.get("/prices/{symbol}/no-timeout", responses=GATEWAY_ERRORS)
async def price_without_timeout(symbol: Symbol, upstream: UpstreamClients) -> Quote:
    # WRONG, kept to be measured: a hung upstream hangs this request, its connection and
    # its memory for as long as the upstream likes. Callers pile up behind it.
    return await fetch_quote(upstream.unbounded, symbol)
