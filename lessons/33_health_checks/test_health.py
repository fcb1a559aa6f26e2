"""Lesson 33 claims: liveness never does I/O; readiness checks components, with timeouts."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from .app import Check, app, get_check_timeout, get_checks, get_engine

client = TestClient(app)
# A database that cannot be opened: the directory does not exist.
BROKEN_ENGINE = create_async_engine(
    "sqlite+aiosqlite:////nonexistent-directory/lesson33.db", poolclass=NullPool
)


@pytest.fixture(autouse=True)
def clean_overrides() -> Iterator[None]:
    app.dependency_overrides.clear()
    yield
    app.dependency_overrides.clear()


async def ok() -> None:
    return None


async def broken() -> None:
    raise ConnectionError("cache at 10.0.0.7:6379 refused the connection")


async def hangs() -> None:
    await asyncio.Event().wait()  # nobody ever sets it: this check never finishes


def use_checks(checks: dict[str, Check], timeout: float = 1.0) -> None:
    app.dependency_overrides[get_checks] = lambda: checks
    app.dependency_overrides[get_check_timeout] = lambda: timeout


def test_liveness_is_200_alive() -> None:
    """GET /health/live answers 200 {"status": "alive"}."""
    response = client.get("/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "alive"})


def test_readiness_is_200_when_the_database_answers() -> None:
    """With a working database, readiness is 200 and reports the database as ok."""
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok"}}


def test_database_down_fails_readiness_but_not_liveness() -> None:
    """With the database unreachable, readiness is 503 naming it, liveness is still 200."""
    app.dependency_overrides[get_engine] = lambda: BROKEN_ENGINE
    ready = client.get("/health/ready")
    live = client.get("/health/live")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "checks": {"database": "failed"}}
    assert (live.status_code, live.json()) == (200, {"status": "alive"})


def test_liveness_never_calls_the_database() -> None:
    """Liveness opens no database connection; readiness opens one (so the counter works)."""
    counted = create_async_engine("sqlite+aiosqlite://", poolclass=NullPool)
    connections: list[object] = []
    event.listen(counted.sync_engine, "connect", lambda dbapi, record: connections.append(dbapi))
    app.dependency_overrides[get_engine] = lambda: counted
    for _ in range(5):
        assert client.get("/health/live").status_code == 200
    assert connections == [], "liveness must not touch the database"
    assert client.get("/health/ready").status_code == 200
    assert len(connections) == 1, "readiness opens exactly one connection per probe"


def test_failing_component_is_named_and_its_error_only_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing check gives 503 naming it; the exception text is in the log, not the body."""
    use_checks({"database": ok, "cache": broken})
    with caplog.at_level(logging.ERROR, logger="lessons.health"):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "failed"},
    }
    assert "10.0.0.7" not in response.text, "internal addresses must not leak"
    assert "readiness check 'cache' failed" in caplog.text
    assert "refused the connection" in caplog.text, "the reason is logged for operators"


def test_slow_component_fails_within_its_timeout_instead_of_hanging(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A check that never finishes is cut off at the timeout: 503 with "timeout", no hang."""
    timeout = 0.05
    use_checks({"database": ok, "search_index": hangs}, timeout=timeout)
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="lessons.health"):
        response = client.get("/health/ready")
    elapsed = time.perf_counter() - started
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "search_index": "timeout"}
    # 100x the timeout: a generous bound for a loaded machine, still far from "hanging".
    assert elapsed < 100 * timeout, f"readiness took {elapsed:.2f} s with a {timeout} s timeout"
    assert "readiness check 'search_index' timed out after 0.05 s" in caplog.text


def test_checks_run_concurrently() -> None:
    """Check "a" waits until check "b" has started: only concurrent checks both succeed."""

    def concurrent_pair() -> dict[str, Check]:
        b_started = asyncio.Event()

        async def a() -> None:
            await b_started.wait()  # run one after the other, this would time out

        async def b() -> None:
            b_started.set()

        return {"a": a, "b": b}

    app.dependency_overrides[get_checks] = concurrent_pair
    app.dependency_overrides[get_check_timeout] = lambda: 2.0  # generous: success is instant
    response = client.get("/health/ready")
    assert response.json() == {"status": "ready", "checks": {"a": "ok", "b": "ok"}}


@pytest.mark.asyncio
async def test_liveness_answers_while_readiness_is_stuck() -> None:
    """While a readiness probe waits on a stuck component, liveness still answers at once."""
    started, release = asyncio.Event(), asyncio.Event()

    async def stuck() -> None:
        started.set()
        await release.wait()

    use_checks({"database": stuck}, timeout=60.0)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as async_client:
        probe = asyncio.create_task(async_client.get("/health/ready"))
        await asyncio.wait_for(started.wait(), timeout=10)  # readiness is now in progress
        live = await asyncio.wait_for(async_client.get("/health/live"), timeout=10)
        assert not probe.done(), "readiness is still waiting on its component"
        release.set()
        ready = await probe
    assert (live.status_code, live.json()) == (200, {"status": "alive"})
    assert ready.status_code == 200


def test_openapi_documents_both_readiness_bodies() -> None:
    """OpenAPI declares the Readiness schema for 200 and for 503 on /health/ready."""
    schema: dict[str, Any] = client.get("/openapi.json").json()
    responses = schema["paths"]["/health/ready"]["get"]["responses"]
    for status in ("200", "503"):
        body = responses[status]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Readiness"}, status
    readiness = schema["components"]["schemas"]["Readiness"]
    assert readiness["properties"]["status"]["enum"] == ["ready", "unavailable"]
    live = schema["paths"]["/health/live"]["get"]["responses"]["200"]
    assert live["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Liveness"
    }


def test_each_readiness_check_gets_one_second_by_default() -> None:
    """The default per-check limit is 1 s: within Kubernetes' default probe timeout (1 s)."""
    assert get_check_timeout() == 1.0
