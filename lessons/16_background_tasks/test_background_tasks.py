"""Lesson 16 claims: background tasks run after the response, in order, and are not a queue."""

import asyncio
import logging
import threading
from collections.abc import Iterator
from typing import Annotated, Literal

import httpx
import pytest
from fastapi import BackgroundTasks, Depends, FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.background import BackgroundTask
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lessons.testkit import serve

from . import app as lesson
from .app import RendererUnavailable, app

APP_PATH = "lessons.16_background_tasks.app:app"
# Seconds a real Uvicorn may take to start or to answer: generous, because a loaded
# machine is slow. The tests never wait this long unless something is broken.
PATIENCE = 60.0

client = TestClient(app)


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    """Every test starts with an empty event log, outbox, job table and no overrides."""
    lesson.events.clear()
    lesson.outbox.clear()
    lesson.jobs.clear()
    app.dependency_overrides.clear()
    yield
    app.dependency_overrides.clear()


def record_when_response_is_sent(inner: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so the event log also says when the last body byte was sent."""

    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_and_record(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                lesson.events.append("server: response sent")

        await inner(scope, receive, send_and_record)

    return wrapper


def test_response_cannot_see_what_its_tasks_did() -> None:
    """The response says the email is not sent yet; once the call returns, it has been."""
    response = client.post("/signup", json={"email": "ada@example.com"})

    assert response.status_code == 201
    assert response.json() == {"email": "ada@example.com", "welcome_email_sent": False}, (
        "the handler returned before any task ran, so it cannot report their effect"
    )
    assert lesson.outbox == ["ada@example.com"], (
        "TestClient returns only after the tasks ran, so the test sees their effect"
    )


def test_tasks_run_after_the_response_is_sent() -> None:
    """The last byte of the response is sent before the first task starts."""
    with TestClient(record_when_response_is_sent(app)) as wrapped:
        wrapped.post("/signup", json={"email": "ada@example.com"})

    assert lesson.events == [
        "handler: returning the response",
        "server: response sent",
        "task: audit record for signup",
        "task: welcome email to ada@example.com",
        "task: sales told about ada@example.com",
    ]


def test_tasks_run_in_the_order_they_were_added() -> None:
    """The dependency's task, then the handler's two tasks, each exactly once, in order."""
    client.post("/signup", json={"email": "grace@example.com"})

    assert [line for line in lesson.events if line.startswith("task: ")] == [
        "task: audit record for signup",
        "task: welcome email to grace@example.com",
        "task: sales told about grace@example.com",
    ]


def test_a_dependency_adds_tasks_to_the_same_queue() -> None:
    """The audit task comes from the dependency: replace the dependency and it is gone."""

    def no_audit() -> None:
        return None

    app.dependency_overrides[lesson.audit_signup] = no_audit
    client.post("/signup", json={"email": "ada@example.com"})

    tasks = [line for line in lesson.events if line.startswith("task: ")]
    assert tasks == [
        "task: welcome email to ada@example.com",
        "task: sales told about ada@example.com",
    ], "without the dependency, only the handler's own tasks run"


def test_real_server_answers_while_the_task_is_still_running() -> None:
    """On Uvicorn the client has the whole response while the task waits to be released."""
    # A failed assertion must not leave Uvicorn waiting forever for the blocked task.
    with serve(APP_PATH, "--timeout-graceful-shutdown", "5", timeout=PATIENCE) as server:
        base = server.base_url
        accepted = httpx.post(f"{base}/jobs", timeout=PATIENCE)
        assert accepted.status_code == 202
        job_id = accepted.json()["job_id"]  # the full body is here: the response is over

        status = httpx.get(
            f"{base}/jobs/{job_id}", params={"until": "running", "wait": 30}, timeout=PATIENCE
        )
        assert status.json() == {"status": "running"}, (
            "the task started after the response and is still running: only a release ends it"
        )

        httpx.post(f"{base}/jobs/{job_id}/release", timeout=PATIENCE).raise_for_status()
        status = httpx.get(
            f"{base}/jobs/{job_id}", params={"until": "done", "wait": 30}, timeout=PATIENCE
        )
        assert status.json() == {"status": "done"}, "once released, the task finishes"

        log = httpx.get(f"{base}/events", timeout=PATIENCE).json()
        assert log == [f"task: job {job_id} started", f"task: job {job_id} done"]


def test_failing_task_leaves_the_response_alone_and_loses_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The client still gets 202 "accepted"; the failed task and the one after it are lost."""
    quiet = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.DEBUG):
        response = quiet.post("/reports/q3-sales")

    assert response.status_code == 202
    assert response.json() == {"report_id": "q3-sales", "status": "accepted"}
    assert lesson.events == ["task: rendering q3-sales"], (
        "the task after the failing one never ran, and nothing will retry either of them"
    )
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [], "without a server nobody logs it: the failure vanishes silently"


def test_default_test_client_raises_the_task_error() -> None:
    """TestClient re-raises a task's exception (raise_server_exceptions=True by default)."""
    with pytest.raises(RendererUnavailable, match="renderer unavailable"):
        client.post("/reports/q3-sales")
    assert lesson.events == ["task: rendering q3-sales"]


def test_real_server_logs_the_task_error_after_sending_the_response() -> None:
    """Uvicorn sends 202, then logs the task's traceback; the client never hears of it."""
    with serve(APP_PATH, timeout=PATIENCE) as server:
        response = httpx.post(f"{server.base_url}/reports/q3-sales", timeout=PATIENCE)
        assert response.status_code == 202
        assert response.json() == {"report_id": "q3-sales", "status": "accepted"}
    # Uvicorn finishes running tasks before it exits, so the log is complete here.
    log = "".join(server.output)
    assert "Exception in ASGI application" in log, log
    assert "RendererUnavailable: cannot render report q3-sales" in log, log


@pytest.mark.fastapi(before="0.118")
def test_yield_dependency_is_closed_before_the_task_runs() -> None:
    """Before 0.118 a yield dependency's teardown runs first: the task gets a closed session."""
    client.post("/notes", params={"text": "hi"})

    assert lesson.events == [
        "dependency: session closed",
        "task: saved 'hi', session closed",
    ]


@pytest.mark.fastapi(since="0.118")
def test_yield_dependency_stays_open_until_tasks_finish() -> None:
    """From 0.118 the teardown waits for the tasks: the task gets an open session."""
    client.post("/notes", params={"text": "hi"})

    assert lesson.events == [
        "task: saved 'hi', session open",
        "dependency: session closed",
    ]


@pytest.mark.fastapi(since="0.121")
def test_function_scoped_dependency_is_closed_before_the_task_runs() -> None:
    """`Depends(scope="function")` tears down before the response, so before any task."""
    events: list[str] = []

    def resource() -> Iterator[str]:
        yield "connection"
        events.append("teardown")

    scoped = FastAPI()

    @scoped.post("/work")
    def work(
        background_tasks: BackgroundTasks,
        conn: Annotated[str, Depends(resource, scope="function")],
    ) -> None:
        background_tasks.add_task(events.append, f"task with {conn}")

    TestClient(scoped).post("/work")
    assert events == ["teardown", "task with connection"]


def test_sync_tasks_run_in_a_worker_thread_async_tasks_on_the_loop() -> None:
    """A `def` task runs off the event loop thread, an `async def` task on it."""
    threads: dict[str, int] = {}
    where = FastAPI()

    def sync_task() -> None:
        threads["def task"] = threading.get_ident()

    async def async_task() -> None:
        threads["async def task"] = threading.get_ident()

    @where.post("/work")
    async def work(background_tasks: BackgroundTasks) -> None:
        threads["event loop"] = threading.get_ident()  # an async handler runs on the loop
        background_tasks.add_task(sync_task)
        background_tasks.add_task(async_task)

    TestClient(where).post("/work")
    assert threads["async def task"] == threads["event loop"]
    assert threads["def task"] != threads["event loop"], "a blocking task must not stall the loop"


def test_returned_response_with_its_own_background_drops_the_injected_tasks() -> None:
    """Return a Response carrying `background=` and the BackgroundTasks tasks never run."""
    events: list[str] = []
    gotcha = FastAPI()

    @gotcha.post("/export")
    def export(background_tasks: BackgroundTasks) -> JSONResponse:
        background_tasks.add_task(events.append, "injected task")
        return JSONResponse(
            {"status": "accepted"}, background=BackgroundTask(events.append, "response task")
        )

    TestClient(gotcha).post("/export")
    assert events == ["response task"], "FastAPI only attaches its tasks to a bare response"


def test_bad_input_gets_a_4xx_not_a_500() -> None:
    """An invalid email, report id, note or poll → 422; an unknown job → 404 "Job not found"."""
    assert client.post("/signup", json={"email": "not-an-email"}).status_code == 422
    assert client.post("/reports/NOT%20OK").status_code == 422
    assert client.post(f"/reports/{'r' * 41}").status_code == 422, "41 characters is too long"
    assert client.post("/notes", params={"text": ""}).status_code == 422
    assert client.post("/notes", params={"text": "n" * 101}).status_code == 422
    lesson.jobs["known"] = lesson.Job()  # the job lookup runs first: an unknown job is a 404
    assert client.get("/jobs/known", params={"wait": 30.01}).status_code == 422
    assert client.get("/jobs/known", params={"wait": -0.01}).status_code == 422
    assert client.get("/jobs/known", params={"until": "started"}).status_code == 422
    for response in (client.get("/jobs/nope"), client.post("/jobs/nope/release")):
        assert response.status_code == 404
        assert response.json() == {"detail": "Job not found"}
    assert not [line for line in lesson.events if line.startswith("task: ")], (
        "a rejected request runs no task"
    )


def test_inputs_at_the_limits_are_accepted() -> None:
    """A 40-character report id, a 1- and a 100-character note and `wait=30` are allowed."""
    report_id = "r" * 40
    quiet = TestClient(app, raise_server_exceptions=False)
    assert quiet.post(f"/reports/{report_id}").json() == {
        "report_id": report_id,
        "status": "accepted",
    }
    assert client.post("/notes", params={"text": "n"}).status_code == 202, "1 is the minimum"
    assert client.post("/notes", params={"text": "n" * 100}).status_code == 202

    lesson.jobs["finished"] = job = lesson.Job(status="done")
    job.finished.set()  # already done: the long poll answers at once, it never waits 30 s
    response = client.get("/jobs/finished", params={"until": "done", "wait": 30})
    assert response.status_code == 200
    assert response.json() == {"status": "done"}


def test_a_poll_that_is_not_answered_in_time_gets_the_current_status() -> None:
    """No `until`, or an `until` not reached within `wait`: the status as it is, at once."""
    lesson.jobs["waiting"] = job = lesson.Job()  # queued: no task runs it in this test

    assert client.get("/jobs/waiting").json() == {"status": "queued"}
    not_yet = client.get("/jobs/waiting", params={"until": "running", "wait": 0})
    assert not_yet.json() == {"status": "queued"}, "the job never started: still queued"

    released = client.post("/jobs/waiting/release")
    assert released.status_code == 200
    assert released.json() == {"status": "queued"}, "release answers with the status it saw"
    assert job.release.is_set(), "the release reached the job's event"


class WatchedEvent(asyncio.Event):
    """An `asyncio.Event` that also tells the test when somebody starts waiting on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waited_on = asyncio.Event()

    async def wait(self) -> Literal[True]:
        self.waited_on.set()
        return await super().wait()


@pytest.mark.asyncio
async def test_a_long_poll_answers_as_soon_as_the_job_gets_there() -> None:
    """`?until=running&wait=30` holds the request until the job starts, then says "running"."""
    lesson.jobs["slow"] = job = lesson.Job(started=WatchedEvent())
    assert isinstance(job.started, WatchedEvent)
    # No sockets: ASGITransport runs the app on this event loop, so the test can start the
    # job while the poll is held, without a server and without sleeping.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as asgi:
        poll = asyncio.create_task(asgi.get("/jobs/slow", params={"until": "running", "wait": 30}))
        held = asyncio.create_task(job.started.waited_on.wait())
        try:
            first, _ = await asyncio.wait({poll, held}, return_when=asyncio.FIRST_COMPLETED)
            assert first == {held}, "the poll answered at once instead of waiting for the job"
        finally:
            held.cancel()

        runner = asyncio.create_task(lesson.run_job("slow", job))  # what POST /jobs queues
        response = await poll
        assert response.status_code == 200
        assert response.json() == {"status": "running"}, "the poll answers once it started"

        await asgi.post("/jobs/slow/release")
        await runner
    assert job.status == "done"


def test_the_session_is_closed_once_the_request_is_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The `yield` dependency's teardown really closes the session it lent to the task."""
    lent: list[lesson.Session] = []
    save_note = lesson.save_note

    def keep_the_session(session: lesson.Session, text: str) -> None:
        lent.append(session)
        save_note(session, text)

    monkeypatch.setattr(lesson, "save_note", keep_the_session)
    client.post("/notes", params={"text": "hi"})

    assert len(lent) == 1, "the note task ran once"
    assert lent[0].closed is True, "after the request, the session the task got is closed"


def test_job_routes_document_the_404_they_return() -> None:
    """The schema lists the 404 "No such job" with its `{"detail": str}` body on both routes."""
    schema = app.openapi()
    for path, method in (("/jobs/{job_id}", "get"), ("/jobs/{job_id}/release", "post")):
        responses = schema["paths"][path][method]["responses"]
        assert sorted(responses) == ["200", "404", "422"], f"{method} {path}: {sorted(responses)}"
        assert responses["404"]["description"] == "No such job"
        body = responses["404"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Detail"}
    assert schema["components"]["schemas"]["Detail"]["properties"] == {
        "detail": {"type": "string", "title": "Detail"}
    }


def test_a_poll_does_not_wait_unless_asked() -> None:
    """`until` and `wait` are optional, and `wait` is documented as 0 to 30, default 0."""
    operation = app.openapi()["paths"]["/jobs/{job_id}"]["get"]
    params = {param["name"]: param for param in operation["parameters"]}
    assert params["until"]["required"] is False
    assert params["wait"]["required"] is False
    wait = params["wait"]["schema"]
    assert (wait["default"], wait["minimum"], wait["maximum"]) == (0, 0, 30), (
        "a poll without `wait` answers at once: the default is 0 seconds"
    )
