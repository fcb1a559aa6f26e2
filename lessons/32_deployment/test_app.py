"""Lesson 32 claims, in process: settings come from the environment; the endpoints behave."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from starlette.types import Message

from lessons.testkit import http_scope

from .app import Settings, app, create_app
from .conftest import open_pipe_once_held


def test_settings_are_read_from_deploy_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DEPLOY_<FIELD> variables set each setting; unset, the defaults apply."""
    monkeypatch.delenv("DEPLOY_ENVIRONMENT", raising=False)
    monkeypatch.delenv("DEPLOY_HOLD_PIPE", raising=False)
    assert Settings() == Settings(environment="development", hold_pipe=None)

    monkeypatch.setenv("DEPLOY_ENVIRONMENT", "staging")
    monkeypatch.setenv("DEPLOY_HOLD_PIPE", "/run/lesson/hold")
    assert Settings() == Settings(environment="staging", hold_pipe="/run/lesson/hold")
    monkeypatch.setenv("ENVIRONMENT", "production")  # no DEPLOY_ prefix: not ours
    assert Settings().environment == "staging"


@pytest.mark.parametrize("value", ["prod", "Production ", ""])
def test_an_unknown_environment_name_is_rejected(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """A DEPLOY_ENVIRONMENT outside development/staging/production is a validation error."""
    monkeypatch.setenv("DEPLOY_ENVIRONMENT", value)
    with pytest.raises(ValidationError, match="environment"):
        Settings()


def test_the_module_level_app_is_built_from_the_environment() -> None:
    """`app` (what Uvicorn imports) carries the settings the environment gave at import."""
    assert app.state.settings == Settings()


def test_health_and_info_answer_with_exact_bodies() -> None:
    """/health is {"status": "ok"}; /info names this process, the settings and the request."""
    client = TestClient(create_app(Settings(environment="staging")))
    health = client.get("/health")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    info = client.get("/info")
    assert info.status_code == 200
    assert info.json() == {
        "pid": os.getpid(),  # in process, the test's own process answers
        "environment": "staging",
        "client": "testclient",
        "scheme": "http",
        "root_path": "",
        "self_url": "http://testserver/info",
    }


@pytest.mark.asyncio
async def test_info_reports_no_client_when_the_server_gives_no_peer_address() -> None:
    """Over a Unix socket there is no peer address: /info says `null` instead of failing."""
    scope = http_scope("/info")
    del scope["client"]  # what an ASGI server sends when it knows no peer address
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await create_app(Settings())(scope, receive, send)
    assert sent[0]["status"] == 200
    body = json.loads(b"".join(message.get("body", b"") for message in sent[1:]))
    assert body["client"] is None


def test_slow_answers_at_once_without_a_hold_pipe() -> None:
    """With DEPLOY_HOLD_PIPE unset (the default), /slow is an ordinary quick request."""
    response = TestClient(create_app(Settings(hold_pipe=None))).get("/slow")
    assert (response.status_code, response.json()) == (200, {"status": "done"})


def test_slow_holds_the_request_until_the_pipe_is_closed(tmp_path: Path) -> None:
    """With a hold pipe, /slow is in flight exactly until the test closes the pipe."""
    pipe = tmp_path / "hold"
    os.mkfifo(pipe)
    client = TestClient(create_app(Settings(hold_pipe=str(pipe))))
    with ThreadPoolExecutor(max_workers=1) as pool:
        request = pool.submit(client.get, "/slow")
        # Returns once the handler has opened the pipe: it is running, and waiting.
        with open_pipe_once_held(pipe, request) as writer:
            writer.write(b"go")
            assert not request.done(), "the request must still be in flight"
        response = request.result(timeout=60)
    assert (response.status_code, response.json()) == (200, {"status": "done"})
