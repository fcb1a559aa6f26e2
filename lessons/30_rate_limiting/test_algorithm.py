"""Lesson 30 claims: the limiter agrees with a simple independent model for any request times."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .conftest import RedisServer
from .limiter import MemoryStore, RedisStore, Rule, Store, check

CLIENTS = ("198.51.100.1", "198.51.100.2")


@pytest.fixture(scope="module", params=["memory", "redis"])
def new_store(request: pytest.FixtureRequest) -> Iterator[Callable[[], Store]]:
    """Makes an empty store per Hypothesis example (a fresh key prefix in the shared Redis)."""
    if request.param == "memory":
        yield MemoryStore
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    prefixes = itertools.count()
    with server.client() as client:
        # Redis expires keys in real time while this test moves a fake clock: a long grace
        # keeps a counter alive however slowly the machine runs through one example.
        yield lambda: RedisStore(client, prefix=f"example-{next(prefixes)}", grace=3600)


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


@given(
    limit=st.integers(min_value=1, max_value=5),
    window_seconds=st.integers(min_value=1, max_value=10),
    start_ms=st.integers(min_value=1_600_000_000_000, max_value=1_800_000_000_000),
    # Gaps between requests in milliseconds (0 = a burst) and who sends each request.
    requests=st.lists(
        st.tuples(st.integers(min_value=0, max_value=4_000), st.sampled_from(CLIENTS)),
        max_size=40,
    ),
)
def test_limiter_agrees_with_an_independent_model(
    new_store: Callable[[], Store],
    limit: int,
    window_seconds: int,
    start_ms: int,
    requests: list[tuple[int, str]],
) -> None:
    """Hypothesis: every decision, Retry-After and count matches a plain model; no window > N."""
    rule = Rule(name="model", limit=limit, window_seconds=window_seconds)
    store = new_store()
    window_ms = window_seconds * 1000

    # The model works in whole milliseconds with integer arithmetic only.
    seen: Counter[tuple[str, int]] = Counter()  # requests per (client, window)
    admitted_at: defaultdict[str, list[int]] = defaultdict(list)
    now_ms = start_ms
    for gap_ms, client in requests:
        now_ms += gap_ms
        window = now_ms // window_ms
        seen[client, window] += 1
        expected_allowed = seen[client, window] <= limit
        expected_retry_after = ceil_div((window + 1) * window_ms - now_ms, 1000)

        decision = check(rule, store, client, now=now_ms / 1000)

        assert decision.allowed == expected_allowed, (client, now_ms, seen[client, window])
        assert decision.retry_after == expected_retry_after, (now_ms, window_seconds)
        assert decision.remaining == max(0, limit - seen[client, window])
        if decision.allowed:
            admitted_at[client].append(now_ms)

    for client, times in admitted_at.items():
        per_window = Counter(t // window_ms for t in times)
        assert max(per_window.values()) <= limit, f"{client}: a window admitted more than N"
        # The fixed window's price: a span of one window length can straddle a boundary
        # and hold up to 2N, never more.
        for first in times:
            in_span = [t for t in times if first <= t < first + window_ms]
            assert len(in_span) <= 2 * limit, f"{client}: more than 2N in one window length"
