"""Lesson 11 claims: HTTPException, domain and validation handlers, and safe 500s."""

import json
import logging
import re
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError
from starlette.middleware.base import RequestResponseEndpoint

from . import app as lesson
from .app import app

# raise_server_exceptions=False: answer like a real server would (a 500 response) instead
# of re-raising the app's exception inside the test.
client = TestClient(app, raise_server_exceptions=False)

SECRET = urlsplit(lesson.STATEMENT_DB_URL).password or ""
ENVELOPE_KEYS = {"code", "message"}
GENERIC_500 = {"code": "internal_error", "message": "Internal server error"}


@pytest.fixture(autouse=True)
def fresh_accounts() -> Iterator[None]:
    """Every test starts from the seeded balances, whatever earlier tests withdrew."""
    lesson.accounts.clear()
    lesson.accounts.update(lesson.SEED_ACCOUNTS)
    yield
    lesson.accounts.clear()
    lesson.accounts.update(lesson.SEED_ACCOUNTS)


# --- HTTPException --------------------------------------------------------------------------
def test_http_exception_sets_status_and_detail() -> None:
    """HTTPException(404, detail=...) answers that status with {"detail": ...}."""
    found = client.get("/reports/1")
    assert (found.status_code, found.json()) == (200, {"id": 1, "title": "Q1 revenue"})
    response = client.get("/reports/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Report not found"}


def test_http_exception_detail_can_be_json_and_headers_are_sent() -> None:
    """A dict detail comes back as JSON, and HTTPException's headers reach the client."""
    response = client.get("/exports/latest")
    assert response.status_code == 401
    assert response.json() == {
        "detail": {"message": "Sign in to download exports", "scheme": "Bearer"}
    }
    assert response.headers["www-authenticate"] == "Bearer"
    signed_in = client.get("/exports/latest", headers={"Authorization": "Bearer t"})
    assert (signed_in.status_code, signed_in.json()) == (200, {"export": "ready"})


# --- Domain errors --------------------------------------------------------------------------
DOMAIN_CASES: dict[type[lesson.DomainError], tuple[str, str, dict[str, int]]] = {
    lesson.AccountNotFound: ("POST", "/accounts/acc-404/withdrawals", {"amount": 1}),
    lesson.InsufficientFunds: ("POST", "/accounts/acc-1/withdrawals", {"amount": 101}),
}


@pytest.mark.parametrize("error", list(lesson.DOMAIN_ERROR_STATUS), ids=lambda cls: cls.__name__)
def test_the_handler_maps_every_error_in_the_table(error: type[lesson.DomainError]) -> None:
    """Raised from any route, each error of DOMAIN_ERROR_STATUS gets its status and code."""
    probe = FastAPI()
    probe.exception_handler(lesson.DomainError)(lesson.domain_error_handler)

    @probe.get("/probe")
    def raise_it() -> None:
        raise error("probe message")

    response = TestClient(probe).get("/probe")
    assert response.status_code == lesson.DOMAIN_ERROR_STATUS[error]
    assert response.json() == {"error": {"code": error.code, "message": "probe message"}}


@pytest.mark.parametrize("error", list(DOMAIN_CASES), ids=lambda cls: cls.__name__)
def test_domain_error_maps_to_its_status_in_one_shape(error: type[lesson.DomainError]) -> None:
    """One handler turns each domain error into its status and {"error": {code, message}}."""
    method, url, body = DOMAIN_CASES[error]
    response = client.request(method, url, json=body)
    assert response.status_code == lesson.DOMAIN_ERROR_STATUS[error]
    payload = response.json()
    assert set(payload) == {"error"}, "domain errors use the envelope, not FastAPI's detail"
    assert set(payload["error"]) == ENVELOPE_KEYS
    assert payload["error"]["code"] == error.code


def test_domain_error_bodies_carry_the_services_message() -> None:
    """The envelope's message is the domain error's own text, written for the client."""
    missing = client.post("/accounts/acc-404/withdrawals", json={"amount": 1})
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"code": "account_not_found", "message": "No account 'acc-404'"}
    }
    short = client.post("/accounts/acc-1/withdrawals", json={"amount": 101})
    assert short.status_code == 409
    assert short.json() == {
        "error": {"code": "insufficient_funds", "message": "Balance 100 is less than 101"}
    }


def test_withdrawing_the_whole_balance_is_allowed() -> None:
    """The rule is balance < amount: taking exactly the balance (100) leaves 0, not a 409."""
    response = client.post("/accounts/acc-1/withdrawals", json={"amount": 100})
    assert response.status_code == 200, response.text
    assert response.json() == {"account_id": "acc-1", "balance": 0}


def test_service_raises_domain_errors_without_http() -> None:
    """The service layer raises plain domain exceptions: no status codes, no HTTP."""
    assert lesson.withdraw("acc-1", 30) == 70
    with pytest.raises(lesson.InsufficientFunds, match="less than 500"):
        lesson.withdraw("acc-1", 500)
    assert lesson.accounts["acc-1"] == 70, "a refused withdrawal changes nothing"


def test_an_allowed_withdrawal_answers_200_with_the_new_balance() -> None:
    """With no domain error, the route answers 200 with the balance the service returned."""
    response = client.post("/accounts/acc-1/withdrawals", json={"amount": 40})
    assert response.status_code == 200, response.text
    assert response.json() == {"account_id": "acc-1", "balance": 60}
    assert lesson.accounts["acc-1"] == 60


# --- Validation errors ----------------------------------------------------------------------
def test_validation_handler_replaces_the_422_envelope() -> None:
    """A RequestValidationError handler turns FastAPI's 422 into the app's envelope."""
    response = client.post("/accounts/acc-1/withdrawals", json={"amount": "lots"})
    assert response.status_code == 422
    payload = response.json()
    assert "detail" not in payload, "FastAPI's default 422 body is gone"
    assert payload["error"]["code"] == "validation_error"
    assert payload["error"]["fields"] == [
        {
            "in": "body",
            "field": "amount",
            "type": "int_parsing",
            "message": "Input should be a valid integer, unable to parse string as an integer",
        }
    ]


def test_validation_envelope_lists_every_problem_and_never_echoes_input() -> None:
    """Every invalid field is reported in one response, without the client's input."""
    # A password-like value sent by mistake must not be sent back (FastAPI's default does).
    echoed = "hunter2-" * 4
    response = client.post(
        "/accounts/acc-1/withdrawals", json={"amount": echoed, "note": echoed * 10}
    )
    assert response.status_code == 422
    assert [(f["in"], f["field"]) for f in response.json()["error"]["fields"]] == [
        ("body", "amount"),
        ("body", "note"),
    ]
    assert echoed not in response.text, "the envelope must not echo the input"
    path_problem = client.get("/reports/abc")
    assert path_problem.status_code == 422
    assert [(f["in"], f["field"]) for f in path_problem.json()["error"]["fields"]] == [
        ("path", "report_id")
    ]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"amount": 0}, 422),
        ({"amount": 1}, 200),
        ({"amount": 10_000}, 409),  # valid, so it reaches the service: more than the balance
        ({"amount": 10_001}, 422),
        ({"amount": 1, "note": "n" * 140}, 200),
        ({"amount": 1, "note": "n" * 141}, 422),
    ],
)
def test_withdrawal_bounds_are_1_to_10000_with_a_note_of_at_most_140(
    body: dict[str, object], status: int
) -> None:
    """The exact edges of Withdrawal: amount > 0 and <= 10 000, note at most 140 characters."""
    response = client.post("/accounts/acc-1/withdrawals", json=body)
    assert response.status_code == status, response.text


def documented_statuses(path: str, method: str) -> set[str]:
    return set(app.openapi()["paths"][path][method]["responses"])


def test_every_route_documents_exactly_the_statuses_it_answers() -> None:
    """OpenAPI lists each route's real statuses; the withdrawal's follow the domain table."""
    domain = {str(status) for status in lesson.DOMAIN_ERROR_STATUS.values()}
    assert documented_statuses("/reports/{report_id}", "get") == {"200", "404", "422"}
    assert documented_statuses("/exports/latest", "get") == {"200", "401", "422"}
    withdrawals = documented_statuses("/accounts/{account_id}/withdrawals", "post")
    assert withdrawals == {"200", "422"} | domain, "declare each domain status in responses="
    assert documented_statuses("/legacy/quantity", "get") == {"200", "422"}


AMOUNT_SCHEMA = app.openapi()["components"]["schemas"]["Withdrawal"]["properties"]["amount"]
# The oracle: an independent pydantic type built from the bounds the app publishes.
AMOUNT_ORACLE: TypeAdapter[int] = TypeAdapter(
    Annotated[
        int,
        Field(gt=int(AMOUNT_SCHEMA["exclusiveMinimum"]), le=int(AMOUNT_SCHEMA["maximum"])),
    ]
)
LOW, HIGH = int(AMOUNT_SCHEMA["exclusiveMinimum"]), int(AMOUNT_SCHEMA["maximum"])
json_amounts = st.one_of(
    st.integers(min_value=LOW - 3, max_value=LOW + 3),
    st.integers(min_value=HIGH - 3, max_value=HIGH + 3),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@given(amount=json_amounts)
@example(amount=LOW).via("edge: the exclusive minimum itself")
@example(amount=HIGH + 1).via("edge: just above the maximum")
def test_any_invalid_amount_gets_the_envelope_with_pydantics_verdict(amount: Any) -> None:
    """For any JSON amount: 422 in our envelope exactly when pydantic rejects it."""
    try:
        AMOUNT_ORACLE.validate_python(json.loads(json.dumps(amount)))
        valid = True
    except ValidationError:
        valid = False
    response = client.post("/accounts/no-such-account/withdrawals", json={"amount": amount})
    if valid:
        # Valid input reaches the service, which answers 404 (no such account): not a 422.
        assert response.status_code == 404, response.text
    else:
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert [(f["in"], f["field"]) for f in error["fields"]] == [("body", "amount")]


# --- Unexpected errors ----------------------------------------------------------------------
def test_unexpected_error_is_a_generic_500() -> None:
    """An unexpected exception answers 500 with a generic body: no traceback, no text, no secret."""
    assert SECRET, "the app's planted secret is the password in STATEMENT_DB_URL"
    response = client.get("/accounts/acc-1/statement")
    assert response.status_code == 500
    error = response.json()["error"]
    assert {k: v for k, v in error.items() if k != "error_id"} == GENERIC_500
    assert re.fullmatch(r"[0-9a-f]{32}", error["error_id"])
    for leak in (SECRET, "Traceback", "ConnectionError", "could not connect", "db.internal"):
        assert leak not in response.text, f"the 500 body leaks {leak!r}"


def test_unexpected_error_traceback_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """The handler logs the traceback (with the secret) and the error id the client got."""
    with caplog.at_level(logging.ERROR, logger=lesson.logger.name):
        response = client.get("/accounts/acc-1/statement")
    error_id = response.json()["error"]["error_id"]
    records = [r for r in caplog.records if r.name == lesson.logger.name]
    assert len(records) == 1, "exactly one log record per unexpected error"
    record = records[0]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None, "the record carries the exception and its traceback"
    assert isinstance(record.exc_info[1], ConnectionError)
    assert record.getMessage() == f"Unhandled error {error_id} on GET /accounts/acc-1/statement"
    assert "Traceback (most recent call last)" in caplog.text
    assert "fetch_statement" in caplog.text, "the traceback names the failing function"
    assert SECRET in caplog.text, "the logs keep the whole message, secret included"


def test_server_error_middleware_reraises_after_the_handler() -> None:
    """After the catch-all handler answers, the exception is re-raised to the server."""
    raising_client = TestClient(app)  # the default: re-raise server exceptions
    with pytest.raises(ConnectionError, match="could not connect"):
        raising_client.get("/accounts/acc-1/statement")


@given(raw=st.text(max_size=30))
def test_500_body_never_depends_on_the_exception_message(raw: str) -> None:
    """Whatever the client sends to the buggy parser, a 500 body is the same generic text."""
    response = client.get("/legacy/quantity", params={"raw": raw})
    assert response.status_code in (200, 500)
    if response.status_code == 500:
        error = response.json()["error"]
        assert {k: v for k, v in error.items() if k != "error_id"} == GENERIC_500


def test_every_handled_error_shares_the_envelope() -> None:
    """Domain, validation and unexpected errors all answer {"error": {"code", "message", ...}}."""
    responses = {
        "domain": client.post("/accounts/acc-404/withdrawals", json={"amount": 1}),
        "validation": client.post("/accounts/acc-1/withdrawals", json={}),
        "unexpected": client.get("/accounts/acc-1/statement"),
    }
    for kind, response in responses.items():
        payload = response.json()
        assert set(payload) == {"error"}, kind
        assert ENVELOPE_KEYS <= set(payload["error"]), kind


# --- Where the handlers sit ---------------------------------------------------------------
def failing_app(*, debug: bool = False) -> FastAPI:
    """A small app wired with the lesson's handlers and one route that always fails."""
    variant = FastAPI(debug=debug)
    variant.exception_handler(lesson.DomainError)(lesson.domain_error_handler)
    variant.exception_handler(Exception)(lesson.unexpected_error_handler)

    @variant.middleware("http")
    async def refuse_in_middleware(
        request: Request, call_next: RequestResponseEndpoint
    ) -> Response:
        if request.url.path == "/from-middleware":
            raise lesson.AccountNotFound("raised outside the router")
        return await call_next(request)

    @variant.get("/from-route")
    def from_route() -> None:
        raise ConnectionError(f"could not connect to {lesson.STATEMENT_DB_URL}")

    return variant


def test_without_a_handler_starlette_answers_plain_text_500() -> None:
    """With no catch-all handler the 500 is Starlette's plain text: safe, but not your shape."""
    bare = FastAPI()

    @bare.get("/from-route")
    def from_route() -> None:
        raise ConnectionError(f"could not connect to {lesson.STATEMENT_DB_URL}")

    response = TestClient(bare, raise_server_exceptions=False).get("/from-route")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Internal Server Error"


def test_debug_mode_leaks_the_traceback_and_skips_the_handler() -> None:
    """FastAPI(debug=True) answers with the traceback and secret, ignoring the handler."""
    response = TestClient(failing_app(debug=True), raise_server_exceptions=False).get("/from-route")
    assert response.status_code == 500
    assert "Traceback" in response.text
    assert SECRET in response.text, "debug mode is for your laptop only"
    assert "internal_error" not in response.text, "the catch-all handler was bypassed"
    safe = TestClient(failing_app(), raise_server_exceptions=False).get("/from-route")
    assert SECRET not in safe.text


def test_a_domain_error_missing_from_the_table_falls_back_to_400() -> None:
    """A DomainError with no entry in DOMAIN_ERROR_STATUS still gets the envelope, as a 400."""
    variant = failing_app()

    @variant.get("/unmapped")
    def unmapped() -> None:
        raise lesson.DomainError("No rule for this yet")

    response = TestClient(variant).get("/unmapped")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "domain_error", "message": "No rule for this yet"}}


def test_only_the_catch_all_handler_sees_errors_raised_in_middleware() -> None:
    """Only the Exception/500 handler wraps the middleware: a domain error raised there is a 500."""
    variant_client = TestClient(failing_app(), raise_server_exceptions=False)
    response = variant_client.get("/from-middleware")
    assert response.status_code == 500, "the DomainError handler never saw it"
    assert response.json()["error"]["code"] == "internal_error"
