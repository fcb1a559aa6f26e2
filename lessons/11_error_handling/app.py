"""Lesson 11: error handling — HTTPException, custom handlers, safe 500s.

Serve it with:  uvicorn "lessons.11_error_handling.app:app" --reload

Three kinds of failure, three tools:
- an expected, client-facing error  -> raise HTTPException (FastAPI's {"detail": ...} body);
- a business rule the domain breaks  -> raise a DomainError, one handler maps it to HTTP;
- a bug or an outage nobody expected -> a catch-all handler logs the traceback and answers
  a generic 500 that tells the client nothing about the internals.
"""

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)

app = FastAPI(title="Lesson 11: error handling")


# --- One error envelope -------------------------------------------------------------------
# Every error this app produces on purpose (domain, validation, unexpected) has the same
# shape, so a client needs one parser: {"error": {"code": ..., "message": ..., ...}}.
def error_response(status_code: int, code: str, message: str, **extra: object) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content={"error": {"code": code, "message": message, **extra}},
    )


# The envelope as models, for the docs only: `responses=` below declares which error bodies
# each route can send, so a client (or a contract test) knows them before meeting them.
class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="allow")  # `fields`, `error_id`... ride along

    code: str
    message: str


class ErrorEnvelope(BaseModel):
    error: ErrorBody


class HTTPError(BaseModel):  # FastAPI's own body for an HTTPException
    detail: str | dict[str, str]


# Every route has parameters, so every route can answer the enveloped 422.
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorEnvelope, "description": "The request is invalid"}
}


# --- 1. HTTPException: the expected, client-facing errors ---------------------------------
REPORTS = {1: {"id": 1, "title": "Q1 revenue"}}


@app.get(
    "/reports/{report_id}",
    responses={**INVALID, 404: {"model": HTTPError, "description": "No such report"}},
)
def read_report(report_id: int) -> dict[str, object]:
    if report_id not in REPORTS:
        raise HTTPException(status_code=404, detail="Report not found")
    return REPORTS[report_id]


@app.get(
    "/exports/latest",
    responses={**INVALID, 401: {"model": HTTPError, "description": "No Authorization header"}},
)
def latest_export(authorization: str | None = Header(default=None)) -> dict[str, str]:
    if authorization is None:
        # `detail` may be any JSON-serialisable value; `headers` are sent as they are.
        raise HTTPException(
            status_code=401,
            detail={"message": "Sign in to download exports", "scheme": "Bearer"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    return {"export": "ready"}


# --- 2. Domain errors: business rules that know nothing about HTTP ------------------------
class DomainError(Exception):
    """Base class of the errors the business rules raise; `code` is machine-readable."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AccountNotFound(DomainError):
    code = "account_not_found"


class InsufficientFunds(DomainError):
    code = "insufficient_funds"


# The HTTP layer owns the mapping from domain error to status code.
DOMAIN_ERROR_STATUS: dict[type[DomainError], int] = {
    AccountNotFound: 404,
    InsufficientFunds: 409,
}

SEED_ACCOUNTS = {"acc-1": 100}
accounts: dict[str, int] = dict(SEED_ACCOUNTS)  # in-memory store: account id -> balance


def withdraw(account_id: str, amount: int) -> int:
    """The service: plain Python, raises domain errors, returns the new balance."""
    if account_id not in accounts:
        raise AccountNotFound(f"No account {account_id!r}")
    if accounts[account_id] < amount:
        raise InsufficientFunds(f"Balance {accounts[account_id]} is less than {amount}")
    accounts[account_id] -= amount
    return accounts[account_id]


class Withdrawal(BaseModel):
    amount: int = Field(gt=0, le=10_000)
    note: str | None = Field(default=None, max_length=140)


@app.post(
    "/accounts/{account_id}/withdrawals",
    responses={
        **INVALID,
        404: {"model": ErrorEnvelope, "description": "No such account"},
        409: {"model": ErrorEnvelope, "description": "Insufficient funds"},
    },
)
def make_withdrawal(account_id: str, withdrawal: Withdrawal) -> dict[str, object]:
    balance = withdraw(account_id, withdrawal.amount)
    return {"account_id": account_id, "balance": balance}


# One handler registered for the base class serves every subclass: Starlette looks the
# handler up along the exception's class hierarchy (its MRO).
@app.exception_handler(DomainError)
async def domain_error_handler(request: Request, exc: DomainError) -> JSONResponse:
    status_code = DOMAIN_ERROR_STATUS.get(type(exc), 400)
    return error_response(status_code, exc.code, exc.message)


# --- 3. Validation errors in the same envelope --------------------------------------------
@app.exception_handler(RequestValidationError)
async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    # Deliberately no "input": FastAPI's default 422 echoes what the client sent, which can
    # be a password. And no "ctx": it may hold Python objects that are not JSON.
    fields = [
        {
            "in": str(error["loc"][0]),
            "field": ".".join(str(part) for part in error["loc"][1:]),
            "type": error["type"],
            "message": error["msg"],
        }
        for error in exc.errors()
    ]
    return error_response(422, "validation_error", "The request is invalid", fields=fields)


# --- 4. The unexpected: log everything, tell the client nothing ---------------------------
# A planted secret: the kind of string an exception message can carry (a connection URL
# with a password). It must reach the logs' traceback and never a response body.
STATEMENT_DB_URL = "postgresql://ledger:pa55-w0rd-not-for-clients@db.internal:5432/ledger"


def fetch_statement(account_id: str) -> list[dict[str, object]]:
    # Stands in for a database outage: the driver's message names the full URL.
    raise ConnectionError(f"could not connect to {STATEMENT_DB_URL} for {account_id}")


@app.get("/accounts/{account_id}/statement", responses=INVALID)
def read_statement(account_id: str) -> list[dict[str, object]]:
    return fetch_statement(account_id)


@app.get("/legacy/quantity", responses=INVALID)
def legacy_quantity(raw: str) -> dict[str, int]:
    # A bug on purpose: unvalidated parsing. int("abc") raises ValueError whose message
    # repeats the client's input; the catch-all handler keeps that out of the response.
    return {"quantity": int(raw)}


# A handler for `Exception` (or the status 500) is special: Starlette installs it in
# ServerErrorMiddleware, the outermost layer, so it sees errors from every route and every
# middleware. After it answers, the exception is re-raised so the server sees it too.
@app.exception_handler(Exception)
async def unexpected_error_handler(request: Request, exc: Exception) -> JSONResponse:
    error_id = uuid.uuid4().hex
    # exc_info=exc puts the full traceback in the log record; the client gets only the id
    # to quote to support, who can find the matching log line.
    logger.error(
        "Unhandled error %s on %s %s",
        error_id,
        request.method,
        request.url.path,
        exc_info=exc,
    )
    return error_response(500, "internal_error", "Internal server error", error_id=error_id)
