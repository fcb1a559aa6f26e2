"""Lesson 07: dependency injection with Depends.

Serve it with:  uvicorn "lessons.07_dependencies.app:app" --reload

Every dependency below records what it does in CALLS (how often) or EVENTS (in which
order), so the tests can prove caching and teardown timing instead of describing them.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Header, HTTPException, Query
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# ---------------------------------------------------------------------------------------
# Observations. A real app would not keep these; the lesson needs them as evidence.
# ---------------------------------------------------------------------------------------
CALLS: Counter[str] = Counter()  # dependency or handler name -> how many times it ran
EVENTS: list[str] = []  # what happened, in order, across setup, handler, teardown, sending


def reset_observations() -> None:
    CALLS.clear()
    EVENTS.clear()


# The body of an HTTPException, declared in `responses=` so the docs list each error a
# route can answer with, and what it looks like.
class HTTPError(BaseModel):
    detail: str


class RecordResponseSent:
    """Pure ASGI middleware: log the moment the response has been handed to the server.

    Comparing these log lines with a dependency's teardown line shows whether teardown
    ran before or after the client could have the response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_and_record(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.start":
                EVENTS.append("response: headers sent")
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                EVENTS.append("response: body sent")

        await self.app(scope, receive, send_and_record)


# ---------------------------------------------------------------------------------------
# App-level dependency: listed in FastAPI(dependencies=[...]), it runs for every route.
# Its return value is thrown away; such dependencies exist for their side effect.
# ---------------------------------------------------------------------------------------
def count_every_request() -> None:
    CALLS["count_every_request"] += 1


app = FastAPI(title="Lesson 07: dependencies", dependencies=[Depends(count_every_request)])
app.add_middleware(RecordResponseSent)


# ---------------------------------------------------------------------------------------
# A function dependency and a class dependency, both reading query parameters.
# Their parameters become the route's parameters: validated, and listed in OpenAPI.
# ---------------------------------------------------------------------------------------
ITEMS = [f"item-{number:03d}" for number in range(1, 121)]


def search_filter(q: Annotated[str | None, Query(max_length=20)] = None) -> str | None:
    return q


class Pagination:
    # FastAPI calls the class like a function: __init__'s parameters are what it resolves.
    def __init__(
        self,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> None:
        self.offset = offset
        self.limit = limit


@app.get("/items")
def list_items(
    q: Annotated[str | None, Depends(search_filter)],
    # `Depends()` with no argument: the dependency is the annotation, Pagination itself.
    page: Annotated[Pagination, Depends()],
) -> dict[str, object]:
    matching = [item for item in ITEMS if q is None or q in item]
    return {
        "q": q,
        "offset": page.offset,
        "limit": page.limit,
        "dependency_type": type(page).__name__,
        "items": matching[page.offset : page.offset + page.limit],
    }


# ---------------------------------------------------------------------------------------
# Sub-dependencies and the per-request cache.
# Two dependencies (reader, writer) both need a connection. Within one request FastAPI
# calls open_connection once and hands both the same object; use_cache=False opts out.
# ---------------------------------------------------------------------------------------
@dataclass
class Connection:
    id: int


def open_connection() -> Connection:
    CALLS["open_connection"] += 1
    # Numbered by the call counter: connection 1, 2, 3... since the last reset.
    return Connection(id=CALLS["open_connection"])


@dataclass
class Reader:
    connection: Connection


@dataclass
class Writer:
    connection: Connection


def get_reader(connection: Annotated[Connection, Depends(open_connection)]) -> Reader:
    return Reader(connection)


def get_writer(connection: Annotated[Connection, Depends(open_connection)]) -> Writer:
    return Writer(connection)


def get_private_writer(
    connection: Annotated[Connection, Depends(open_connection, use_cache=False)],
) -> Writer:
    return Writer(connection)


@app.get("/connections/shared")
def shared_connection(
    reader: Annotated[Reader, Depends(get_reader)],
    writer: Annotated[Writer, Depends(get_writer)],
) -> dict[str, int]:
    return {"reader": reader.connection.id, "writer": writer.connection.id}


@app.get("/connections/private")
def private_connection(
    reader: Annotated[Reader, Depends(get_reader)],
    writer: Annotated[Writer, Depends(get_private_writer)],
) -> dict[str, int]:
    return {"reader": reader.connection.id, "writer": writer.connection.id}


# ---------------------------------------------------------------------------------------
# `yield` dependencies: code before `yield` is setup, code after it is teardown.
# inner_resource depends on outer_resource, so outer is set up first and torn down last.
# ---------------------------------------------------------------------------------------
def outer_resource() -> Iterator[str]:
    EVENTS.append("outer: setup")
    try:
        yield "outer"
    except Exception as exc:
        # The handler's exception is thrown into the dependency at the `yield`.
        EVENTS.append(f"outer: saw {type(exc).__name__}")
        raise  # always re-raise: see /swallowed for what happens otherwise
    finally:
        EVENTS.append("outer: teardown")


def inner_resource(outer: Annotated[str, Depends(outer_resource)]) -> Iterator[str]:
    EVENTS.append("inner: setup")
    try:
        yield f"inner (built on {outer})"
    except Exception as exc:
        EVENTS.append(f"inner: saw {type(exc).__name__}")
        raise
    finally:
        EVENTS.append("inner: teardown")


@app.get("/lifecycle", responses={404: {"model": HTTPError, "description": "outcome=not_found"}})
def lifecycle(
    resource: Annotated[str, Depends(inner_resource)],
    tasks: BackgroundTasks,
    outcome: Literal["ok", "not_found", "crash"] = "ok",
) -> dict[str, str]:
    EVENTS.append("handler")
    tasks.add_task(EVENTS.append, "background task")
    if outcome == "not_found":
        raise HTTPException(status_code=404, detail="nothing here")
    if outcome == "crash":
        raise RuntimeError("a bug in the handler")
    return {"resource": resource}


# A resource a streaming response keeps using while it sends its chunks.
@dataclass
class Session:
    open: bool = True


def get_session() -> Iterator[Session]:
    session = Session()
    try:
        yield session
    finally:
        session.open = False
        EVENTS.append("session: closed")


# response_class= only documents the text/plain body; the handler returns its own stream.
@app.get("/lifecycle/stream", response_class=PlainTextResponse)
def stream_with_session(session: Annotated[Session, Depends(get_session)]) -> StreamingResponse:
    def chunks() -> Iterator[str]:
        for number in range(3):
            yield f"chunk {number}: session open={session.open}\n"

    return StreamingResponse(chunks(), media_type="text/plain")


# Two mistakes in `yield` dependencies, kept here so the tests can show their effect.
def swallow_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        EVENTS.append(f"swallowed {exc!r}")  # BUG: no `raise`


@app.get("/swallowed")
def swallowed(_: Annotated[None, Depends(swallow_errors)]) -> dict[str, str]:
    raise HTTPException(status_code=404, detail="the client should get this 404")


def fail_after_yield() -> Iterator[None]:
    yield
    # Raising in teardown to change the response only works while teardown runs before
    # the response is sent (FastAPI < 0.118). Validate before `yield` instead.
    raise HTTPException(status_code=409, detail="raised in teardown")


@app.get("/late-error")
def late_error(_: Annotated[None, Depends(fail_after_yield)]) -> dict[str, str]:
    return {"status": "handler finished"}


# ---------------------------------------------------------------------------------------
# Router-level dependencies guard every route of the router. A dependency that raises
# HTTPException ends the request: later dependencies and the handler never run.
# ---------------------------------------------------------------------------------------
DEMO_API_KEY = "lesson-07-demo-key"  # a demo value; real keys come from settings


def require_api_key(x_api_key: Annotated[str | None, Header()] = None) -> None:
    CALLS["require_api_key"] += 1
    if x_api_key != DEMO_API_KEY:
        raise HTTPException(status_code=401, detail="missing or wrong X-API-Key")


admin = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_api_key)],
    # Declared on the router, like the dependency: every route of it can answer 401.
    responses={401: {"model": HTTPError, "description": "Missing or wrong X-API-Key"}},
)


@admin.get("/stats")
def admin_stats() -> dict[str, int]:
    CALLS["admin_stats"] += 1
    return {"items": len(ITEMS)}


@admin.post("/reindex")
def admin_reindex() -> dict[str, str]:
    CALLS["admin_reindex"] += 1
    return {"status": "reindexed"}


app.include_router(admin)
