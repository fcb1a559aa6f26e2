"""Stop the cache stampede: build a cold report once, however many ask for it at once.

When several requests for the same uncached report arrive together, each one misses the
cache and builds the report itself (the test counts the builds). Change `cached_report` in
app.py so that only the first request builds it while the others wait and then read it
from the cache: one build per report, not one per request.
"""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from ..app import app, counters, report_cache

HINT = (
    "Give each report id its own threading.Lock (keep them in a dict, guarded by one more "
    "lock). Once you hold it, look in the cache again: another request may have built the "
    "report while you waited."
)

REQUESTS = 6


@pytest.fixture(autouse=True)
def cold_cache() -> Iterator[None]:
    report_cache.clear()
    counters.reset()
    yield
    report_cache.clear()
    counters.reset()


@pytest.mark.asyncio
async def test_concurrent_requests_for_a_cold_report_build_it_once() -> None:
    """Six simultaneous requests for one uncached report: one build, five cache hits."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        responses = await asyncio.gather(*(client.get("/reports/42") for _ in range(REQUESTS)))
    assert [r.status_code for r in responses] == [200] * REQUESTS
    assert counters.reports_built == 1, f"{counters.reports_built} builds: a stampede"
    assert sorted(r.json()["cached"] for r in responses) == [False] + [True] * (REQUESTS - 1)
