"""Contract fuzzing: every lesson app must honour the OpenAPI document it publishes.

Schemathesis reads each lesson's `/openapi.json` and generates requests for every operation,
valid and invalid. Whatever it sends, the app must answer without a 5xx, with a status code
the document declares, with the declared content type, and with a body that matches the
declared schema. Run with ``nox -s contract`` (or ``pytest tools/contract``).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from lessons.testkit import REPO_ROOT

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Per operation; the thorough CI profile of the lessons does not apply to this sweep.
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "25"))

LESSONS = sorted(path.parent.name for path in (REPO_ROOT / "lessons").glob("[0-9][0-9]_*/app.py"))

# Operations that break the contract ON PURPOSE, because that is what their lesson teaches
# (an unhandled error shown as a 500, a stream that waits for an event the test controls).
# Each is excluded with its reason; every other operation of every lesson is fuzzed.
DELIBERATE: dict[str, str] = {
    "02_path_parameters:GET /wrong-order/users/me": (
        "shows a route shadowed by an earlier /users/{user_id}: every call is that route's 422"
    ),
    "05_response_models:GET /legacy/users/{user_id}": (
        "a stored row that breaks UserOut is refused with a 500, not sent malformed"
    ),
    "07_dependencies:GET /lifecycle": (
        "outcome=crash shows a yield dependency seeing an unhandled error, which is a 500"
    ),
    "07_dependencies:GET /swallowed": (
        "a yield dependency that swallows the error leaves no response: FastAPIError, a 500"
    ),
    "07_dependencies:GET /late-error": (
        "an HTTPException raised in teardown comes too late to change the response (a 500)"
    ),
    "08_dependency_overrides:GET /weather/{city}": (
        "calls a weather service the run cannot reach; its documented 502 is the gateway error"
    ),
    "09_async_and_sync:GET /profiles/{user_id}": (
        "calls an upstream the run cannot reach; its documented 502/504 are gateway errors"
    ),
    "11_error_handling:GET /accounts/{account_id}/statement": (
        "a planted outage: shows the catch-all handler's 500 hiding the secret in the error"
    ),
    "11_error_handling:GET /legacy/quantity": (
        "a bug on purpose (unvalidated int()): shows the catch-all 500 keeping input out"
    ),
    "16_background_tasks:POST /reports/{report_id}": (
        "a task that raises after the 202 was sent is the point; in-process it surfaces as a 500"
    ),
    "16_background_tasks:POST /jobs": (
        "its task waits for a release that only a test sends, so an in-process call never ends"
    ),
    "27_testing:GET /boom": (
        "an unhandled bug on purpose: TestClient re-raises it;"
        " raise_server_exceptions=False shows the 500"
    ),
    "31_request_ids_and_logging:GET /boom": (
        "a bug on purpose: its 500 still carries the request ID a user can quote to support"
    ),
    "24_streaming:GET /jobs/{job_id}/progress": (
        "a live progress feed waits for steps another request reports: past the read timeout"
    ),
    "24_streaming:GET /feeds/{feed_id}": (
        "an endless stream that ends only when the client disconnects (shows its cleanup)"
    ),
    "24_streaming:GET /feeds/{feed_id}/cleanup": (
        "waits up to `wait` seconds for a feed's disconnect cleanup the fuzzer never triggers"
    ),
    "34_performance:GET /prices/{symbol}": (
        "a gateway with no upstream configured in the run: its documented 503 is the answer"
    ),
    "34_performance:GET /prices/{symbol}/no-timeout": (
        "the same gateway without a timeout, also answering its documented 503 without upstream"
    ),
}

# Lessons whose app answers only for certain hosts (TrustedHostMiddleware).
BASE_URLS: dict[str, str] = {"12_middleware": "http://localhost"}


def load_app(lesson: str) -> FastAPI:
    app = importlib.import_module(f"lessons.{lesson}.app").app
    assert isinstance(app, FastAPI)
    return app


def operations() -> list[Any]:
    params = []
    for lesson in LESSONS:
        app = load_app(lesson)
        # The document the app would publish, taken directly: some lessons hide /openapi.json.
        schema = schemathesis.openapi.from_dict(app.openapi())
        schema.app = app  # requests go to the app in-process, lifespan included
        for result in schema.get_all_operations():
            # An operation Schemathesis cannot read is an error in the app's document.
            operation = result.ok()  # type: ignore[union-attr]
            name = f"{lesson}:{operation.label}"
            marks = []
            if name in DELIBERATE:
                marks.append(pytest.mark.skip(reason=f"deliberate: {DELIBERATE[name]}"))
            params.append(pytest.param(lesson, operation, id=name, marks=marks))
    return params


def fuzz(operation: Any, base_url: str) -> Callable[[], None]:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(base_url=base_url, checks=CHECKS)

    return run


@pytest.mark.parametrize(("lesson", "operation"), operations())
def test_operation_honours_its_openapi_contract(lesson: str, operation: Any) -> None:
    """Generated requests never get a 5xx or a response outside the documented contract."""
    fuzz(operation, BASE_URLS.get(lesson, "http://testserver"))()
