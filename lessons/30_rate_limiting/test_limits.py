"""Lesson 30 claims: N requests per window per client, then 429 with an exact Retry-After."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient

from .app import LOGIN_LIMIT, SEARCH_LIMIT, create_app
from .conftest import FakeClock
from .limiter import Decision, MemoryStore, Rule

WRONG_PASSWORD = {"username": "alice", "password": "guess"}
RIGHT_PASSWORD = {"username": "alice", "password": "correct horse battery staple"}


@pytest.fixture
def client(clock: FakeClock) -> Iterator[TestClient]:
    """A fresh app (empty in-memory counters) on the fake clock, seen from one address."""
    app = create_app(store=MemoryStore(), clock=clock)
    with TestClient(app, client=("203.0.113.7", 50000)) as test_client:
        yield test_client


class Reply(Protocol):
    """What these tests read from a test-client response (httpx or httpx2 alike)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    def json(self) -> Any: ...


def failed_login(client: TestClient) -> Reply:
    return client.post("/login", json=WRONG_PASSWORD)


def search_mugs(client: TestClient) -> Reply:
    return client.get("/search", params={"q": "mug"})


ROUTES: list[tuple[Rule, Callable[[TestClient], Reply], int]] = [
    (LOGIN_LIMIT, failed_login, 401),  # within the limit a wrong password is a plain 401
    (SEARCH_LIMIT, search_mugs, 200),
]


@pytest.mark.parametrize(("rule", "send", "allowed_status"), ROUTES, ids=["login", "search"])
def test_requests_beyond_the_limit_get_429_with_retry_after(
    client: TestClient,
    clock: FakeClock,
    rule: Rule,
    send: Callable[[TestClient], Reply],
    allowed_status: int,
) -> None:
    """The first N requests in a window pass; request N+1 gets 429 and a Retry-After."""
    seconds_into_window = clock.now % rule.window_seconds  # the fixture starts 10 s in
    for number in range(1, rule.limit + 1):
        response = send(client)
        assert response.status_code == allowed_status, f"request {number} of {rule.limit}"

    refused = send(client)
    assert refused.status_code == 429, f"request {rule.limit + 1} must be refused"
    # The window closes window_seconds - seconds_into_window seconds from now.
    assert refused.headers["Retry-After"] == str(int(rule.window_seconds - seconds_into_window))
    assert refused.json() == {
        "detail": f"Too many {rule.name} requests; retry in {refused.headers['Retry-After']} s"
    }


def test_the_documented_limits_are_5_logins_and_30_searches_a_minute(
    client: TestClient,
) -> None:
    """The README's numbers, literally: the 6th login and the 31st search in a minute get 429."""
    logins = [failed_login(client).status_code for _ in range(6)]
    assert logins == [401] * 5 + [429], "login allows 5 attempts per minute, not more or fewer"
    searches = [search_mugs(client) for _ in range(31)]
    assert [response.status_code for response in searches] == [200] * 30 + [429], "30 searches"
    assert searches[0].headers["X-RateLimit-Limit"] == "30"
    # The fixture's clock is 10 s into a minute: both windows close 50 s from now.
    assert searches[-1].headers["Retry-After"] == "50", "a 60-second window"


def test_successful_responses_count_down_the_remaining_requests(client: TestClient) -> None:
    """A 200 carries X-RateLimit-Limit and an X-RateLimit-Remaining that falls to 0."""
    for number in range(1, SEARCH_LIMIT.limit + 1):
        response = search_mugs(client)
        assert response.headers["X-RateLimit-Limit"] == str(SEARCH_LIMIT.limit)
        assert response.headers["X-RateLimit-Remaining"] == str(SEARCH_LIMIT.limit - number)


def test_headers_set_by_the_dependency_are_lost_when_the_route_raises(
    client: TestClient,
) -> None:
    """A 401 raised by the handler drops the headers the limiter set on the injected Response."""
    response = failed_login(client)
    assert response.status_code == 401
    assert "X-RateLimit-Remaining" not in response.headers, (
        "HTTPException builds a new response; only its own `headers=` reach the client"
    )


def test_retry_after_is_the_earliest_whole_second_a_retry_succeeds(
    client: TestClient, clock: FakeClock
) -> None:
    """Retry-After rounds up: one second earlier is still refused, at Retry-After it passes."""
    clock.advance(0.25)  # a fractional time, so rounding matters: 49.75 s are left
    for _ in range(SEARCH_LIMIT.limit):
        search_mugs(client)
    refused = search_mugs(client)
    retry_after = int(refused.headers["Retry-After"])
    assert retry_after == 50, "49.75 s left must round UP to 50, never down to 49"

    clock.advance(retry_after - 1)
    too_early = search_mugs(client)
    assert too_early.status_code == 429, "one second before Retry-After is still inside"
    assert too_early.headers["Retry-After"] == "1"

    clock.advance(1)
    assert search_mugs(client).status_code == 200, "a retry after Retry-After seconds passes"


def test_retry_after_is_never_0_even_at_a_windows_last_instant(
    client: TestClient, clock: FakeClock
) -> None:
    """At the last representable instant of a window it is still refused, with Retry-After 1."""
    for _ in range(SEARCH_LIMIT.limit):
        search_mugs(client)
    window_ends_at = (clock.now // 60 + 1) * 60
    clock.now = math.nextafter(window_ends_at, 0)  # a hair (0.2 microseconds) before the end
    refused = search_mugs(client)
    assert refused.status_code == 429, "the last instant still belongs to the old window"
    assert refused.headers["Retry-After"] == "1", "0 would invite an immediate retry"
    assert refused.json() == {"detail": "Too many search requests; retry in 1 s"}

    clock.now = window_ends_at
    assert search_mugs(client).status_code == 200, "the boundary itself starts the new window"


def test_window_resets_with_the_injected_clock(client: TestClient, clock: FakeClock) -> None:
    """Moving the fake clock into the next window gives the client N fresh requests; no sleep."""
    statuses = [search_mugs(client).status_code for _ in range(SEARCH_LIMIT.limit + 3)]
    assert statuses.count(200) == SEARCH_LIMIT.limit

    clock.advance(SEARCH_LIMIT.window_seconds)
    statuses = [search_mugs(client).status_code for _ in range(SEARCH_LIMIT.limit + 3)]
    assert statuses.count(200) == SEARCH_LIMIT.limit, "the new window starts from zero"
    assert statuses[SEARCH_LIMIT.limit :] == [429, 429, 429]


def test_login_is_limited_more_strictly_than_search(client: TestClient) -> None:
    """Login allows fewer requests than search, and each route has its own counter."""
    assert LOGIN_LIMIT.limit < SEARCH_LIMIT.limit
    assert LOGIN_LIMIT.window_seconds >= SEARCH_LIMIT.window_seconds

    login_statuses = [failed_login(client).status_code for _ in range(LOGIN_LIMIT.limit + 1)]
    assert login_statuses == [401] * LOGIN_LIMIT.limit + [429]
    # The same client, locked out of login, still has its whole search budget.
    search_statuses = [search_mugs(client).status_code for _ in range(SEARCH_LIMIT.limit + 1)]
    assert search_statuses == [200] * SEARCH_LIMIT.limit + [429]


def test_failed_and_malformed_logins_use_up_the_budget(
    client: TestClient, clock: FakeClock
) -> None:
    """The limit runs before validation and the password check: then even the right one is 429."""
    for attempt in range(LOGIN_LIMIT.limit):
        if attempt % 2:
            assert failed_login(client).status_code == 401
        else:
            assert client.post("/login", json={"username": ""}).status_code == 422

    locked_out = client.post("/login", json=RIGHT_PASSWORD)
    assert locked_out.status_code == 429, "a guesser must not learn the password is right"

    clock.advance(LOGIN_LIMIT.window_seconds)
    assert client.post("/login", json=RIGHT_PASSWORD).json() == {"token": "demo-token-for-alice"}


def test_each_client_address_has_its_own_budget(clock: FakeClock) -> None:
    """Another address is not affected when one client is locked out."""
    app = create_app(store=MemoryStore(), clock=clock)
    with (
        TestClient(app, client=("203.0.113.7", 50000)) as noisy,
        TestClient(app, client=("203.0.113.8", 50000)) as quiet,
    ):
        for _ in range(LOGIN_LIMIT.limit + 1):
            failed_login(noisy)
        assert failed_login(noisy).status_code == 429
        assert failed_login(quiet).status_code == 401


def test_fixed_window_admits_a_burst_of_2n_across_a_boundary(
    client: TestClient, clock: FakeClock
) -> None:
    """The fixed window's known weakness: N just before a boundary, N just after, 2N in 0.1 s."""
    clock.advance(LOGIN_LIMIT.window_seconds - 10 - 0.05)  # 0.05 s before the window ends
    before = [failed_login(client).status_code for _ in range(LOGIN_LIMIT.limit)]
    clock.advance(0.1)  # 0.05 s after the boundary
    after = [failed_login(client).status_code for _ in range(LOGIN_LIMIT.limit)]
    assert before + after == [401] * (2 * LOGIN_LIMIT.limit), "2N guesses within 0.1 s"
    assert failed_login(client).status_code == 429


def test_bad_search_and_login_input_gets_422_not_500(client: TestClient) -> None:
    """Missing, empty or malformed input is a 422, not a server error."""
    assert client.get("/search").status_code == 422
    assert client.get("/search", params={"q": ""}).status_code == 422
    not_json = {"content-type": "application/json"}
    assert client.post("/login", content=b"{not json", headers=not_json).status_code == 422
    assert client.post("/login", json={"username": "alice"}).status_code == 422


INPUT_EDGES = [  # (case id, path, query or JSON body, expected status)
    ("q-1", "/search", {"q": "x"}, 200),
    ("q-100", "/search", {"q": "x" * 100}, 200),
    ("q-101", "/search", {"q": "x" * 101}, 422),
    ("username-0", "/login", {"username": "", "password": "guess"}, 422),
    ("username-1", "/login", {"username": "a", "password": "guess"}, 401),
    ("username-64", "/login", {"username": "a" * 64, "password": "guess"}, 401),
    ("username-65", "/login", {"username": "a" * 65, "password": "guess"}, 422),
    ("password-0", "/login", {"username": "alice", "password": ""}, 422),
    ("password-1", "/login", {"username": "alice", "password": "p"}, 401),
    ("password-128", "/login", {"username": "alice", "password": "p" * 128}, 401),
    ("password-129", "/login", {"username": "alice", "password": "p" * 129}, 422),
]


@pytest.mark.parametrize(
    ("path", "payload", "status"),
    [case[1:] for case in INPUT_EDGES],
    ids=[case[0] for case in INPUT_EDGES],
)
def test_inputs_are_bounded_at_the_documented_lengths(
    client: TestClient, path: str, payload: dict[str, str], status: int
) -> None:
    """q is 1-100 characters, username 1-64, password 1-128: each edge in, one past it a 422."""
    if path == "/search":
        response = client.get(path, params=payload)
    else:
        response = client.post(path, json=payload)
    lengths = {field: len(value) for field, value in payload.items()}
    assert response.status_code == status, f"{path} with lengths {lengths}"


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "älice", "password": "guess"},
        {"username": "alice", "password": "correct horse battery stäple"},
        {"username": "アリス", "password": "パスワード"},
    ],
    ids=["username", "password", "both"],
)
def test_non_ascii_credentials_are_a_401_not_a_500(
    client: TestClient, credentials: dict[str, str]
) -> None:
    """compare_digest refuses non-ASCII str; comparing UTF-8 bytes turns a crash into a 401."""
    response = client.post("/login", json=credentials)
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong username or password"}


def test_the_default_clock_is_the_wall_clock() -> None:
    """Without an injected clock the limiter reads time.time: windows every instance agrees on."""
    assert create_app().state.clock is time.time


def test_openapi_documents_the_429_and_401_each_route_can_send() -> None:
    """/login documents 401 and 429, /search documents 429, each with a `detail` string body."""
    paths = create_app().openapi()["paths"]
    login_statuses = set(paths["/login"]["post"]["responses"])
    search_statuses = set(paths["/search"]["get"]["responses"])
    assert login_statuses == {"200", "401", "422", "429"}
    assert search_statuses == {"200", "422", "429"}
    body = paths["/login"]["post"]["responses"]["429"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ErrorMessage"}


def test_rules_and_decisions_are_immutable_values() -> None:
    """A Rule is shared by every request and thread, a Decision is a result: neither can change."""
    rule = Rule(name="login", limit=5, window_seconds=60)  # not LOGIN_LIMIT: keep it intact
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.limit = 1000  # type: ignore[misc]
    decision = Decision(allowed=False, remaining=0, retry_after=50)
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.allowed = True  # type: ignore[misc]
