"""Lesson 30 claims: per-process counters multiply the limit; a shared Redis store keeps it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import redis
from fastapi.testclient import TestClient

from .app import SEARCH_LIMIT, create_app
from .conftest import FakeClock
from .limiter import MemoryStore, RedisStore, Store


def count_admitted(instances: list[TestClient], requests: int) -> list[int]:
    """Send `requests` searches, alternating between the instances (a load balancer)."""
    return [
        instances[number % len(instances)].get("/search", params={"q": "mug"}).status_code
        for number in range(requests)
    ]


@contextmanager
def two_instances(first: Store, second: Store, clock: FakeClock) -> Iterator[list[TestClient]]:
    """Two separate app instances ("servers"), each with its own store object."""
    peer = ("203.0.113.7", 50000)  # the same client reaches both instances
    with (
        TestClient(create_app(store=first, clock=clock), client=peer) as one,
        TestClient(create_app(store=second, clock=clock), client=peer) as other,
    ):
        yield [one, other]


def test_two_instances_with_in_memory_counters_let_2n_through(clock: FakeClock) -> None:
    """Each process counts only what it sees: behind a load balancer the client gets 2N."""
    with two_instances(MemoryStore(), MemoryStore(), clock) as instances:
        statuses = count_admitted(instances, 3 * SEARCH_LIMIT.limit)
    assert statuses.count(200) == 2 * SEARCH_LIMIT.limit, "N per instance, 2N in total"


def test_two_instances_sharing_redis_let_exactly_n_through(
    redis_client: redis.Redis, clock: FakeClock
) -> None:
    """With one Redis behind both instances the client gets exactly N, then 429 from either."""
    with two_instances(RedisStore(redis_client), RedisStore(redis_client), clock) as instances:
        statuses = count_admitted(instances, 3 * SEARCH_LIMIT.limit)
        refused = instances[0].get("/search", params={"q": "mug"})
    assert statuses.count(200) == SEARCH_LIMIT.limit, "the limit holds across instances"
    assert statuses[SEARCH_LIMIT.limit :] == [429] * (2 * SEARCH_LIMIT.limit)
    assert refused.headers["Retry-After"] == str(SEARCH_LIMIT.window_seconds - 10)


def test_redis_window_resets_with_the_injected_clock(
    redis_client: redis.Redis, clock: FakeClock
) -> None:
    """The window number is part of the Redis key, so the fake clock starts a new window."""
    with two_instances(RedisStore(redis_client), RedisStore(redis_client), clock) as instances:
        assert count_admitted(instances, SEARCH_LIMIT.limit + 1)[-1] == 429
        clock.advance(SEARCH_LIMIT.window_seconds)
        statuses = count_admitted(instances, SEARCH_LIMIT.limit + 1)
    assert statuses == [200] * SEARCH_LIMIT.limit + [429], "a full budget in the next window"


def test_redis_counters_expire_when_their_window_ends(
    redis_client: redis.Redis, clock: FakeClock
) -> None:
    """Each counter expires when its window ends (plus the store's grace): Redis never fills up."""
    store = RedisStore(redis_client)
    with TestClient(create_app(store=store, clock=clock), client=("203.0.113.7", 1)) as client:
        client.get("/search", params={"q": "mug"})
    window = int(clock.now // SEARCH_LIMIT.window_seconds)
    key = store.key_for(f"{SEARCH_LIMIT.name}:203.0.113.7", window)
    assert redis_client.keys("*") == [key.encode()], "one counter, named after its window"
    assert redis_client.get(key) == b"1"
    assert store.grace == 5, "the documented default: five seconds past the window's end"
    # The clock starts 10 s into a 60 s window: 50 s left, plus the grace, is 55 s. Redis
    # counts the TTL down in real time: allow five seconds on a slow machine (still well
    # below a whole window). A TTL of -1 would mean the counter never expires.
    ttl = redis_client.ttl(key)
    assert 50 <= ttl <= 55, ttl


STORES = ["memory", "redis"]


@pytest.mark.parametrize("kind", STORES)
def test_concurrent_hits_each_get_their_own_count(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """Threads released together all count: the counts are exactly 1..k, none lost."""
    store: Store
    if kind == "redis":
        store = RedisStore(request.getfixturevalue("redis_client"))
    else:
        store = MemoryStore()
    threads = 16
    start_line = threading.Barrier(threads)  # every thread is ready before any counts

    def hit() -> int:
        start_line.wait(timeout=30)
        return store.hit("search:203.0.113.7", window=1, ttl=60)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        counts = list(pool.map(lambda _: hit(), range(threads)))
    assert sorted(counts) == list(range(1, threads + 1))


def test_a_read_then_write_counter_loses_updates(redis_client: redis.Redis) -> None:
    """Why the store uses one atomic script: GET-then-SET lets two instances both count "1"."""
    both_have_read = threading.Barrier(2)

    def naive_hit(key: str) -> int:
        count = int(redis_client.get(key) or 0) + 1
        both_have_read.wait(timeout=30)  # the other instance reads before this one writes
        redis_client.set(key, count)
        return count

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(naive_hit, ["naive", "naive"]))
    assert counts == [1, 1], "both requests believe they are the first"
    assert redis_client.get("naive") == b"1", "two hits, one counted: the limit leaks"
