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
EVERY_NOTE = [
    {"id": 1, "owner": "ada", "text": "ada's note"},
    {"id": 2, "owner": "bob", "text": "bob's note"},
]


@pytest.mark.parametrize(
    ("user", "status", "body"),
    [
        (User(name="ada", role="admin"), 200, EVERY_NOTE),
        (User(name="bob", role="user"), 403, {"detail": "admins only"}),
    ],
)
def test_swapped_current_user_decides_the_admin_check(
    override: SetOverride, memory_db: sqlite3.Connection, user: User, status: int, body: object
) -> None:
    """An injected admin passes require_admin and sees every owner's notes; a user gets 403."""
    memory_db.executemany(
        "INSERT INTO notes (owner, text) VALUES (?, ?)",
        [(note["owner"], note["text"]) for note in EVERY_NOTE],
    )
    override(get_db, lambda: memory_db)
    override(get_current_user, lambda: user)
    response = client.get("/admin/notes")
    assert (response.status_code, response.json()) == (status, body), f"as {user.role}"


def test_without_the_user_override_the_real_token_check_applies(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """The real get_current_user: no token or an unknown one → 401, the demo token → demo."""
    override(get_db, lambda: memory_db)
    for headers in ({}, {"X-Token": "forged"}):
        refused = client.get("/me", headers=headers)
        assert refused.status_code == 401, f"with headers {headers}"
        assert refused.json() == {"detail": "missing or unknown X-Token"}
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


def test_an_empty_note_is_a_422_whatever_the_settings(
    override: SetOverride, memory_db: sqlite3.Connection
) -> None:
    """NoteIn's own bound (min_length=1) holds under any injected settings: "" is a 422."""
    override(get_db, lambda: memory_db)
    override(get_settings, lambda: Settings(max_note_length=5))
    assert client.post("/notes", json={"text": "1"}, headers=DEMO).status_code == 201
    empty = client.post("/notes", json={"text": ""}, headers=DEMO)
    assert empty.status_code == 422
    (error,) = empty.json()["detail"]
    assert (error["loc"], error["type"]) == (["body", "text"], "string_too_short")
    assert error["ctx"] == {"min_length": 1}, "a note needs at least one character"
    assert memory_db.execute("SELECT text FROM notes").fetchall() == [("1",)]


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


def test_the_default_settings_give_the_weather_client_a_5_second_timeout() -> None:
    """Out of the box, every phase of a weather call (connect, read, write, pool) stops at 5 s."""
    dependency = get_weather_client(Settings())
    weather_client = next(dependency)
    assert str(weather_client.base_url) == "https://weather.example.com"
    assert weather_client.timeout.as_dict() == dict.fromkeys(
        ("connect", "read", "write", "pool"), 5.0
    ), "the default weather timeout is 5 seconds"
    assert next(dependency, None) is None


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


# --- What the OpenAPI document promises ------------------------------------------------
HTTP_ERROR = {"$ref": "#/components/schemas/HTTPError"}
NO_TOKEN = "Missing or unknown X-Token"


@pytest.mark.parametrize(
    ("method", "path", "errors"),
    [
        ("get", "/info", {}),
        ("get", "/me", {"401": NO_TOKEN}),
        ("post", "/notes", {"401": NO_TOKEN}),
        ("get", "/notes", {"401": NO_TOKEN}),
        ("get", "/admin/notes", {"401": NO_TOKEN, "403": "Not an admin"}),
        ("get", "/weather/{city}", {"502": "The weather service failed"}),
    ],
)
def test_each_route_documents_the_errors_it_answers(
    method: str, path: str, errors: dict[str, str]
) -> None:
    """OpenAPI lists each route's own errors (401, 403, 502), described, with an HTTPError body."""
    responses = app.openapi()["paths"][path][method]["responses"]
    documented = {
        status: (response["description"], response["content"]["application/json"]["schema"])
        for status, response in responses.items()
        if status not in {"200", "201", "422"}  # success, and FastAPI's own validation error
    }
    expected = {status: (description, HTTP_ERROR) for status, description in errors.items()}
    assert documented == expected, f"{method.upper()} {path} documents the wrong errors"
