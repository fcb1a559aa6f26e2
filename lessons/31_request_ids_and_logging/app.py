"""Lesson 31: request IDs — accept or replace, echo, and stamp on every log record.

Serve it with the logging config that prints each record's ID:
    uvicorn "lessons.31_request_ids_and_logging.app:app" \\
        --log-config lessons/31_request_ids_and_logging/logging.json
Then:  curl -i -H 'X-Request-ID: demo-123' http://127.0.0.1:8000/orders/1
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# --- The request ID -------------------------------------------------------------------------
# What we accept from a client or a proxy: 1 to 64 letters, digits, dots, underscores and
# hyphens. Anything else (CR/LF that could forge log lines, spaces, quotes, non-ASCII,
# empty, overlong) is replaced by a fresh ID, never "cleaned up" and kept.
VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


def choose_request_id(incoming: bytes | None) -> str:
    # fullmatch, not match(r"^...$"): `$` also matches before a trailing newline, so
    # "abc\n" would pass a `^...$` check.
    if incoming is not None and VALID_REQUEST_ID.fullmatch(incoming):
        return incoming.decode("ascii")
    return str(uuid.uuid4())


# A ContextVar holds one value per asyncio task (and per copied context), so concurrent
# requests each see their own ID. A module-level global would be shared by all of them.
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


# --- Logging --------------------------------------------------------------------------------
class RequestIdFilter(logging.Filter):
    """Stamp `record.request_id` from the context the record is logged in."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True  # a filter that only adds data lets every record through


# A filter on a LOGGER sees only records logged through that very logger. logging.json
# also puts it on the HANDLER, which sees every record it prints, libraries' included.
logger = logging.getLogger(__name__)
logger.addFilter(RequestIdFilter())
# A "library" logger without the filter (think of a database driver's).
db_logger = logging.getLogger("demo_db")


# --- The middleware -------------------------------------------------------------------------
class RequestIdMiddleware:
    """Pick the request's ID, expose it to everything inside, echo it, log with it.

    Pure ASGI: it runs the rest of the app in the same task, so the ContextVar it sets is
    visible to every dependency, handler, exception handler and background task of the
    request, and it can answer an unhandled error itself, with the ID, before the
    ServerErrorMiddleware outside it would send a bare 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        request_id = choose_request_id(incoming)
        token = request_id_var.set(request_id)
        status: int | None = None  # set once the response has started

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            if incoming is not None and incoming != request_id.encode():
                # Log the length, not the value: the value is what could forge a log line.
                logger.warning("replaced a malformed X-Request-ID (%d bytes)", len(incoming))
            # %r, not %s: a path may hold an encoded newline (/orders/1%0A...).
            logger.info("%s %r started", scope["method"], scope["path"])
            try:
                await self.app(scope, receive, send_with_request_id)
            except Exception:
                logger.exception("unhandled error")  # the traceback, with the ID
                if status is not None:
                    raise  # too late for a 500: the status line has gone out
                error = {"detail": "Internal Server Error", "request_id": request_id}
                await JSONResponse(error, status_code=500)(scope, receive, send_with_request_id)
            logger.info("%s %r finished: %s", scope["method"], scope["path"], status)
        finally:
            request_id_var.reset(token)


# --- The app --------------------------------------------------------------------------------
def audit(request: Request) -> None:
    # A `def` dependency runs in the thread pool: the ID travels there with the context.
    logger.info("audit: %s %r", request.method, request.url.path)


app = FastAPI(title="Lesson 31: request IDs and logging", dependencies=[Depends(audit)])
app.add_middleware(RequestIdMiddleware)


# Error bodies carry the ID too, so a user can quote it to support.
@app.exception_handler(StarletteHTTPException)
async def http_error_with_request_id(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    body = {"detail": exc.detail, "request_id": request_id_var.get()}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


@app.exception_handler(RequestValidationError)
async def validation_error_with_request_id(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    body = {"detail": jsonable_encoder(exc.errors()), "request_id": request_id_var.get()}
    return JSONResponse(body, status_code=422)


class ErrorWithRequestId(BaseModel):
    """An error body as the handlers above send it: what went wrong, and the ID to quote."""

    detail: str
    request_id: str


ORDERS = {1: "blue mug"}  # /orders/1 is found, every other id is a 404
OrderLookup = Callable[[int], Awaitable[str | None]]


async def lookup_order(order_id: int) -> str | None:
    db_logger.info("SELECT item FROM orders WHERE id = %d", order_id)
    await asyncio.sleep(0)  # stands in for awaiting the database: other requests run here
    return ORDERS.get(order_id)


def get_order_lookup() -> OrderLookup:
    return lookup_order


@app.get("/orders/{order_id}", responses={404: {"model": ErrorWithRequestId}})
async def read_order(
    order_id: int, lookup: OrderLookup = Depends(get_order_lookup)
) -> dict[str, str | int]:
    logger.info("looking up order %d", order_id)
    item = await lookup(order_id)
    if item is None:
        logger.info("order %d not found", order_id)
        raise HTTPException(status_code=404, detail="Order not found")
    logger.info("order %d found", order_id)
    return {"order_id": order_id, "item": item, "request_id": request_id_var.get()}


class ReportRequest(BaseModel):
    name: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")


def email_report(name: str) -> None:
    # A `def` background task: it runs in the thread pool after the response is sent.
    logger.info("emailed report %s", name)


@app.post("/reports", status_code=202)
def create_report(report: ReportRequest, background_tasks: BackgroundTasks) -> dict[str, str]:
    # A `def` handler: the thread pool again.
    logger.info("building report %s", report.name)
    background_tasks.add_task(email_report, report.name)
    return {"report": report.name, "request_id": request_id_var.get()}


@app.get("/boom")
def boom() -> None:
    logger.info("about to fail")
    raise RuntimeError("something broke")
