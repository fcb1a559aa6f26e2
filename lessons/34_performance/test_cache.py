"""Lesson 34 claims: the report cache cuts repeated work (counted), expires, and stays bounded.

Time is a fake clock injected through the `get_clock` dependency: nothing here sleeps to
make an entry expire.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from . import app as lesson_app
from .app import TTLCache, app, counters, get_clock, report_cache

client = TestClient(app)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    """Empty cache, zeroed counters and a fake clock for each test; all undone afterwards."""
    # These tests count builds rather than time them, so a build may take no time at all.
    monkeypatch.setattr(lesson_app, "WORK_SECONDS", 0)
    fake = FakeClock()
    report_cache.clear()
    counters.reset()
    app.dependency_overrides[get_clock] = lambda: fake
    yield fake
    app.dependency_overrides.clear()
    report_cache.clear()
    counters.reset()


def test_a_repeated_report_is_built_once_then_served_from_the_cache() -> None:
    """Three requests for one report: one build; the 2nd and 3rd say `cached` and match."""
    bodies = [client.get("/reports/7").json() for _ in range(3)]
    assert bodies == [
        {"report_id": 7, "total": 700, "cached": False},
        {"report_id": 7, "total": 700, "cached": True},
        {"report_id": 7, "total": 700, "cached": True},
    ]
    assert counters.reports_built == 1


def test_the_uncached_endpoint_builds_the_report_every_time() -> None:
    """Without the cache, every request repeats the work: two requests, two builds."""
    for _ in range(2):
        response = client.get("/reports/7/uncached")
        assert response.json() == {"report_id": 7, "total": 700, "cached": False}
    assert counters.reports_built == 2


def test_different_reports_are_cached_separately() -> None:
    """Each report id is its own cache entry: two ids, two builds, two different totals."""
    first, second = client.get("/reports/1").json(), client.get("/reports/200").json()
    assert (first["total"], second["total"]) == (100, 20000 % 9973)
    assert client.get("/reports/1").json()["cached"] is True
    assert counters.reports_built == 2


def test_a_cached_report_expires_exactly_at_its_ttl(clock: FakeClock) -> None:
    """Served from the cache until its TTL of 60 s has passed, rebuilt from that moment on."""
    assert client.get("/reports/3").json()["cached"] is False
    clock.now += 60 - 0.001
    assert client.get("/reports/3").json()["cached"] is True
    clock.now += 0.001  # exactly 60 s after it was stored
    assert client.get("/reports/3").json()["cached"] is False
    assert counters.reports_built == 2
    assert client.get("/reports/3").json()["cached"] is True  # the rebuilt entry is cached again


def test_the_cache_evicts_the_least_recently_stored_entry_when_full() -> None:
    """A cache of 2 holding 1 and 2: storing 1 again, then 3, evicts 2 (the oldest store)."""
    cache = TTLCache(ttl=10, max_entries=2)
    cache.put(1, 10, now=0)
    cache.put(2, 20, now=0)
    cache.put(1, 11, now=0)  # re-storing moves 1 to the back of the queue
    cache.put(3, 30, now=0)
    assert len(cache) == 2
    assert [cache.get(key, now=0) for key in (1, 2, 3)] == [11, None, 30]


def test_the_report_cache_holds_at_most_1024_reports() -> None:
    """The app's cache is bounded: storing a 1025th report evicts the first one stored."""
    for report_id in range(1, 1026):
        report_cache.put(report_id, report_id, now=0)
    assert len(report_cache) == 1024
    assert report_cache.get(1, now=0) is None, "the oldest entry was kept"
    assert (report_cache.get(2, now=0), report_cache.get(1025, now=0)) == (2, 1025)


def test_stats_report_the_work_counters() -> None:
    """GET /stats shows how many reports were built and imports handled so far."""
    client.get("/reports/5")
    client.get("/reports/5")
    client.post("/orders/import", json=[{"sku": "A-1", "quantity": 2}])
    assert client.get("/stats").json() == {"reports_built": 1, "imports_handled": 1}


report_id_schema = next(
    parameter["schema"]
    for parameter in app.openapi()["paths"]["/reports/{report_id}"]["get"]["parameters"]
    if parameter["name"] == "report_id"
)
LOWEST, HIGHEST = report_id_schema["minimum"], report_id_schema["maximum"]


@given(
    report_id=st.integers(max_value=LOWEST - 1) | st.integers(min_value=HIGHEST + 1),
    path=st.sampled_from(["/reports/{}", "/reports/{}/uncached"]),
)
def test_a_report_id_outside_the_documented_range_is_422_and_builds_nothing(
    report_id: int, path: str
) -> None:
    """Hypothesis: ids outside the OpenAPI minimum..maximum get 422 and cost no work."""
    before = counters.reports_built
    response = client.get(path.format(report_id))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "report_id"]
    assert counters.reports_built == before


@pytest.mark.parametrize("path", ["/reports/{}", "/reports/{}/uncached"])
def test_report_ids_run_from_1_to_1_000_000_000(path: str) -> None:
    """Ids 1 and 1 000 000 000 are served; 0 and 1 000 000 001 are 422; OpenAPI says so."""
    assert (LOWEST, HIGHEST) == (1, 1_000_000_000), "the documented range changed"
    for report_id, status in [(0, 422), (1, 200), (1_000_000_000, 200), (1_000_000_001, 422)]:
        response = client.get(path.format(report_id))
        assert response.status_code == status, (report_id, response.text)
