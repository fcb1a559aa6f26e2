"""Lesson 01 claims: a FastAPI app is an ASGI callable with docs, routing errors and a server."""

import asyncio
import json

import httpx
from fastapi.testclient import TestClient
from starlette.types import Message

from lessons.testkit import serve

from .app import app

client = TestClient(app)


def test_health_returns_ok_as_json() -> None:
    """GET /health answers 200 with {"status": "ok"} and a JSON content type."""
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["content-type"] == "application/json"


def test_app_is_a_plain_asgi_callable() -> None:
    """The app answers a hand-built ASGI scope with no test client in between."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/health",
        "raw_path": b"/health",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))

    start, *bodies = sent
    assert start["type"] == "http.response.start"
    assert start["status"] == 200
    assert (b"content-type", b"application/json") in start["headers"]
    body = b"".join(message.get("body", b"") for message in bodies)
    assert json.loads(body) == {"status": "ok"}


def test_openapi_schema_and_docs_pages_exist_by_default() -> None:
    """/openapi.json lists /health, and /docs and /redoc serve HTML without any setup."""
    schema = client.get("/openapi.json").json()
    assert "/health" in schema["paths"]
    assert "get" in schema["paths"]["/health"]
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["content-type"].startswith("text/html"), page


def test_unknown_path_is_404_not_found() -> None:
    """A path no route matches answers 404 with {"detail": "Not Found"}."""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_wrong_method_is_405_with_allow_header() -> None:
    """A known path with an unsupported method answers 405 and lists the allowed methods."""
    response = client.post("/health")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert response.headers["allow"] == "GET"


def test_real_uvicorn_process_serves_health() -> None:
    """`uvicorn "lessons.01_first_app.app:app"` starts a server that answers /health."""
    with serve("lessons.01_first_app.app:app") as server:
        response = httpx.get(f"{server.base_url}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["server"] == "uvicorn"
