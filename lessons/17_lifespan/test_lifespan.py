"""Lesson 17 claims: the lifespan wraps the app's whole life, and each client runs it (or not)."""

import asyncio
import inspect
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
import starlette
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from lessons.testkit import REPO_ROOT, parse_version, serve

from . import app as lesson
from .app import ConnectionPool, app
from .broken_app import app as broken_app
from .broken_app import lifespan as broken_lifespan
from .lifespan_manager import LifespanFailed, run_lifespan

STARLETTE_1 = parse_version(starlette.__version__) >= (1,)


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    """Every test starts with an empty event log and no pool left on app.state."""
    lesson.events.clear()
    if hasattr(app.state, "pool"):
        del app.state.pool
    yield
    lesson.events.clear()


def test_lifespan_runs_before_the_first_request_and_after_the_last() -> None:
    """`with TestClient(app)`: startup on entering, the requests, shutdown on leaving."""
    with TestClient(app) as client:
        assert lesson.events == ["startup"], "startup ran before any request was sent"
        client.get("/sentiment", params={"text": "good"})
        client.get("/sentiment", params={"text": "bad"})
        assert "shutdown" not in lesson.events

    assert lesson.events == [
        "startup",
        "request: /sentiment",
        "request: /sentiment",
        "shutdown",
    ]


def test_resources_live_on_app_state_and_in_lifespan_state() -> None:
    """The pool is on app.state and the model reaches request.state; shutdown closes the pool."""
    with TestClient(app) as client:
        pool = app.state.pool
        assert isinstance(pool, ConnectionPool)
        assert (pool.size, pool.is_open) == (5, True), "startup opened a pool of five"
        response = client.get("/sentiment", params={"text": "Great food, awful service"})
        assert response.json() == {"score": 0.0, "pool_open": True}
        assert client.get("/sentiment", params={"text": "good good"}).json()["score"] == 2.0

    assert not pool.is_open, "the code after `yield` closed the pool"
    assert not hasattr(app.state, "pool"), "shutdown removed the closed pool from app.state"


def test_each_request_gets_a_shallow_copy_of_the_lifespan_state() -> None:
    """Rebinding request.state.x stays in one request; mutating a shared object does not."""
    names: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
        yield {"label": "initial", "visits": []}

    copied = FastAPI(lifespan=lifespan)

    @copied.get("/visit")
    def visit(request: Request) -> int:
        names.append(request.state.label)
        request.state.label = "changed by a request"  # rebinds this request's copy only
        request.state.visits.append(1)  # mutates the one list all requests share
        return len(request.state.visits)

    with TestClient(copied) as client:
        counts = [client.get("/visit").json() for _ in range(3)]

    assert names == ["initial", "initial", "initial"], "each request starts from a fresh copy"
    assert counts == [1, 2, 3], "the copy is shallow: the list itself is shared"


def test_test_client_without_with_skips_the_lifespan() -> None:
    """Plain `TestClient(app)` never runs startup: routes that need a resource crash."""
    client = TestClient(app)

    assert client.get("/health").json() == {"status": "ok"}, "routes without resources work"
    with pytest.raises(AttributeError, match="pool"):
        client.get("/sentiment", params={"text": "good"})
    assert lesson.events == [], "neither startup nor shutdown ran"


@pytest.mark.asyncio
async def test_the_lifespan_is_an_async_context_manager_a_test_can_enter() -> None:
    """`@asynccontextmanager` makes `lifespan(app)` enterable by hand: startup, state, shutdown."""
    async with lesson.lifespan(app) as state:
        assert lesson.events == ["startup"], "entering ran the code before `yield`"
        assert state == {"model": lesson.load_model()}, "the yielded value is the lifespan state"
        assert app.state.pool.is_open
    assert lesson.events == ["startup", "shutdown"], "leaving ran the code after `yield`"


@pytest.mark.asyncio
async def test_entering_the_broken_lifespan_raises_its_startup_error() -> None:
    """The broken app's lifespan is an async context manager too: entering it raises the error."""
    with pytest.raises(ConnectionRefusedError, match=r"db\.invalid"):
        async with broken_lifespan(broken_app):
            pytest.fail("the block must not run when startup failed")


@pytest.mark.asyncio
async def test_a_pool_is_open_only_between_open_and_close() -> None:
    """A new ConnectionPool starts closed: only startup's `open()` opens it, `close()` ends it."""
    pool = ConnectionPool(size=3)
    seen = [pool.is_open]
    await pool.open()
    seen.append(pool.is_open)
    await pool.close()
    seen.append(pool.is_open)
    assert seen == [False, True, False], "closed when new, open after open(), closed after close()"


def test_the_model_loaded_at_startup_scores_each_known_word() -> None:
    """Scores come from the startup model: known words add up, case is ignored, others are 0."""
    expected = {"good": 1.0, "great": 2.0, "bad": -1.0, "awful": -2.0, "meh": 0.0}
    with TestClient(app) as client:
        for text, score in {**expected, "GOOD Great": 3.0, "bad awful": -3.0}.items():
            response = client.get("/sentiment", params={"text": text})
            assert response.json() == {"score": score, "pool_open": True}, text


def test_plain_test_client_hides_a_startup_failure() -> None:
    """Without `with`, the broken app answers /health: only the lifespan would have failed."""
    client = TestClient(broken_app)  # no lifespan, so no ConnectionRefusedError either

    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}, "a test like this passes on an app that never boots"


def test_bad_input_is_a_422_once_started() -> None:
    """An empty, missing or 201-character text is a 422 before the handler runs; 1 and 200 pass."""
    with TestClient(app) as client:
        assert client.get("/sentiment", params={"text": ""}).status_code == 422
        assert client.get("/sentiment", params={"text": "x" * 201}).status_code == 422
        assert client.get("/sentiment").status_code == 422
        shortest = client.get("/sentiment", params={"text": "x"})
        assert shortest.status_code == 200, "1 character is the minimum, still allowed"
        at_limit = client.get("/sentiment", params={"text": "x" * 200})
        assert at_limit.status_code == 200, "200 characters is the maximum, still allowed"
    assert lesson.events == [
        "startup",
        "request: /sentiment",
        "request: /sentiment",
        "shutdown",
    ], "only the valid 1- and 200-character texts reached the handler"


def test_startup_failure_stops_the_test_client() -> None:
    """A lifespan that raises makes `with TestClient(...)` raise: no request is ever sent."""
    entered = False
    with pytest.raises(ConnectionRefusedError, match=r"db\.invalid"), TestClient(broken_app):
        entered = True
    assert not entered


def test_startup_failure_makes_uvicorn_exit_with_an_error() -> None:
    """`uvicorn broken_app:app` logs the error and exits non-zero without ever serving."""
    finished = subprocess.run(
        [sys.executable, "-m", "uvicorn", "lessons.17_lifespan.broken_app:app", "--port", "0"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,  # an upper bound only: the process exits as soon as startup fails
        check=False,
    )
    output = finished.stdout + finished.stderr

    assert finished.returncode == 3, output  # Uvicorn's exit code for a failed startup
    assert "Application startup failed. Exiting." in output, output
    assert "ConnectionRefusedError: database at db.invalid:5432" in output, output
    assert "Application startup complete" not in output, output


def test_real_server_starts_up_before_serving_and_shuts_down_after() -> None:
    """Uvicorn runs startup before it is ready and shutdown after its last request."""
    # Only an upper bound (readiness is a log line): generous for a loaded CI machine.
    with serve("lessons.17_lifespan.app:app", timeout=180) as server:
        response = httpx.get(f"{server.base_url}/sentiment", params={"text": "great"}, timeout=180)
        assert response.json() == {"score": 2.0, "pool_open": True}
    log = "".join(server.output)

    order = [
        "lesson 17: startup done, pool open",
        "Application startup complete",
        'GET /sentiment?text=great HTTP/1.1" 200',
        "Waiting for application shutdown",
        "lesson 17: shutdown done, pool closed",
        "Application shutdown complete",
    ]
    positions = [log.find(line) for line in order]
    assert -1 not in positions, log
    assert positions == sorted(positions), log


def test_on_event_is_deprecated() -> None:
    """`@app.on_event(...)` emits a DeprecationWarning pointing to lifespan."""
    legacy = FastAPI()
    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):

        @legacy.on_event("startup")
        def on_startup() -> None:
            pass


def test_on_event_handlers_still_run_in_fastapi() -> None:
    """FastAPI still runs on_event handlers, also on Starlette 1.x (Starlette dropped them)."""
    ran: list[str] = []

    def on_startup() -> None:
        ran.append("startup")

    def on_shutdown() -> None:
        ran.append("shutdown")

    legacy = FastAPI()
    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):
        legacy.on_event("startup")(on_startup)
    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):
        legacy.on_event("shutdown")(on_shutdown)

    with TestClient(legacy):
        assert ran == ["startup"]
    assert ran == ["startup", "shutdown"]


def test_starlette_itself_has_on_event_only_before_1_0() -> None:
    """Starlette 1.x removed `on_event` from its own app class; FastAPI keeps its own."""
    assert hasattr(Starlette, "on_event") is not STARLETTE_1, starlette.__version__
    assert hasattr(FastAPI, "on_event"), "FastAPI keeps a deprecated on_event of its own"


def test_on_event_handlers_are_ignored_when_a_lifespan_is_given() -> None:
    """Mixing both styles: the lifespan runs, the on_event handler is silently skipped."""
    ran: list[str] = []

    @asynccontextmanager
    async def only_lifespan(app: FastAPI) -> AsyncIterator[None]:
        ran.append("lifespan startup")
        yield

    def on_startup() -> None:
        ran.append("on_event startup")

    mixed = FastAPI(lifespan=only_lifespan)
    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):
        mixed.on_event("startup")(on_startup)

    with TestClient(mixed):
        pass
    assert ran == ["lifespan startup"]


@pytest.mark.asyncio
async def test_asgi_transport_does_not_run_the_lifespan() -> None:
    """`httpx.AsyncClient(transport=ASGITransport(app))` sends requests, never startup."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/health")).json() == {"status": "ok"}
        with pytest.raises(AttributeError, match="pool"):
            await client.get("/sentiment", params={"text": "good"})
    assert lesson.events == []


@pytest.mark.asyncio
async def test_lifespan_context_alone_does_not_reach_request_state() -> None:
    """`app.router.lifespan_context(app)` runs startup, but requests miss the yielded state."""
    async with app.router.lifespan_context(app) as state:
        assert lesson.events == ["startup"]
        assert state is not None
        assert "model" in state, "the state exists, it just never reaches a request"
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            with pytest.raises(AttributeError, match="model"):
                await client.get("/sentiment", params={"text": "good"})
    assert lesson.events == ["startup", "shutdown"]


@pytest.mark.asyncio
async def test_run_lifespan_gives_async_tests_the_full_lifespan() -> None:
    """The lesson's run_lifespan helper: startup, state in requests, then shutdown."""
    async with run_lifespan(app) as started:
        assert lesson.events == ["startup"]
        transport = httpx.ASGITransport(app=started)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/sentiment", params={"text": "great"})
        assert response.json() == {"score": 2.0, "pool_open": True}
    assert lesson.events == ["startup", "request: /sentiment", "shutdown"]


@pytest.mark.asyncio
async def test_run_lifespan_raises_the_startup_error() -> None:
    """With run_lifespan, a failing startup raises its own error, as TestClient does."""
    with pytest.raises(ConnectionRefusedError, match=r"db\.invalid"):
        async with run_lifespan(broken_app):
            pytest.fail("the block must not run when startup failed")


@pytest.mark.asyncio
async def test_run_lifespan_raises_lifespan_failed_for_a_reported_failure() -> None:
    """An app that answers `lifespan.startup.failed` without raising → LifespanFailed(message)."""

    async def reports_failure(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        await send({"type": "lifespan.startup.failed", "message": "no database configured"})

    with pytest.raises(LifespanFailed) as failure:
        async with run_lifespan(reports_failure):
            pytest.fail("the block must not run when startup failed")
    assert str(failure.value) == "no database configured"


def test_run_lifespan_waits_ten_seconds_by_default() -> None:
    """Without `answer_within`, run_lifespan gives the app 10 seconds per lifespan message."""
    default = inspect.signature(run_lifespan).parameters["answer_within"].default
    assert default == 10.0, "the README documents a 10-second default for answer_within"


@pytest.mark.asyncio
async def test_run_lifespan_gives_up_on_an_app_that_never_answers() -> None:
    """No answer within `answer_within` seconds: TimeoutError, and the app's call is cancelled."""
    seen: list[str] = []

    async def never_answers(scope: Scope, receive: Receive, send: Send) -> None:
        message: Message = await receive()
        seen.append(message["type"])
        try:
            await asyncio.Event().wait()  # hangs, like a startup stuck on a dead host
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    with pytest.raises(TimeoutError):
        async with run_lifespan(never_answers, answer_within=0.05):
            pytest.fail("the block must not run when startup never finished")
    assert seen == ["lifespan.startup", "cancelled"], "the hanging call is not left running"
