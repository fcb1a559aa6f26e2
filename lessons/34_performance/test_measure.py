"""Lesson 34 claims about the measuring tool itself (measure.py), checked in process.

The table it prints is a pure function of the measurements, so it is checked against the
README's own table with the numbers of that run. The measuring functions count work as a
difference of /stats, which the in-process app (through httpx.ASGITransport) shows.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lessons import testkit

from . import app as lesson_app
from .app import app, counters, report_cache
from .measure import (
    FULL,
    Burst,
    CacheRun,
    HangingUpstream,
    LatencyRun,
    LimitRun,
    Measurements,
    Scale,
    TimeoutRun,
    burst,
    measure_cache,
    measure_latency,
    measure_limit,
    render_table,
)

README = Path(__file__).with_name("README.md")

# The run the README's table shows: its figures as measured. The 50 latencies (2 cache
# misses first) are rebuilt to give the printed mean, p50, p95, p99 and max, the only
# figures the table keeps of them.
README_RUN = Measurements(
    scale=FULL,
    blocking_in_async=Burst(elapsed=1.692, peak=1),
    blocking_in_def=Burst(elapsed=0.282, peak=8),
    async_io=Burst(elapsed=0.295, peak=8),
    cache=CacheRun(
        uncached_builds=5,
        uncached_elapsed=1.099,
        cached_builds=1,
        cached_elapsed=0.238,
        cached_flags=[False, True, True, True, True],
    ),
    limit=LimitRun(status=413, elapsed=0.006, handler_calls=0, body_size=64 * 16 * 1024 + 2),
    timeout=TimeoutRun(
        bounded_status=504,
        bounded_elapsed=0.335,
        unbounded_pending=True,
        unbounded_status=502,
        unbounded_elapsed=0.373,
    ),
    latency=LatencyRun(
        latencies=[0.238, 0.2094] + [0.015] * 10 + [0.020] * 15 + [0.024] * 21 + [0.043, 0.063],
        builds=2,
    ),
)


def readme_table() -> list[str]:
    """The markdown table under `## Run it`, line by line."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| Measured on a real Uvicorn server | Result |")
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return lines[start:end]


def test_the_readme_table_is_what_the_tool_prints_for_that_run() -> None:
    """render_table turns the README's run into exactly the README's table, row for row."""
    assert render_table(README_RUN).splitlines() == readme_table()


def test_the_readme_numbers_are_the_full_scale() -> None:
    """8 requests at once, the fastest of 5 runs, 5 repeats, 50 samples of which 2 misses."""
    assert Scale(concurrency=8, tries=5, repeats=5, samples=50, misses=2) == FULL


@pytest.fixture
def busy_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The lesson's app in process, instant work, having already built and imported before."""
    monkeypatch.setattr(lesson_app, "WORK_SECONDS", 0)
    report_cache.clear()
    counters.reset()
    counters.reports_built, counters.imports_handled = 40, 7  # earlier traffic
    yield
    report_cache.clear()
    counters.reset()


def in_process_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://lesson")


@pytest.mark.asyncio
@pytest.mark.usefixtures("busy_app")
async def test_measurements_count_only_the_work_they_caused() -> None:
    """Work is a difference of /stats: what the server did before a measurement never counts."""
    scale = Scale(concurrency=1, tries=2, repeats=3, samples=4, misses=2)
    async with in_process_client() as client:
        cache = await measure_cache(client, scale)
        limit = await measure_limit(client)
        latency = await measure_latency(client, scale.samples, scale.misses)
    assert (cache.uncached_builds, cache.cached_builds) == (3, 1)
    assert cache.cached_flags == [False, True, True]
    assert (limit.status, limit.handler_calls, limit.body_size) == (413, 0, 1024 * 1024 + 2)
    assert latency.builds == 2
    # 3 uncached builds, 1 per cached try, 1 per latency miss: nothing else was built.
    assert counters.reports_built == 40 + 3 + 2 + 2
    assert counters.imports_handled == 7


@pytest.mark.asyncio
@pytest.mark.usefixtures("busy_app")
async def test_a_failed_request_stops_a_burst_instead_of_being_timed() -> None:
    """A burst that gets an error answer raises it: a 404 is not a latency."""
    async with in_process_client() as client:
        with pytest.raises(httpx.HTTPStatusError, match="404 Not Found"):
            await burst(client, "/work/nowhere", concurrency=2)


def test_each_silent_upstream_listens_on_its_own_free_port() -> None:
    """Two silent upstreams at once (two test workers) get two different free ports."""
    first, second = HangingUpstream(), HangingUpstream()
    try:
        assert first.url != second.url
        assert first.url.startswith("http://127.0.0.1:")
    finally:
        first.close()
        second.close()


def test_importing_the_tool_measures_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only `python -m` runs a measurement: executing measure.py as a module starts no server."""

    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("importing measure.py started a server")

    monkeypatch.setattr(testkit, "serve", no_server)
    path = Path(__file__).with_name("measure.py")
    namespace = {"__name__": "lessons.34_performance.measure", "__package__": __package__}
    # As an import would run it, not as -m; under its real path, so coverage finds the source.
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
