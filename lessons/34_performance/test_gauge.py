"""Lesson 34 claims: the in-flight gauge counts overlap exactly; each work endpoint uses it."""

import threading

import pytest
from fastapi.testclient import TestClient

from . import app as lesson_app
from .app import InFlight, app, in_flight

client = TestClient(app)


def test_gauge_counts_everyone_inside_at_the_same_moment() -> None:
    """Threads that meet at a barrier inside the gauge see 1, 2, ..., N: the peak is N."""
    gauge, threads_count = InFlight(), 5
    # Nobody passes the barrier until all are inside: a true overlap, with no sleep at all.
    barrier = threading.Barrier(threads_count, timeout=30)
    entered: list[int] = []

    def worker() -> None:
        with gauge as n:
            entered.append(n)
            barrier.wait()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(entered) == list(range(1, threads_count + 1))
    assert gauge.now == 0, "everyone left, so the gauge is back to zero"


def test_gauge_counts_down_even_when_the_work_fails() -> None:
    """An exception inside the block still leaves the gauge: a failure cannot inflate it."""
    gauge = InFlight()
    with pytest.raises(RuntimeError), gauge:
        raise RuntimeError("the slow call failed")
    assert gauge.now == 0
    with gauge as n:
        assert n == 1


@pytest.mark.parametrize(
    "path", ["/work/blocking-in-async", "/work/blocking-in-def", "/work/async-io"]
)
def test_a_lone_request_to_each_work_endpoint_sees_only_itself(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alone, every work endpoint reports 1 in flight (itself) and leaves the gauge at 0."""
    monkeypatch.setattr(lesson_app, "WORK_SECONDS", 0)  # alone, its duration is irrelevant
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"in_flight_on_entry": 1}
    assert in_flight.now == 0
