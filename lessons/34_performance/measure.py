"""Measure lesson 34's claims on a real Uvicorn server and print them as a markdown table.

Run it:  python -m lessons.34_performance.measure   (a few seconds)

The lesson's tests call these same functions, so the README's table cannot drift from the
code that produced it. Every number is wall time seen by a client, over loopback.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import select
import socket
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from lessons import testkit

from .app import MAX_BODY_BYTES, UPSTREAM_TIMEOUT_SECONDS, UPSTREAM_URL_ENV, WORK_SECONDS

# --- Percentiles ----------------------------------------------------------------------------


def percentile(samples: Sequence[float], p: float) -> float:
    """The p-th percentile (0 <= p <= 100) of `samples`, interpolated between closest ranks.

    Sort the samples and walk p % of the way from the first to the last one: p95 of 101
    samples is the 96th smallest. This is numpy's default definition, and the one of
    statistics.quantiles(method="inclusive"); other tools round to a rank instead.
    """
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0 <= p <= 100:
        raise ValueError(f"p must be between 0 and 100, got {p}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * p / 100
    below = math.floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


# --- A local upstream that hangs ------------------------------------------------------------


class HangingUpstream:
    """An upstream that never answers: it lets clients connect, then stays silent.

    The kernel completes TCP handshakes for a listening socket on its own, so a client
    connects, sends its request and waits for a response that never comes: a hung server,
    with no sleep anywhere. `release()` hangs up on the clients it holds.
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))  # any free port
        host, port = self._listener.getsockname()
        self.url = f"http://{host}:{port}"
        self._held: list[socket.socket] = []

    def hold_next(self, timeout: float) -> None:
        """Block until a client connects, and hold that connection (select wakes on it)."""
        readable, _, _ = select.select([self._listener], [], [], timeout)
        if not readable:
            raise TimeoutError(f"no client connected to the upstream within {timeout}s")
        connection, _ = self._listener.accept()
        self._held.append(connection)

    def release(self) -> int:
        """Close every held connection; returns how many there were."""
        released = len(self._held)
        for connection in self._held:
            connection.close()  # the client's read fails at once: "connection reset"
        self._held.clear()
        return released

    def close(self) -> None:
        """Hang up on everyone: the held clients, and those still queued (they get a reset)."""
        self.release()
        self._listener.close()


@dataclass
class Lesson:
    base_url: str
    upstream: HangingUpstream


@contextmanager
def running_lesson() -> Iterator[Lesson]:
    """The lesson's app in a real Uvicorn process, its upstream pointed at a hung server."""
    upstream = HangingUpstream()
    app_path, env = "lessons.34_performance.app:app", {UPSTREAM_URL_ENV: upstream.url}
    try:
        with testkit.serve(app_path, env=env) as server:
            try:
                yield Lesson(base_url=server.base_url, upstream=upstream)
            finally:
                upstream.close()  # free any request still waiting, so the server stops at once
    finally:
        upstream.close()  # also if the server never started (closing twice is harmless)


# --- Measurements ---------------------------------------------------------------------------


@dataclass
class Scale:
    concurrency: int  # requests sent at the same moment in a burst
    tries: int  # runs of each fast measurement (overlapping bursts, cached runs): see below
    repeats: int  # requests for one report, with and without the cache
    samples: int  # sequential requests whose latencies give the percentiles
    misses: int  # how many of those samples are cache misses


FULL = Scale(concurrency=8, tries=5, repeats=5, samples=50, misses=2)


@dataclass
class Burst:
    elapsed: float  # seconds until the last response arrived
    peak: int  # the most requests in their slow part at the same moment


@dataclass
class CacheRun:
    uncached_builds: int
    uncached_elapsed: float
    cached_builds: int
    cached_elapsed: float
    cached_flags: list[bool]  # the `cached` field of each cached response, in order


@dataclass
class LimitRun:
    status: int
    elapsed: float
    handler_calls: int  # how often the import handler ran for the oversized body
    body_size: int


@dataclass
class TimeoutRun:
    bounded_status: int
    bounded_elapsed: float
    unbounded_pending: bool  # was the no-timeout request still waiting at that moment?
    unbounded_status: int
    unbounded_elapsed: float


@dataclass
class LatencyRun:
    latencies: list[float]
    builds: int  # reports actually built, i.e. cache misses


@dataclass
class Measurements:
    scale: Scale
    blocking_in_async: Burst
    blocking_in_def: Burst
    async_io: Burst
    cache: CacheRun
    limit: LimitRun
    timeout: TimeoutRun
    latency: LatencyRun


# Each measurement asks for reports nobody has asked for yet (running_lesson starts a fresh
# server), so none of them is cached already.
fresh_report_ids = itertools.count(1)


def fresh_report_id() -> int:
    return next(fresh_report_ids)


async def reports_built(client: httpx.AsyncClient) -> int:
    built: int = (await client.get("/stats")).json()["reports_built"]
    return built


async def burst(client: httpx.AsyncClient, path: str, concurrency: int) -> Burst:
    start = time.perf_counter()
    responses = await asyncio.gather(*(client.get(path) for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    for response in responses:
        response.raise_for_status()
    return Burst(elapsed, max(r.json()["in_flight_on_entry"] for r in responses))


# Why the fastest of a few runs: a busy machine can only add time to a run, never remove
# it, and under load the fixed cost of each request (which no overlap and no cache removes)
# can swamp a single run. So each fast measurement runs `scale.tries` times and the fastest
# counts. The slow ones run once: their sleeps alone bound them from below, whatever the load.
async def fastest_burst(client: httpx.AsyncClient, path: str, scale: Scale) -> Burst:
    bursts = [await burst(client, path, scale.concurrency) for _ in range(scale.tries)]
    return min(bursts, key=lambda b: b.elapsed)


@dataclass
class CachedRun:
    elapsed: float
    builds: int
    flags: list[bool]


async def cached_run(client: httpx.AsyncClient, repeats: int) -> CachedRun:
    report_id = fresh_report_id()  # a report not cached yet: the first request builds it
    before = await reports_built(client)
    flags = []
    start = time.perf_counter()
    for _ in range(repeats):
        response = await client.get(f"/reports/{report_id}")
        response.raise_for_status()
        flags.append(response.json()["cached"])
    elapsed = time.perf_counter() - start
    return CachedRun(elapsed, await reports_built(client) - before, flags)


async def measure_cache(client: httpx.AsyncClient, scale: Scale) -> CacheRun:
    report_id = fresh_report_id()
    before = await reports_built(client)
    start = time.perf_counter()
    for _ in range(scale.repeats):
        (await client.get(f"/reports/{report_id}/uncached")).raise_for_status()
    uncached_elapsed = time.perf_counter() - start
    uncached_builds = await reports_built(client) - before

    runs = [await cached_run(client, scale.repeats) for _ in range(scale.tries)]
    fastest = min(runs, key=lambda run: run.elapsed)
    return CacheRun(
        uncached_builds, uncached_elapsed, fastest.builds, fastest.elapsed, fastest.flags
    )


async def measure_limit(client: httpx.AsyncClient) -> LimitRun:
    before = (await client.get("/stats")).json()["imports_handled"]
    body = b"[" + b" " * (64 * MAX_BODY_BYTES) + b"]"  # valid JSON, 64 times the limit
    start = time.perf_counter()
    response = await client.post(
        "/orders/import", content=body, headers={"content-type": "application/json"}
    )
    elapsed = time.perf_counter() - start
    after = (await client.get("/stats")).json()["imports_handled"]
    return LimitRun(response.status_code, elapsed, after - before, len(body))


async def timed_get(client: httpx.AsyncClient, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    response = await client.get(path)
    return response.status_code, time.perf_counter() - start


async def measure_timeout(client: httpx.AsyncClient, upstream: HangingUpstream) -> TimeoutRun:
    # First the request without a timeout; wait until it is really stuck at the upstream.
    hanging = asyncio.create_task(timed_get(client, "/prices/ACME/no-timeout"))
    try:
        await asyncio.to_thread(upstream.hold_next, 30.0)
        # Then the same call with a timeout, against the same hung upstream.
        bounded_status, bounded_elapsed = await timed_get(client, "/prices/ACME")
        pending = not hanging.done()
    finally:
        upstream.release()  # the upstream finally hangs up: only now can the first one end
    unbounded_status, unbounded_elapsed = await hanging
    return TimeoutRun(bounded_status, bounded_elapsed, pending, unbounded_status, unbounded_elapsed)


async def measure_latency(client: httpx.AsyncClient, samples: int, misses: int) -> LatencyRun:
    # `misses` reports, requested in turn: only the first request for each one is a miss.
    report_ids = [fresh_report_id() for _ in range(misses)]
    before = await reports_built(client)
    latencies = []
    for i in range(samples):
        start = time.perf_counter()
        response = await client.get(f"/reports/{report_ids[i % misses]}")
        latencies.append(time.perf_counter() - start)
        response.raise_for_status()
    return LatencyRun(latencies, await reports_built(client) - before)


async def measure_all(lesson: Lesson, scale: Scale) -> Measurements:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=lesson.base_url, limits=limits, timeout=60) as client:
        # Warm-up, not measured: opens the connections and starts the server's worker threads.
        await burst(client, "/work/blocking-in-def", scale.concurrency)
        return Measurements(
            scale=scale,
            blocking_in_async=await burst(client, "/work/blocking-in-async", scale.concurrency),
            blocking_in_def=await fastest_burst(client, "/work/blocking-in-def", scale),
            async_io=await fastest_burst(client, "/work/async-io", scale),
            cache=await measure_cache(client, scale),
            limit=await measure_limit(client),
            timeout=await measure_timeout(client, lesson.upstream),
            latency=await measure_latency(client, scale.samples, scale.misses),
        )


# --- The table ------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def kib(size: int) -> str:
    return f"{size // 1024} KiB"


def render_table(m: Measurements) -> str:
    n, work = m.scale.concurrency, ms(WORK_SECONDS)
    lat = m.latency.latencies
    rows = [
        (
            f"{n} requests at once, {work} of `time.sleep` each, in `async def`",
            f"{ms(m.blocking_in_async.elapsed)}, at most {m.blocking_in_async.peak} in flight",
        ),
        (
            "the same in a `def` handler (thread pool)",
            f"{ms(m.blocking_in_def.elapsed)}, at most {m.blocking_in_def.peak} in flight",
        ),
        (
            "the same as `await asyncio.sleep` (async I/O)",
            f"{ms(m.async_io.elapsed)}, at most {m.async_io.peak} in flight",
        ),
        (
            f"{m.scale.repeats} requests for one report, no cache",
            f"{ms(m.cache.uncached_elapsed)}, report built {m.cache.uncached_builds} times",
        ),
        (
            f"{m.scale.repeats} requests for one report, cached",
            f"{ms(m.cache.cached_elapsed)}, report built {m.cache.cached_builds} times",
        ),
        (
            f"{kib(m.limit.body_size)} body, {kib(MAX_BODY_BYTES)} limit",
            f"{m.limit.status} in {ms(m.limit.elapsed)}, handler ran {m.limit.handler_calls} times",
        ),
        (
            f"hung upstream, {ms(UPSTREAM_TIMEOUT_SECONDS)} timeout",
            f"{m.timeout.bounded_status} after {ms(m.timeout.bounded_elapsed)}",
        ),
        (
            "hung upstream, no timeout",
            ("still waiting then; " if m.timeout.unbounded_pending else "")
            + f"{m.timeout.unbounded_status} after {ms(m.timeout.unbounded_elapsed)}, "
            "when the upstream hung up",
        ),
        (
            f"{m.scale.samples} sequential requests, {m.latency.builds} cache misses",
            f"mean {ms(statistics.fmean(lat))}, p50 {ms(percentile(lat, 50))}, "
            f"p95 {ms(percentile(lat, 95))}, p99 {ms(percentile(lat, 99))}, max {ms(max(lat))}",
        ),
    ]
    lines = ["| Measured on a real Uvicorn server | Result |", "| --- | --- |"]
    lines += [f"| {what} | {result} |" for what, result in rows]
    return "\n".join(lines)


def main() -> None:
    with running_lesson() as lesson:
        measurements = asyncio.run(measure_all(lesson, FULL))
    print(render_table(measurements))


if __name__ == "__main__":  # pragma: no cover - runs only as `python -m`; tests call main()
    main()
