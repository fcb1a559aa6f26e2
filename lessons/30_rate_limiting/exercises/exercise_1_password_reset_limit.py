"""Rate-limit a new route with its own rule

In lessons/30_rate_limiting/app.py, add `POST /password-reset`, which takes a JSON body
`{"username": ...}` (1 to 64 characters) and answers 202 `{"status": "sent"}`. Each reset
sends an email, so limit it with a new rule named "reset": at most 3 requests per client
in a 300-second window, counted separately from login and search. Document its 429.
"""

import math

from fastapi.testclient import TestClient

from ..app import LOGIN_LIMIT, create_app
from ..conftest import FakeClock
from ..limiter import MemoryStore

HINT = (
    "Define a Rule next to LOGIN_LIMIT and attach `Depends(rate_limit(...))` to the new "
    "route the way /login does; `responses=TOO_MANY` documents the 429."
)

WINDOW = 300
RESET = {"username": "alice"}


def test_password_reset_allows_three_per_window_then_429(clock: FakeClock) -> None:
    """Three resets pass with 202; the fourth gets 429 and Retry-After = seconds left of 300 s."""
    with TestClient(create_app(store=MemoryStore(), clock=clock)) as client:
        allowed = [client.post("/password-reset", json=RESET) for _ in range(3)]
        refused = client.post("/password-reset", json=RESET)
    assert [r.status_code for r in allowed] == [202, 202, 202]
    assert allowed[0].json() == {"status": "sent"}
    assert [r.headers["X-RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
    assert allowed[0].headers["X-RateLimit-Limit"] == "3"
    assert refused.status_code == 429, f"the 4th reset got {refused.status_code}"
    seconds_left = math.ceil((clock.now // WINDOW + 1) * WINDOW - clock.now)
    assert refused.headers["Retry-After"] == str(seconds_left)


def test_the_reset_window_is_300_seconds_not_60(clock: FakeClock) -> None:
    """A minute later the reset limit still holds (a 60 s window would have reset); at the
    end of the 300 s window it lets requests through again."""
    with TestClient(create_app(store=MemoryStore(), clock=clock)) as client:
        for _ in range(3):
            client.post("/password-reset", json=RESET)
        clock.advance(60)
        assert client.post("/password-reset", json=RESET).status_code == 429
        clock.advance((clock.now // WINDOW + 1) * WINDOW - clock.now)  # the next window
        assert client.post("/password-reset", json=RESET).status_code == 202


def test_the_reset_budget_is_separate_from_login_and_validated(clock: FakeClock) -> None:
    """Using up login leaves every reset; a bad body is a 422; the 429 is documented."""
    app = create_app(store=MemoryStore(), clock=clock)
    with TestClient(app) as client:
        for _ in range(LOGIN_LIMIT.limit + 1):
            client.post("/login", json={"username": "alice", "password": "guess"})
        assert client.post("/password-reset", json=RESET).status_code == 202
        assert client.post("/password-reset", json={"username": ""}).status_code == 422
        assert client.post("/password-reset", json={"username": "x" * 65}).status_code == 422
    documented = app.openapi()["paths"]["/password-reset"]["post"]["responses"]
    assert set(documented) == {"202", "422", "429"}
