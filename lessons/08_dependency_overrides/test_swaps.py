"""Lesson 08 claims: the four swaps every FastAPI test suite needs — a database, the current
user, the settings, and an outbound HTTP client (httpx.MockTransport: no network at all).
"""

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from .app import (
    Settings,
    User,
    app,
    connect,
    get_current_user,
    get_db,
    get_settings,
    get_weather_client,
)
from .conftest import SetOverride
from .overrides import Dependency, overridden

client = TestClient(app)
DEMO = {"X-Token": "demo-token"}
ROLES = ["user", "admin"]


# --- A database ------------------------------------------------------------------------
def test_swapped_database_receives_the_writes(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """With get_db overridden, the route writes to and reads from the test's database."""
    override(get_db, lambda: memory_db)
    created = client.post("/notes", json={"text": "buy milk"}, headers=DEMO)
    assert created.status_code == 201
    assert created.json() == {"id": 1, "owner": "demo", "text": "buy milk"}
    assert memory_db.execute("SELECT owner, text FROM notes").fetchall() == [("demo", "buy milk")]
    assert client.get("/notes", headers=DEMO).json() == [created.json()]


def test_each_swapped_database_starts_empty() -> None:
    """Two tests, two fresh databases: what one writes, the other never sees."""
    seen: list[list[dict[str, object]]] = []
    for text in ("first test's note", "second test's note"):
        with closing(connect(":memory:")) as database, overridden(app, {get_db: lambda: database}):
            client.post("/notes", json={"text": text}, headers=DEMO)
            seen.append(client.get("/notes", headers=DEMO).json())
    assert [[note["text"] for note in notes] for notes in seen] == [
        ["first test's note"],
        ["second test's note"],
    ]


# --- The current user ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user", "status"),
    [(User(name="ada", role="admin"), 200), (User(name="bob", role="user"), 403)],
)
def test_swapped_current_user_decides_the_admin_check(
    override: SetOverride, memory_db: sqlite3.Connection, user: User, status: int
) -> None:
    """Injecting an admin passes require_admin; injecting a regular user gets 403."""
    override(get_db, lambda: memory_db)
    override(get_current_user, lambda: user)
    assert client.get("/admin/notes").status_code == status


def test_without_the_user_override_the_real_token_check_applies(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """The real get_current_user: no token or an unknown one → 401, the demo token → demo."""
    override(get_db, lambda: memory_db)
    assert client.get("/me").status_code == 401
    assert client.get("/me", headers={"X-Token": "forged"}).status_code == 401
    assert client.get("/me", headers=DEMO).json() == {"name": "demo", "role": "user"}


@given(name=st.text(min_size=1, max_size=30), role=st.sampled_from(ROLES))
def test_any_injected_user_is_exactly_the_user_routes_see(name: str, role: str) -> None:
    """Hypothesis: for any fake user, /me returns it and /admin/notes admits it ⇔ it is an admin."""
    user = User.model_validate({"name": name, "role": role})
    with (
        closing(connect(":memory:")) as database,
        overridden(app, {get_current_user: lambda: user, get_db: lambda: database}),
    ):
        assert client.get("/me").json() == {"name": name, "role": role}
        admitted = client.get("/admin/notes").status_code
    assert admitted == (200 if role == "admin" else 403)


# --- Settings --------------------------------------------------------------------------
def test_swapped_settings_change_the_note_length_limit(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """With max_note_length=5 injected, 5 characters pass and 6 get a 422 naming the limit."""
    override(get_db, lambda: memory_db)
    override(get_settings, lambda: Settings(max_note_length=5))
    assert client.post("/notes", json={"text": "12345"}, headers=DEMO).status_code == 201
    too_long = client.post("/notes", json={"text": "123456"}, headers=DEMO)
    assert too_long.status_code == 422
    assert too_long.json() == {"detail": "a note has at most 5 characters"}


@given(limit=st.integers(min_value=1, max_value=30), text=st.text(min_size=1, max_size=40))
def test_note_length_limit_always_comes_from_the_injected_settings(limit: int, text: str) -> None:
    """Hypothesis: for any limit and text, 201 ⇔ len(text) ≤ limit, and the text round-trips."""
    settings = Settings(max_note_length=limit)
    with closing(connect(":memory:")) as database:
        replacements: dict[Dependency, Dependency] = {
            get_settings: lambda: settings,
            get_db: lambda: database,
        }
        with overridden(app, replacements):
            response = client.post("/notes", json={"text": text}, headers=DEMO)
        stored = database.execute("SELECT text FROM notes").fetchall()
    if len(text) <= limit:
        assert response.status_code == 201
        assert stored == [(text,)], "stored exactly as sent"
    else:
        assert response.status_code == 422
        assert stored == [], "a rejected note is not written"


# --- An outbound HTTP client -----------------------------------------------------------
Upstream = Callable[[httpx.Request], httpx.Response]


class FakeWeatherService:
    """Stands in for the weather API: records each request and answers with `reply`."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.reply: Upstream = lambda request: httpx.Response(200, json={"temperature_c": 21.5})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)


@pytest.fixture
def weather_service(override: SetOverride) -> Iterator[FakeWeatherService]:
    """Override get_weather_client with a client whose transport is the fake: no network."""
    service = FakeWeatherService()
    transport = httpx.MockTransport(service.handle)
    with httpx.Client(transport=transport, base_url="https://weather.test") as fake_client:
        override(get_weather_client, lambda: fake_client)
        yield service


def test_swapped_http_client_answers_without_any_network(
    weather_service: FakeWeatherService,
) -> None:
    """The route calls the fake weather API through the injected client and maps its answer."""
    response = client.get("/weather/Paris")
    assert response.status_code == 200
    assert response.json() == {"city": "Paris", "temperature_c": 21.5}
    (sent,) = weather_service.requests
    assert sent.method == "GET"
    assert str(sent.url) == "https://weather.test/v1/current?city=Paris"


def test_the_real_weather_client_is_configured_from_the_settings() -> None:
    """Without an override, get_weather_client builds its client from the injected settings."""
    settings = Settings(weather_url="https://weather.test", weather_timeout_seconds=2.5)
    dependency = get_weather_client(settings)
    weather_client = next(dependency)
    assert str(weather_client.base_url) == "https://weather.test"
    assert weather_client.timeout == httpx.Timeout(2.5)
    assert next(dependency, None) is None  # the teardown: the `with` block closes the client
    assert weather_client.is_closed, "the client must be closed after the request"


def raise_connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def raise_read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("upstream too slow", request=request)


@pytest.mark.parametrize(
    "reply",
    [
        lambda request: httpx.Response(500, json={"error": "boom"}),
        lambda request: httpx.Response(404),
        lambda request: httpx.Response(200, text="<html>not json</html>"),
        lambda request: httpx.Response(200, json={"temp": 20}),
        lambda request: httpx.Response(200, json=["not", "an", "object"]),
        lambda request: httpx.Response(200, content=json.dumps({"temperature_c": float("nan")})),
        raise_connect_error,
        raise_read_timeout,
    ],
    ids=[
        "upstream-500",
        "upstream-404",
        "not-json",
        "missing-field",
        "wrong-shape",
        "nan",
        "connect-error",
        "timeout",
    ],
)
def test_any_upstream_failure_becomes_a_502(
    weather_service: FakeWeatherService, reply: Upstream
) -> None:
    """Every way the upstream can fail reaches our client as one clear 502, never a 500."""
    weather_service.reply = reply
    response = client.get("/weather/Paris")
    assert response.status_code == 502
    assert response.json() == {"detail": "weather service unavailable"}
    assert len(weather_service.requests) == 1, "the fake was called; nothing else was"
