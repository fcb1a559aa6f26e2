"""Lesson 07 claims: `yield` dependencies set up before the handler and tear down after it,
in reverse order, even when the handler raises; and *when* teardown runs relative to
sending the response depends on the FastAPI version. Every ordering below is measured
from the EVENTS log, on the installed version; nothing is assumed.
"""

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.exceptions import FastAPIError
from fastapi.testclient import TestClient
from starlette.types import Message, Scope

from lessons.testkit import fastapi_at_least, http_scope, serve

from . import app as lesson
from .app import EVENTS, app

client = TestClient(app)
# Like a real server: an unhandled error becomes a 500 instead of failing the test.
quiet_client = TestClient(app, raise_server_exceptions=False)

SETUP = ["outer: setup", "inner: setup", "handler"]
TEARDOWN = ["inner: teardown", "outer: teardown"]
SENT = ["response: headers sent", "response: body sent"]


@pytest.fixture(autouse=True)
def fresh_observations() -> Iterator[None]:
    lesson.reset_observations()
    yield
    lesson.reset_observations()


def run_by_hand(path: str, query: bytes = b"") -> None:
    """Drive one GET through the app with hand-made receive/send: no test client at all.

    `send` logs into EVENTS the moment the server side hands each message over, so the
    log shows exactly where teardown falls relative to the bytes going out.
    """
    scope: Scope = http_scope(path, query_string=query)

    async def exchange() -> None:
        request_read = False
        response_complete = asyncio.Event()

        async def receive() -> Message:
            nonlocal request_read
            if not request_read:
                request_read = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await response_complete.wait()  # the client stays connected until the end
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                EVENTS.append(f"driver: received headers, status {message['status']}")
            elif not message.get("more_body"):
                EVENTS.append("driver: received the complete body")
                response_complete.set()

        await app(scope, receive, send)

    asyncio.run(exchange())


def dependency_and_driver_events() -> list[str]:
    return [e for e in EVENTS if e.startswith(("outer:", "inner:", "handler", "driver:"))]


# --- Setup, handler, teardown: the same on every version -----------------------------
def test_setup_runs_before_the_handler_and_teardown_after_it_in_reverse() -> None:
    """outer then inner set up, the handler runs, then inner and outer tear down (reversed)."""
    response = client.get("/lifecycle")
    assert response.status_code == 200
    assert response.json() == {"resource": "inner (built on outer)"}
    steps = [e for e in EVENTS if e.startswith(("outer:", "inner:", "handler"))]
    assert steps == SETUP + TEARDOWN


def test_teardown_runs_and_sees_the_exception_when_the_handler_raises_http_exception() -> None:
    """A handler's HTTPException reaches both dependencies at `yield`; teardown precedes the 404."""
    response = client.get("/lifecycle", params={"outcome": "not_found"})
    assert response.status_code == 404
    assert response.json() == {"detail": "nothing here"}
    assert EVENTS == [
        *SETUP,
        "inner: saw HTTPException",
        "inner: teardown",
        "outer: saw HTTPException",
        "outer: teardown",
        *SENT,  # the error response goes out after teardown, on every version
    ], "and the background task was never run: the request failed"


def test_teardown_runs_and_sees_an_unexpected_exception_before_the_500() -> None:
    """A bug in the handler is seen by both dependencies, torn down, then a 500 is sent."""
    with pytest.raises(RuntimeError, match="a bug in the handler"):
        run_by_hand("/lifecycle", b"outcome=crash")  # the server re-raises after the 500
    assert dependency_and_driver_events() == [
        *SETUP,
        "inner: saw RuntimeError",
        "inner: teardown",
        "outer: saw RuntimeError",
        "outer: teardown",
        "driver: received headers, status 500",
        "driver: received the complete body",
    ]
    # What a client sees: a bare 500, no exception text.
    response = quiet_client.get("/lifecycle", params={"outcome": "crash"})
    assert (response.status_code, response.text) == (500, "Internal Server Error")


def test_swallowing_the_exception_in_a_dependency_turns_a_404_into_a_500() -> None:
    """`except Exception:` without `raise` in a yield dependency loses the handler's 404."""
    response = quiet_client.get("/swallowed")
    assert response.status_code == 500, "the client never gets the 404 the handler raised"
    swallowed = "swallowed HTTPException(status_code=404, detail='the client should get this 404')"
    assert swallowed in EVENTS, "the dependency caught the handler's 404 and kept it"
    # FastAPI notices that no response was produced and says why, on the server side.
    with pytest.raises(FastAPIError, match="not raising the exception again"):
        client.get("/swallowed")


def test_yield_dependency_is_a_plain_generator_whose_teardown_runs_on_resume() -> None:
    """Driven by hand, get_session yields an open Session; resuming it runs the teardown."""
    dependency = lesson.get_session()
    session = next(dependency)  # setup: what FastAPI does before the handler
    assert (session.open, EVENTS) == (True, []), "an open session, and no teardown yet"
    # Resume after `yield`, as FastAPI does once the request is done: the generator ends.
    assert next(dependency, None) is None, "a dependency yields exactly once"
    assert (session.open, EVENTS) == (False, ["session: closed"]), "the finally block ran"


# --- When teardown runs relative to the response: changed in FastAPI 0.118 -----------
@pytest.mark.fastapi(since="0.118")
def test_teardown_runs_after_the_response_and_background_tasks() -> None:
    """From 0.118: the response is sent and background tasks run, then teardown happens."""
    client.get("/lifecycle")
    assert EVENTS == [*SETUP, *SENT, "background task", *TEARDOWN]


@pytest.mark.fastapi(before="0.118")
def test_teardown_runs_before_the_response_is_sent() -> None:
    """Before 0.118: teardown runs right after the handler, before any byte is sent."""
    client.get("/lifecycle")
    assert EVENTS == [*SETUP, *TEARDOWN, *SENT, "background task"]


def test_hand_driven_asgi_call_shows_the_same_teardown_timing() -> None:
    """With no test client and no middleware log, raw ASGI `send` calls show the same order."""
    run_by_hand("/lifecycle")
    sent = ["driver: received headers, status 200", "driver: received the complete body"]
    if fastapi_at_least("0.118"):
        expected = [*SETUP, *sent, *TEARDOWN]
    else:
        expected = [*SETUP, *TEARDOWN, *sent]
    assert dependency_and_driver_events() == expected


@pytest.mark.fastapi(since="0.118")
def test_streaming_response_can_still_use_the_yielded_session() -> None:
    """From 0.118: the session stays open while a StreamingResponse sends, closes after."""
    response = client.get("/lifecycle/stream")
    assert response.text.splitlines() == [f"chunk {n}: session open=True" for n in range(3)]
    assert EVENTS == [*SENT, "session: closed"]


@pytest.mark.fastapi(before="0.118")
def test_streaming_response_gets_an_already_closed_session() -> None:
    """Before 0.118: teardown closed the session before the stream even started."""
    response = client.get("/lifecycle/stream")
    assert response.text.splitlines() == [f"chunk {n}: session open=False" for n in range(3)]
    assert EVENTS == ["session: closed", *SENT]


@pytest.mark.fastapi(before="0.118")
def test_raising_in_teardown_still_changes_the_response() -> None:
    """Before 0.118: an HTTPException raised after `yield` replaces the handler's response."""
    response = client.get("/late-error")
    assert response.status_code == 409
    assert response.json() == {"detail": "raised in teardown"}


@pytest.mark.fastapi(since="0.118")
def test_raising_in_teardown_is_too_late_to_change_the_response() -> None:
    """From 0.118: the client already has its 200; the teardown error is a server-side error."""
    response = quiet_client.get("/late-error")
    assert response.status_code == 200
    assert response.json() == {"status": "handler finished"}
    with pytest.raises(RuntimeError, match="response already started") as server_error:
        client.get("/late-error")
    lost = server_error.value.__cause__
    assert isinstance(lost, HTTPException), "the server error wraps the teardown's exception"
    assert (lost.status_code, lost.detail) == (409, "raised in teardown"), "the 409 was lost"


# --- The same, on a real Uvicorn server -------------------------------------------------
@pytest.mark.fastapi(since="0.118")
def test_real_server_client_has_the_response_while_teardown_is_still_running() -> None:
    """From 0.118, over real HTTP: the client holds the whole response while teardown waits."""
    with serve("lessons.07_dependencies.slow_teardown:app") as server:
        # Teardown cannot finish until we call /release, and we have not yet: so getting
        # this response proves it was sent before teardown finished.
        response = httpx.get(f"{server.base_url}/slow", timeout=10)
        assert response.json() == {"status": "handler finished"}
        report = httpx.post(f"{server.base_url}/release", timeout=10).json()
    assert report["while_parked"] == [*SENT, "teardown: parked at the gate"]
    assert report["after_release"] == [*report["while_parked"], "teardown: finished"]


@pytest.mark.fastapi(before="0.118")
def test_real_server_holds_the_response_until_teardown_finishes() -> None:
    """Before 0.118, over real HTTP: nothing is sent while teardown waits; then the 200 arrives."""
    with (
        serve("lessons.07_dependencies.slow_teardown:app") as server,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        pending = pool.submit(httpx.get, f"{server.base_url}/slow", timeout=10)
        # /release waits server-side until teardown is parked, reports, then opens the gate.
        report = httpx.post(f"{server.base_url}/release", timeout=10).json()
        response = pending.result(timeout=10)
    assert report["while_parked"] == ["teardown: parked at the gate"], "not a byte was sent"
    assert response.json() == {"status": "handler finished"}


# --- Depends(scope="function"), new in FastAPI 0.121 ------------------------------------
@pytest.mark.fastapi(since="0.121")
def test_function_scoped_dependency_tears_down_before_the_response() -> None:
    """scope="function" tears down when the handler returns; scope="request" after sending."""
    from .function_scope import app as scoped_app  # imports only where `scope` exists

    response = TestClient(scoped_app).get("/function-scope")
    assert response.status_code == 200
    assert EVENTS == [
        "function-scoped: setup",
        *SETUP,
        "function-scoped: teardown",
        *SENT,
        *TEARDOWN,
    ]


@pytest.mark.fastapi(since="0.121")
def test_request_scoped_dependency_cannot_depend_on_a_function_scoped_one() -> None:
    """A dependency that outlives the handler may not use one torn down before it: an error."""
    from fastapi.exceptions import DependencyScopeError  # new in 0.121 as well

    def short_lived() -> Iterator[str]:
        yield "short"

    def long_lived(value: str = Depends(short_lived, scope="function")) -> Iterator[str]:
        yield value

    demo = FastAPI()
    with pytest.raises(DependencyScopeError, match="cannot depend on"):

        @demo.get("/")
        def route(value: str = Depends(long_lived)) -> str:
            return value


@pytest.mark.fastapi(before="0.121")
def test_depends_has_no_scope_argument_before_0_121() -> None:
    """Before 0.121 `Depends(..., scope=...)` is a TypeError, hence function_scope.py apart."""
    with pytest.raises(TypeError, match="scope"):
        Depends(lesson.outer_resource, scope="function")
