"""Lesson 16: background tasks, the work that runs after the response has been sent.

Serve it with:  uvicorn "lessons.16_background_tasks.app:app" --reload
"""

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from uuid import uuid4

from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, EmailStr

app = FastAPI(title="Lesson 16: background tasks")

# What happened, in order. Real tasks send mail or write rows; these ones write a line here
# so the tests (and you, through GET /events) can see what ran and when.
events: list[str] = []
outbox: list[str] = []  # addresses a welcome email was "sent" to


@app.get("/events")
def list_events() -> list[str]:
    return events


# --- Tasks are plain functions, sync or async -------------------------------------------
# A `def` task runs in the thread pool, an `async def` task on the event loop, exactly like
# handlers (lesson 09).
def send_welcome_email(email: str) -> None:
    outbox.append(email)
    events.append(f"task: welcome email to {email}")


async def notify_sales(email: str) -> None:
    events.append(f"task: sales told about {email}")


def write_audit_record(action: str) -> None:
    events.append(f"task: audit record for {action}")


# --- A dependency can add tasks too ------------------------------------------------------
# FastAPI hands the dependency and the handler the same BackgroundTasks object. The
# dependency runs before the handler body, so its task is first in the queue.
def audit_signup(background_tasks: BackgroundTasks) -> None:
    background_tasks.add_task(write_audit_record, "signup")


class Signup(BaseModel):
    email: EmailStr


@app.post("/signup", status_code=201, dependencies=[Depends(audit_signup)])
def signup(payload: Signup, background_tasks: BackgroundTasks) -> dict[str, str | bool]:
    # add_task only queues the call: nothing runs until the response has been sent.
    background_tasks.add_task(send_welcome_email, payload.email)
    background_tasks.add_task(notify_sales, payload.email)
    events.append("handler: returning the response")
    # So the response cannot report what the tasks did: this is always False here.
    return {"email": payload.email, "welcome_email_sent": payload.email in outbox}


# --- A failing task ----------------------------------------------------------------------
class RendererUnavailable(RuntimeError):
    """The report renderer is down: stands in for any failure (timeout, full disk, bug)."""


def render_report(report_id: str) -> None:
    events.append(f"task: rendering {report_id}")
    raise RendererUnavailable(f"cannot render report {report_id}: renderer unavailable")


def email_report(report_id: str) -> None:  # pragma: no cover - the point: it never runs
    # Queued after render_report, which always fails: the tasks after a failure are lost.
    events.append(f"task: emailed {report_id}")


ReportId = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,40}$")]


@app.post("/reports/{report_id}", status_code=202)
def request_report(report_id: ReportId, background_tasks: BackgroundTasks) -> dict[str, str]:
    background_tasks.add_task(render_report, report_id)
    background_tasks.add_task(email_report, report_id)
    # The client is told "accepted" and the tasks fail after it has this answer. Nothing
    # retries them and nothing remembers them: BackgroundTasks is not a job queue.
    return {"report_id": report_id, "status": "accepted"}


# --- A yield dependency and a task -------------------------------------------------------
class Session:
    """Stands in for a database session that a yield dependency opens and closes."""

    def __init__(self) -> None:
        self.closed = False


def get_session() -> Iterator[Session]:
    session = Session()
    try:
        yield session
    finally:
        session.closed = True
        events.append("dependency: session closed")


def save_note(session: Session, text: str) -> None:
    state = "closed" if session.closed else "open"
    events.append(f"task: saved {text!r}, session {state}")


@app.post("/notes", status_code=202)
def add_note(
    text: Annotated[str, Query(min_length=1, max_length=100)],
    background_tasks: BackgroundTasks,
    session: Annotated[Session, Depends(get_session)],
) -> dict[str, str]:
    # Handing the request's session to a task depends on when FastAPI closes it, which
    # changed across versions (see the README). A task should open its own session.
    background_tasks.add_task(save_note, session, text)
    return {"status": "accepted"}


# --- A slow task the tests can control ---------------------------------------------------
# Real slow work (a big export, a call to a slow service) takes seconds. To prove that the
# client is answered while such work is still running, this task waits for a "release"
# that only another request can give, so a test decides when the work ends instead of
# guessing with sleep().
@dataclass
class Job:
    status: Literal["queued", "running", "done"] = "queued"
    started: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)


jobs: dict[str, Job] = {}


class Detail(BaseModel):
    """The body of an error response, documented so clients know its shape."""

    detail: str


JOB_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Detail, "description": "No such job"}
}


async def run_job(job_id: str, job: Job) -> None:
    job.status = "running"
    job.started.set()
    events.append(f"task: job {job_id} started")
    await job.release.wait()  # the slow part
    job.status = "done"
    job.finished.set()
    events.append(f"task: job {job_id} done")


def find_job(job_id: str) -> Job:
    if job_id not in jobs:
        raise HTTPException(status_code=404, detail="Job not found")
    return jobs[job_id]


@app.post("/jobs", status_code=202)
async def start_job(background_tasks: BackgroundTasks) -> dict[str, str]:
    job_id = uuid4().hex
    jobs[job_id] = job = Job()
    background_tasks.add_task(run_job, job_id, job)
    return {"job_id": job_id, "status": job.status}


@app.post("/jobs/{job_id}/release", responses=JOB_NOT_FOUND)
async def release_job(job: Annotated[Job, Depends(find_job)]) -> dict[str, str]:
    job.release.set()
    return {"status": job.status}


# Long polling: `?until=done&wait=5` answers as soon as the job is done, or after five
# seconds with whatever the status is then. A test waits on an event, never on a guess.
@app.get("/jobs/{job_id}", responses=JOB_NOT_FOUND)
async def job_status(
    job: Annotated[Job, Depends(find_job)],
    until: Literal["running", "done"] | None = None,
    wait: Annotated[float, Query(ge=0, le=30)] = 0,
) -> dict[str, str]:
    if until is not None:
        reached = job.started if until == "running" else job.finished
        # Not there in time: answer with the current status, the caller sees which it is.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reached.wait(), wait)
    return {"status": job.status}
