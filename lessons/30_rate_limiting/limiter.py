"""A fixed-window rate limiter, written out in full so the algorithm is visible.

Time is split into windows of `window_seconds` (12:00:00-12:00:59, 12:01:00-12:01:59, ...).
Each client has one counter per window; a request adds one, and the request is refused
once the counter passes the limit. When the next window starts the client starts again
from zero, and `Retry-After` tells a refused client how many seconds that is away.

Nothing here reads the clock: the caller passes `now`, so tests control time exactly.
"""

from __future__ import annotations

import ipaddress
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import redis


@dataclass(frozen=True)
class Rule:
    """At most `limit` requests per client in each window of `window_seconds`."""

    name: str
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int  # requests left in this window
    retry_after: int  # whole seconds until this window ends (rounded up)


class Store(Protocol):
    """Where the counters live: one process's memory, or a server all instances share."""

    def hit(self, key: str, window: int, ttl: int) -> int:
        """Add one to `key`'s counter for `window` and return the new count.

        `ttl` is how many seconds the counter must be kept; after that it may be dropped.
        """
        ...


def check(rule: Rule, store: Store, client: str, now: float) -> Decision:
    """Count one request of `client` at time `now` (seconds) against `rule`."""
    window = int(now // rule.window_seconds)  # 0, 1, 2, ... since the epoch
    window_ends_at = (window + 1) * rule.window_seconds
    # Retry-After is a whole number of seconds. Round UP: rounding down would send the
    # client back while the window is still open, straight into another 429. `now` is
    # inside the window, so some time is always left: this is never 0.
    seconds_left = math.ceil(window_ends_at - now)
    count = store.hit(f"{rule.name}:{client}", window, ttl=seconds_left)
    return Decision(
        allowed=count <= rule.limit,
        remaining=max(0, rule.limit - count),
        retry_after=seconds_left,
    )


class MemoryStore:
    """Counters in this process's memory: right for one process, wrong for several.

    Each key remembers only its current window, so a new window resets it and memory
    stays one entry per client and rule. The lock matters: FastAPI runs `def`
    dependencies in a thread pool, so two requests can count at the same moment.
    """

    def __init__(self) -> None:
        self._counters: dict[str, tuple[int, int]] = {}  # key -> (window, count)
        self._lock = threading.Lock()

    def hit(self, key: str, window: int, ttl: int) -> int:
        with self._lock:
            counted_window, count = self._counters.get(key, (window, 0))
            if counted_window != window:
                count = 0  # a new window: start again from zero
            self._counters[key] = (window, count + 1)
            return count + 1


# INCR and EXPIRE in one Lua script: Redis runs a script atomically, so no other client's
# command lands between the two. (Two separate calls could leave a counter without an
# expiry if the process died in between, and a read-then-write would lose updates.)
INCREMENT_WITH_EXPIRY = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


class RedisStore:
    """Counters in Redis: every app instance that talks to the same Redis shares them."""

    def __init__(self, client: redis.Redis, prefix: str = "ratelimit", grace: int = 5) -> None:
        self.client = client
        self.prefix = prefix
        # Keep a counter `grace` seconds past its window: an instance whose clock runs a
        # little behind may still count into it, and must not find it gone (back to 0).
        self.grace = grace
        self._increment = client.register_script(INCREMENT_WITH_EXPIRY)

    def key_for(self, key: str, window: int) -> str:
        # The window number is part of the key, so a new window is a new counter: the
        # reset follows the clock the limiter was given, not Redis' own clock. The
        # expiry only clears away counters nobody will ask for again.
        return f"{self.prefix}:{key}:{window}"

    def hit(self, key: str, window: int, ttl: int) -> int:
        return int(self._increment(keys=[self.key_for(key, window)], args=[ttl + self.grace]))


def client_address(
    peer: str | None, forwarded_for: Iterable[str], trusted_proxies: frozenset[str]
) -> str:
    """The address to rate-limit: the TCP peer, unless that peer is a proxy we trust.

    Anyone can send an `X-Forwarded-For` header, so it is only believed when the request
    comes from one of `trusted_proxies`. A proxy APPENDS the address it saw, so the
    entries on the right were written by our proxies and the left ones by whoever sent
    the request: walk from the right, skip our proxies, and take the first other entry.
    """
    if peer is None:
        return "unknown"
    if peer not in trusted_proxies:
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
    for hop in reversed(hops):
        if hop in trusted_proxies:
            continue
        try:
            # Normalised, so one address cannot hide behind several spellings.
            return str(ipaddress.ip_address(hop))
        except ValueError:
            break  # not an address: believe none of the header
    return peer
