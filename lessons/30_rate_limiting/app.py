"""Lesson 30: rate limiting with a dependency — per client, per route, shared via Redis.

Serve it with:  uvicorn "lessons.30_rate_limiting.app:app" --no-proxy-headers
Share the counters between instances:  REDIS_URL=redis://127.0.0.1:6379/0 uvicorn ...
Trust a reverse proxy's X-Forwarded-For:  TRUSTED_PROXIES=10.0.0.2 uvicorn ...
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

import redis
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from .limiter import MemoryStore, RedisStore, Rule, Store, check, client_address

# --- The limits -----------------------------------------------------------------------------
# Login is the stricter one: every attempt is a password guess. Search is public and
# cheap to ask for, but each call costs the server work, so it gets a looser limit.
LOGIN_LIMIT = Rule(name="login", limit=5, window_seconds=60)
SEARCH_LIMIT = Rule(name="search", limit=30, window_seconds=60)


# --- The limiter dependency -----------------------------------------------------------------
def client_of(request: Request) -> str:
    """The address this request is counted against (see `client_address`)."""
    return client_address(
        request.client.host if request.client else None,
        # A proxy may add a second header line instead of extending the first one.
        request.headers.getlist("x-forwarded-for"),
        request.app.state.trusted_proxies,
    )


def rate_limit(rule: Rule) -> Callable[[Request, Response], None]:
    """A dependency that counts the request against `rule` and refuses it with 429."""

    # A `def` dependency runs in the thread pool, so a blocking Redis call here does not
    # stall the event loop.
    def limiter(request: Request, response: Response) -> None:
        state = request.app.state
        decision = check(rule, state.store, client_of(request), now=state.clock())
        if not decision.allowed:
            raise HTTPException(
                status_code=429,
                detail=f"Too many {rule.name} requests; retry in {decision.retry_after} s",
                headers={"Retry-After": str(decision.retry_after)},
            )
        response.headers["X-RateLimit-Limit"] = str(rule.limit)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)

    return limiter


# --- Routes ---------------------------------------------------------------------------------
router = APIRouter()

DEMO_USER, DEMO_PASSWORD = "alice", "correct horse battery staple"
CATALOG = ["blue mug", "green mug", "blue teapot", "red kettle"]


class ErrorMessage(BaseModel):
    """The body of a 401 or 429, as documented in the OpenAPI schema."""

    detail: str


# Every limited route can answer 429; saying so lets clients (and generated SDKs) expect it.
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorMessage, "description": "Over the limit; see the Retry-After header"}
}


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


# The limit is a route dependency, so it runs BEFORE the body is validated and before the
# password is checked: failed and malformed attempts use up the budget too.
@router.post(
    "/login",
    dependencies=[Depends(rate_limit(LOGIN_LIMIT))],
    responses={401: {"model": ErrorMessage, "description": "Wrong credentials"}, **TOO_MANY},
)
def login(credentials: Credentials) -> dict[str, str]:
    # compare_digest takes the same time wherever the strings differ; it refuses non-ASCII
    # str (TypeError, a 500), so compare the UTF-8 bytes.
    known = hmac.compare_digest(credentials.username.encode(), DEMO_USER.encode())
    correct = hmac.compare_digest(credentials.password.encode(), DEMO_PASSWORD.encode())
    if not (known and correct):
        raise HTTPException(status_code=401, detail="Wrong username or password")
    return {"token": "demo-token-for-" + DEMO_USER}


@router.get("/search", dependencies=[Depends(rate_limit(SEARCH_LIMIT))], responses=TOO_MANY)
def search(q: str = Query(min_length=1, max_length=100)) -> dict[str, str | list[str]]:
    return {"q": q, "results": [item for item in CATALOG if q.lower() in item]}


@router.get("/whoami")
def whoami(request: Request) -> dict[str, str]:
    """The address the limiter counts this request against (not rate-limited)."""
    return {"client": client_of(request)}


# --- The app --------------------------------------------------------------------------------
def create_app(
    store: Store | None = None,
    clock: Callable[[], float] = time.time,
    trusted_proxies: Iterable[str] = (),
) -> FastAPI:
    """Build an app instance. Each call is a separate "server" with its own settings.

    `clock` is wall-clock time (`time.time`), not `perf_counter`: windows are numbered
    from the epoch, so instances on different machines must agree on which window it is.
    """
    app = FastAPI(title="Lesson 30: rate limiting")
    app.state.store = store if store is not None else MemoryStore()
    app.state.clock = clock
    app.state.trusted_proxies = frozenset(trusted_proxies)
    app.include_router(router)
    return app


def store_from_environment() -> Store:
    """Redis when REDIS_URL is set (needed as soon as there are two instances), else memory."""
    url = os.environ.get("REDIS_URL")
    return RedisStore(redis.Redis.from_url(url)) if url else MemoryStore()


app = create_app(
    store=store_from_environment(),
    # Empty by default: trust no one's X-Forwarded-For until a proxy is configured.
    trusted_proxies=[
        ip.strip() for ip in os.environ.get("TRUSTED_PROXIES", "").split(",") if ip.strip()
    ],
)
