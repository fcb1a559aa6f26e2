"""Lesson 09 claims: blocking in `async def` serialises requests; threads and `await` do not.

Each claim is measured twice over: structurally (the app's `in_flight` gauge records how
many handlers were inside their slow part at the same moment, which no machine load can
fake) and by wall time, as a ratio with a wide margin, never as an absolute duration.

Load only ever adds time. So the blocked burst is timed once (one at a time, it cannot take
less than REQUESTS * WORK_SECONDS, however idle the machine), and an overlapping burst is
timed up to ROUNDS times, its fastest round counting: the round least slowed by whatever
else the machine was doing.
"""

import asyncio
import functools
import threading
import time
from dataclasses import dataclass
from types import SimpleNamespace

import httpx
import pytest
from fastapi.testclient import TestClient

from . import app as lesson
from .app import WORK_SECONDS, InFlight, app, in_flight

REQUESTS = 4  # sent at the same moment; the serial case takes REQUESTS * WORK_SECONDS
ROUNDS = 5  # at most this many timed bursts of an overlapping handler; the fastest counts
BLOCKING_PATH = "/work/blocking-in-async"


@dataclass(frozen=True)
class Burst:
    """What happened when REQUESTS identical requests were sent at once."""

    elapsed: float  # wall time until the last response arrived
    peak: int  # the most handlers inside their slow part at the same moment
    loop_thread: int  # the thread running the event loop
    work_threads: frozenset[int]  # the threads that did the slow work


def asgi_client() -> httpx.AsyncClient:
    # No sockets: ASGITransport calls the app in this process, on the caller's event loop,
    # so there is no connection to open and nothing to send before a request reaches it.
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def timed_burst(client: httpx.AsyncClient, path: str) -> Burst:
    """Send REQUESTS requests to `path` together and time them, first sent to last answered."""
    in_flight.reset()
    # gather wraps every request in a task before the loop runs any of them: they start in
    # one pass of the loop, each running until it first waits (a thread, a sleep)... or,
    # when a handler blocks the loop, until its response is complete.
    start = time.perf_counter()
    responses = await asyncio.gather(*(client.get(path) for _ in range(REQUESTS)))
    elapsed = time.perf_counter() - start
    assert [r.status_code for r in responses] == [200] * REQUESTS
    return Burst(
        elapsed=elapsed,
        peak=in_flight.peak,
        loop_thread=threading.get_ident(),
        work_threads=frozenset(r.json()["work_thread"] for r in responses),
    )


async def send_bursts(path: str, rounds: int, stop_under: float = 0.0) -> list[Burst]:
    """Time up to `rounds` bursts to `path` on one event loop and one client.

    Stops early once a burst lasts less than `stop_under` seconds: the fastest time can only
    go down with more rounds, so a claim about it is settled as soon as one round meets it.
    """
    async with asgi_client() as client:
        # Warm-up, untimed: the first request on a new loop pays one-off costs (lazy
        # imports, starting the thread pool) that would otherwise blur the comparison.
        # Later rounds on this loop also reuse the worker threads the first one started.
        assert (await client.get("/whereami/def")).status_code == 200
        bursts = [await timed_burst(client, path)]
        while len(bursts) < rounds and bursts[-1].elapsed >= stop_under:
            bursts.append(await timed_burst(client, path))
    return bursts


@functools.cache
def burst(path: str) -> Burst:
    """Measure each endpoint once per test process; several tests read the same burst."""
    return asyncio.run(send_bursts(path, rounds=1))[0]


def fastest_elapsed(path: str, stop_under: float) -> float:
    """The best wall time of up to ROUNDS bursts to `path` (the cached one included)."""
    first = burst(path).elapsed
    if first < stop_under:
        return first
    more = asyncio.run(send_bursts(path, rounds=ROUNDS - 1, stop_under=stop_under))
    return min(first, *(b.elapsed for b in more))


def test_blocking_call_in_async_handler_serialises_requests() -> None:
    """`time.sleep` inside `async def` blocks the loop: concurrent requests run one at a time."""
    measured = burst(BLOCKING_PATH)
    assert measured.peak == 1, f"{measured.peak} blocking async handlers overlapped"
    assert measured.work_threads == {measured.loop_thread}, "the work ran off the loop"
    # One at a time means the burst lasts at least REQUESTS slow sections back to back.
    assert measured.elapsed >= REQUESTS * WORK_SECONDS


def test_blocking_call_in_def_handler_runs_concurrently() -> None:
    """The same `time.sleep` in a `def` handler runs in worker threads, side by side."""
    measured = burst("/work/blocking-in-def")
    assert measured.peak >= 2, "def handlers never overlapped: they did not run concurrently"
    assert measured.loop_thread not in measured.work_threads


def test_awaited_sleep_runs_concurrently_on_the_loop_thread() -> None:
    """`await asyncio.sleep` yields to the loop: requests overlap with no thread at all."""
    measured = burst("/work/awaited-sleep")
    assert measured.peak >= 2, "awaiting handlers never overlapped"
    assert measured.work_threads == {measured.loop_thread}, "awaiting needs no extra thread"


def test_run_in_threadpool_rescues_blocking_code() -> None:
    """`await run_in_threadpool(blocking)` in `async def` moves the work off the loop."""
    measured = burst("/work/rescued-run-in-threadpool")
    assert measured.peak >= 2, "work sent to the thread pool never overlapped"
    assert measured.loop_thread not in measured.work_threads


def test_anyio_to_thread_rescues_blocking_code() -> None:
    """`await anyio.to_thread.run_sync(blocking)` in `async def` moves the work off the loop."""
    measured = burst("/work/rescued-to-thread")
    assert measured.peak >= 2, "work sent to a thread never overlapped"
    assert measured.loop_thread not in measured.work_threads


@pytest.mark.parametrize(
    "concurrent_path",
    [
        "/work/blocking-in-def",
        "/work/awaited-sleep",
        "/work/rescued-run-in-threadpool",
        "/work/rescued-to-thread",
    ],
)
def test_serialised_burst_takes_several_times_longer(concurrent_path: str) -> None:
    """Wall time agrees: the blocking async burst is >= 2x slower than each concurrent one."""
    # One sample is enough here: one at a time, the burst lasts at least REQUESTS slow
    # sections back to back, and a busy machine can only make it longer.
    serial = burst(BLOCKING_PATH).elapsed
    # Ideally REQUESTS (4) times slower; asserting half of that leaves room for a busy
    # machine, and the concurrent side gets its best of up to ROUNDS bursts.
    target = serial / 2
    concurrent = fastest_elapsed(concurrent_path, stop_under=target)
    assert concurrent < target, (
        f"blocking async burst {serial:.3f}s vs {concurrent_path} {concurrent:.3f}s "
        f"(fastest of up to {ROUNDS} bursts): expected a ratio of about {REQUESTS}, "
        f"got {serial / concurrent:.1f}"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/work/blocking-in-async",
        "/work/blocking-in-def",
        "/work/awaited-sleep",
        "/work/rescued-run-in-threadpool",
        "/work/rescued-to-thread",
    ],
)
def test_each_handler_waits_once_for_0_2_seconds(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All five handlers do the same slow work: one wait of 0.2 s (`time.sleep(0.2)` or awaited)."""
    waits: list[tuple[str, float]] = []

    async def awaited_sleep(seconds: float) -> None:
        waits.append(("awaited", seconds))

    # Stand-ins for the app module's `time` and `asyncio`: they record the wait, instantly.
    monkeypatch.setattr(
        lesson, "time", SimpleNamespace(sleep=lambda s: waits.append(("blocking", s)))
    )
    monkeypatch.setattr(lesson, "asyncio", SimpleNamespace(sleep=awaited_sleep))
    response = TestClient(app).get(path)
    assert response.status_code == 200
    kind = "awaited" if path == "/work/awaited-sleep" else "blocking"
    assert waits == [(kind, 0.2)], f"{path} should wait once, 0.2 s, {kind}"


def test_the_in_flight_gauge_counts_callers_now_and_at_peak() -> None:
    """The gauge the concurrency tests read: `now` = callers inside, `peak` = most at once."""
    gauge = InFlight()
    assert (gauge.now, gauge.peak) == (0, 0), "a new gauge starts at zero"
    with gauge:
        with gauge:
            assert (gauge.now, gauge.peak) == (2, 2)
        assert (gauge.now, gauge.peak) == (1, 2), "leaving lowers `now` by one, never `peak`"
    assert (gauge.now, gauge.peak) == (0, 2)
    gauge.reset()
    assert (gauge.now, gauge.peak) == (0, 0), "reset zeroes both"
