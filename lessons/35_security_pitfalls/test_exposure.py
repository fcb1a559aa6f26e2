"""Lesson 35 claims about exposure: CORS, mass assignment, tracebacks and public docs."""

import logging
import re
from pathlib import Path
from typing import Any

import pytest
import starlette
from fastapi.middleware.cors import CORSMiddleware
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from lessons.testkit import parse_version

from . import app as fixed_module
from . import vulnerable as vulnerable_module
from .support import log_in, with_session

EVIL = "https://evil.test"
# Module-level clients for the Hypothesis tests (function-scoped fixtures trip its health
# check); those tests log nobody in, so no state is shared between examples.
vulnerable_client = TestClient(vulnerable_module.app)
fixed_client = TestClient(fixed_module.app)


def cors_policy(app: Any) -> dict[str, Any]:
    """The keyword arguments an app passed to CORSMiddleware."""
    for middleware in app.user_middleware:
        if middleware.cls is CORSMiddleware:
            return dict(middleware.kwargs)
    raise AssertionError("the app adds no CORSMiddleware")


FRONTEND_ORIGINS: list[str] = cors_policy(fixed_module.app)["allow_origins"]
# Any web origin a page could have (scheme://host[:port]); the fixed app's own front end
# is left out. Built from parts rather than a regular expression: cheaper to generate.
LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=15)
foreign_origins = st.builds(
    "{}://{}.{}{}".format,
    st.sampled_from(["http", "https"]),
    LABEL,
    st.sampled_from(["com", "test", "example.com", "io", "co.uk"]),
    st.one_of(st.just(""), st.integers(1, 65535).map(":{}".format)),
).filter(lambda origin: origin not in FRONTEND_ORIGINS)


# --- Credentialed CORS -----------------------------------------------------------------------
def test_any_site_reads_a_logged_in_users_data_from_vulnerable_not_fixed(
    vulnerable: TestClient, fixed: TestClient
) -> None:
    """evil.test's script, riding alice's cookie, may read /me from vulnerable; fixed: no ACAO."""
    alice = vulnerable_module.DEMO_PASSWORDS["alice"]

    token = log_in(vulnerable, "alice", alice)
    stolen = vulnerable.get("/me", headers=with_session(token, Origin=EVIL))
    assert stolen.status_code == 200
    assert stolen.headers["access-control-allow-origin"] == EVIL
    assert stolen.headers["access-control-allow-credentials"] == "true"
    assert stolen.json() == {"username": "alice", "role": "user"}, "what evil.test now reads"

    token = log_in(fixed, "alice", alice)
    guarded = fixed.get("/me", headers=with_session(token, Origin=EVIL))
    # The server still answers (CORS is enforced by the browser, not the server), but
    # without Access-Control-Allow-Origin the browser keeps the body from evil.test's script.
    assert guarded.status_code == 200
    assert "access-control-allow-origin" not in guarded.headers


def test_preflight_from_any_site_is_approved_by_vulnerable_rejected_by_fixed(
    vulnerable: TestClient, fixed: TestClient
) -> None:
    """A preflight for a credentialed JSON POST from evil.test: vulnerable 200, fixed 400."""
    preflight = {
        "Origin": EVIL,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    approved = vulnerable.options("/signup", headers=preflight)
    assert approved.status_code == 200
    assert approved.headers["access-control-allow-origin"] == EVIL
    assert approved.headers["access-control-allow-credentials"] == "true"

    rejected = fixed.options("/signup", headers=preflight)
    assert rejected.status_code == 400
    assert rejected.text == "Disallowed CORS origin"
    assert "access-control-allow-origin" not in rejected.headers


def test_fixed_cors_serves_its_own_front_end_with_credentials(fixed: TestClient) -> None:
    """The listed front end gets its origin echoed and credentials allowed, as it needs."""
    for origin in FRONTEND_ORIGINS:
        response = fixed.get("/reports/daily", headers={"Origin": origin})
        assert response.headers["access-control-allow-origin"] == origin
        assert response.headers["access-control-allow-credentials"] == "true"


@given(origin=foreign_origins)
def test_vulnerable_reflects_every_origin_fixed_none(origin: str) -> None:
    """Hypothesis: vulnerable echoes any foreign origin with credentials; fixed echoes none."""
    headers = {"Origin": origin, "Cookie": "session=x"}
    reflected = vulnerable_client.get("/reports/daily", headers=headers)
    assert reflected.headers["access-control-allow-origin"] == origin
    assert reflected.headers["access-control-allow-credentials"] == "true"
    assert (
        "access-control-allow-origin"
        not in fixed_client.get("/reports/daily", headers=headers).headers
    )


STARLETTE_1 = parse_version(starlette.__version__) >= (1, 0)


def test_wildcard_without_a_cookie_depends_on_the_starlette_version(
    vulnerable: TestClient,
) -> None:
    """No cookie sent: Starlette < 1.0 answers "*", Starlette 1.x echoes the origin."""
    response = vulnerable.get("/reports/daily", headers={"Origin": EVIL})
    expected = EVIL if STARLETTE_1 else "*"
    assert response.headers["access-control-allow-origin"] == expected
    assert response.headers["access-control-allow-credentials"] == "true"


def cookie_attributes(set_cookie: str) -> set[str]:
    """The attributes of a Set-Cookie header (everything after name=value), lower-cased."""
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def test_session_cookie_flags_differ(vulnerable: TestClient, fixed: TestClient) -> None:
    """Fixed cookie: HttpOnly, Secure, SameSite=Lax. Vulnerable: script-readable, SameSite=None."""
    alice = {"username": "alice", "password": vulnerable_module.DEMO_PASSWORDS["alice"]}
    weak = vulnerable.post("/login", json=alice).headers["set-cookie"]
    strong = fixed.post("/login", json=alice).headers["set-cookie"]
    assert cookie_attributes(weak) == {"path=/", "samesite=none", "secure"}
    assert cookie_attributes(strong) == {"httponly", "path=/", "samesite=lax", "secure"}


# --- Mass assignment -------------------------------------------------------------------------
def test_extra_role_field_makes_an_admin_on_vulnerable_a_422_on_fixed(
    vulnerable: TestClient, fixed: TestClient
) -> None:
    """Sign-up with "role": "admin" creates an admin on vulnerable; fixed refuses the field."""
    mallory = {"username": "mallory", "password": "mallory-password", "role": "admin"}

    created = vulnerable.post("/signup", json=mallory)
    assert created.status_code == 201
    assert created.json() == {"username": "mallory", "role": "admin"}
    token = log_in(vulnerable, "mallory", "mallory-password")
    assert vulnerable.get("/admin/users", headers=with_session(token)).status_code == 200

    refused = fixed.post("/signup", json=mallory)
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert (error["type"], error["loc"]) == ("extra_forbidden", ["body", "role"])
    assert "mallory" not in fixed_module.USERS, "a refused sign-up stores nothing"


def test_fixed_signup_makes_a_plain_user_who_cannot_reach_admin_routes(fixed: TestClient) -> None:
    """Without the extra field: 201 with role "user" decided by the server; /admin/users 403."""
    created = fixed.post("/signup", json={"username": "mallory", "password": "mallory-password"})
    assert created.status_code == 201
    assert created.json() == {"username": "mallory", "role": "user"}
    token = log_in(fixed, "mallory", "mallory-password")
    assert fixed.get("/admin/users", headers=with_session(token)).status_code == 403


@pytest.mark.parametrize("which", ["vulnerable", "fixed"])
def test_signup_of_an_existing_username_is_409(request: pytest.FixtureRequest, which: str) -> None:
    """Both apps refuse to overwrite an account: 409 "Username taken"."""
    client: TestClient = request.getfixturevalue(which)
    response = client.post("/signup", json={"username": "alice", "password": "new-password-1"})
    assert response.status_code == 409
    assert response.json() == {"detail": "Username taken"}


SIGNUP_SCHEMA = fixed_module.app.openapi()["components"]["schemas"]["SignupIn"]
ALLOWED_FIELDS = set(SIGNUP_SCHEMA["properties"])


@given(
    field=st.text(min_size=1, max_size=20).filter(lambda name: name not in ALLOWED_FIELDS),
    value=st.one_of(st.text(max_size=10), st.booleans(), st.integers()),
)
def test_fixed_signup_refuses_any_field_outside_its_schema(field: str, value: object) -> None:
    """Hypothesis: any field name SignupIn does not declare is a 422 extra_forbidden, naming it."""
    body = {"username": "mallory", "password": "mallory-password", field: value}
    response = fixed_client.post("/signup", json=body)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [(e["type"], e["loc"]) for e in errors] == [("extra_forbidden", ["body", field])]
    assert "mallory" not in fixed_module.USERS


# --- Tracebacks in error bodies --------------------------------------------------------------
# What a database driver's error can carry: an internal host name and a connection string.
DSN = "postgresql://reporting:Winter2024!@reports-db.internal:5432/reports"


def failing_loader() -> Any:
    raise ConnectionError(f"could not connect to {DSN}")


def test_debug_mode_sends_the_traceback_and_the_secret_in_it() -> None:
    """debug=True: a 500 whose body is the traceback, exception message (password) included."""
    vulnerable_module.app.dependency_overrides[vulnerable_module.get_report_loader] = lambda: (
        failing_loader
    )
    with TestClient(vulnerable_module.app, raise_server_exceptions=False) as client:
        text = client.get("/reports/daily")
        page = client.get("/reports/daily", headers={"Accept": "text/html"})
    assert text.status_code == 500
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text.startswith("Traceback (most recent call last):")
    assert DSN in text.text, "the database password travels to the client"
    assert str(Path(vulnerable_module.__file__)) in text.text, "so do server file paths"
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert DSN in page.text
    assert "daily_report" in page.text, "the page shows each frame's function and source"


def test_fixed_app_answers_an_error_id_and_logs_the_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Fixed: 500 {"detail", "error_id"}, nothing more; the log has the traceback under that id."""
    fixed_module.app.dependency_overrides[fixed_module.get_report_loader] = lambda: failing_loader
    with (
        caplog.at_level(logging.ERROR, logger=fixed_module.logger.name),
        TestClient(fixed_module.app, raise_server_exceptions=False) as client,
    ):
        response = client.get("/reports/daily", headers={"Accept": "text/html"})
    assert response.status_code == 500
    body = response.json()
    error_id = body["error_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", error_id)
    assert body == {"detail": "Internal server error", "error_id": error_id}
    assert "reports-db" not in response.text
    assert "Traceback" not in response.text

    [record] = [r for r in caplog.records if r.name == fixed_module.logger.name]
    assert record.getMessage() == f"error {error_id} on GET /reports/daily"
    assert record.exc_info is not None
    assert record.exc_info[0] is ConnectionError
    assert DSN in caplog.text, "operators still get the full story, in the server log"


@pytest.mark.parametrize("which", ["vulnerable", "fixed"])
def test_daily_report_works_when_the_database_does(
    request: pytest.FixtureRequest, which: str
) -> None:
    """With the real loader, both apps answer the report: 200 and its fields."""
    client: TestClient = request.getfixturevalue(which)
    response = client.get("/reports/daily")
    assert response.status_code == 200
    assert response.json() == {"orders": 42, "revenue_cents": 123_456}


# --- Public internal docs --------------------------------------------------------------------
def test_vulnerable_publishes_a_map_of_its_admin_routes(vulnerable: TestClient) -> None:
    """Anonymous: /openapi.json lists /admin/users; /docs and /redoc serve the pages."""
    schema = vulnerable.get("/openapi.json")
    assert schema.status_code == 200
    assert "/admin/users" in schema.json()["paths"]
    for page in ("/docs", "/redoc"):
        response = vulnerable.get(page)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")


def test_fixed_has_no_public_docs(fixed: TestClient) -> None:
    """Anonymous: /openapi.json, /docs and /redoc are 404 on the fixed app."""
    for path in ("/openapi.json", "/docs", "/redoc"):
        assert fixed.get(path).status_code == 404, path


@pytest.mark.parametrize("path", ["/internal/openapi.json", "/internal/docs"])
def test_fixed_internal_docs_are_for_admins_only(fixed: TestClient, path: str) -> None:
    """Internal docs: anonymous 401, alice 403, root 200; they are not in the schema themselves."""
    assert fixed.get(path).status_code == 401
    alice = log_in(fixed, "alice", fixed_module.DEMO_PASSWORDS["alice"])
    assert fixed.get(path, headers=with_session(alice)).status_code == 403

    root = log_in(fixed, "root", fixed_module.DEMO_PASSWORDS["root"])
    response = fixed.get(path, headers=with_session(root))
    assert response.status_code == 200
    if path.endswith(".json"):
        paths = response.json()["paths"]
        assert set(paths) == {"/signup", "/login", "/me", "/admin/users", "/reports/daily"}
    else:
        assert "/internal/openapi.json" in response.text


# Every route of the fixed app, each status it may answer: (description, response model).
DOCUMENTED_RESPONSES = {
    ("post", "/signup"): {
        "201": ("Successful Response", "UserOut"),
        "409": ("Username taken", "ErrorOut"),
        "422": ("Validation Error", "HTTPValidationError"),
    },
    ("post", "/login"): {
        "200": ("Successful Response", "UserOut"),
        "401": ("Wrong username or password", "ErrorOut"),
        "422": ("Validation Error", "HTTPValidationError"),
        "429": ("Too many failed logins", "ErrorOut"),
    },
    ("get", "/me"): {
        "200": ("Successful Response", "UserOut"),
        "401": ("Not logged in", "ErrorOut"),
        "422": ("Validation Error", "HTTPValidationError"),  # FastAPI adds it: a cookie param
    },
    ("get", "/admin/users"): {
        "200": ("Successful Response", None),  # a list of UserOut, not a named model
        "401": ("Not logged in", "ErrorOut"),
        "403": ("Not an admin", "ErrorOut"),
        "422": ("Validation Error", "HTTPValidationError"),
    },
    ("get", "/reports/daily"): {
        "200": ("Successful Response", "DailyReport"),
        "500": ("Unexpected error", "InternalErrorOut"),
    },
}


def test_internal_schema_documents_exactly_the_statuses_each_route_answers() -> None:
    """The internal docs list each route's error statuses, each with its model, and no others."""
    documented = {}
    for path, operations in fixed_module.app.openapi()["paths"].items():
        for method, operation in operations.items():
            documented[(method, path)] = {
                status: (
                    answer["description"],
                    answer["content"]["application/json"]["schema"]
                    .get("$ref", "")
                    .removeprefix("#/components/schemas/")
                    or None,
                )
                for status, answer in operation["responses"].items()
            }
    assert documented == DOCUMENTED_RESPONSES
