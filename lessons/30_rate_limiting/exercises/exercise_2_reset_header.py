"""Tell clients when the window resets

A client that sees `X-RateLimit-Remaining: 0` wants to know how long to wait before it
even tries. In lessons/30_rate_limiting/app.py, make every response that passes the limit
also carry `X-RateLimit-Reset`: the whole seconds until the current window ends, rounded up
exactly as `Retry-After` is.
"""

from fastapi.testclient import TestClient

from ..app import SEARCH_LIMIT, create_app
from ..conftest import FakeClock
from ..limiter import MemoryStore

HINT = (
    "The limiter dependency already has a Decision for this request; one of its fields is "
    "the number you need. Set it on the injected Response next to X-RateLimit-Remaining."
)


def test_allowed_responses_say_when_the_window_resets(clock: FakeClock) -> None:
    """10 s into a minute, X-RateLimit-Reset is 50; at 49.75 s left it rounds up to 50."""
    with TestClient(create_app(store=MemoryStore(), clock=clock)) as client:
        first = client.get("/search", params={"q": "mug"})
        clock.advance(0.25)
        second = client.get("/search", params={"q": "mug"})
    assert first.status_code == second.status_code == 200
    assert first.headers["X-RateLimit-Reset"] == "50"
    assert second.headers["X-RateLimit-Reset"] == "50", "49.75 s left rounds up"


def test_reset_agrees_with_the_retry_after_of_the_next_refusal(clock: FakeClock) -> None:
    """Half a second before the window ends Reset is 1, the same as the 429's Retry-After."""
    clock.advance(49.5)
    with TestClient(create_app(store=MemoryStore(), clock=clock)) as client:
        replies = [
            client.get("/search", params={"q": "mug"}) for _ in range(SEARCH_LIMIT.limit + 1)
        ]
    *allowed, refused = replies
    assert {reply.headers["X-RateLimit-Reset"] for reply in allowed} == {"1"}
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
