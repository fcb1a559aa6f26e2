"""Fixtures for lesson 31: captured log records, and raw ASGI calls that keep every byte."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.types import ASGIApp, Message

from lessons.testkit import http_scope

from .app import app, db_logger, logger


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture INFO records of the app's logger and of the "library" logger it calls."""
    caplog.set_level(logging.INFO, logger=logger.name)
    caplog.set_level(logging.INFO, logger=db_logger.name)
    return caplog


@pytest.fixture(autouse=True)
def no_leftover_overrides() -> Iterator[None]:
    """Every test starts and ends with the real dependencies."""
    app.dependency_overrides.clear()
    yield
    app.dependency_overrides.clear()


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    """One event loop shared by a module's raw calls (cheaper than one per Hypothesis example)."""
    with asyncio.Runner() as loop_runner:
        yield loop_runner


@dataclass
class RawResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: Any  # the decoded JSON

    def header(self, name: bytes) -> bytes:
        return next(value for key, value in self.headers if key == name)


async def raw_request(
    target: ASGIApp, path: str, headers: list[tuple[bytes, bytes]], method: str = "GET"
) -> RawResponse:
    """Call an ASGI app with a hand-built scope: header bytes arrive exactly as given."""
    scope = http_scope(path, method=method, headers=[(b"host", b"testserver"), *headers])
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await target(scope, receive, send)
    start, *bodies = sent
    body = b"".join(message.get("body", b"") for message in bodies)
    return RawResponse(status=start["status"], headers=start["headers"], body=json.loads(body))
