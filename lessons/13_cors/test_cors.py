"""Lesson 13 claims: an explicit CORS allow-list, what it decides, and what it does not."""

import base64
import importlib.util
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.middleware.cors import CORSMiddleware
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from lessons.testkit import serve

from .app import API_TOKEN, app
from .origins import HEADER_TEXT, hostile_origins

client = TestClient(app)
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def cors_options() -> dict[str, Any]:
    """The keyword arguments the app passed to CORSMiddleware: the policy under test."""
    for middleware in app.user_middleware:
        factory: object = middleware.cls
        if factory is CORSMiddleware:
            return dict(middleware.kwargs)
    raise AssertionError("the app adds no CORSMiddleware")


POLICY = cors_options()
ALLOWED: list[str] = list(POLICY["allow_origins"])
OUTSIDE = hostile_origins(ALLOWED)


def preflight(origin: str, method: str = "GET", headers: str | None = None) -> dict[str, str]:
    """The headers a browser sends before a non-simple cross-origin request."""
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        sent["Access-Control-Request-Headers"] = headers
    return sent


def tokens(value: str) -> set[str]:
    """A comma-separated header value as a set of lower-case items."""
    return {item.strip().lower() for item in value.split(",") if item.strip()}


def test_policy_lists_origins_explicitly() -> None:
    """The main app names its origins one by one: no "*" and no regular expression."""
    assert ALLOWED, "the app should allow at least one front-end origin"
    assert "*" not in ALLOWED
    assert POLICY.get("allow_origin_regex") is None
    for origin in ALLOWED:
        scheme, _, host = origin.partition("://")
        assert scheme in {"http", "https"}, f"{origin!r} is not scheme://host[:port]"
        assert host, f"{origin!r} has no host"
        assert "/" not in host, f"{origin!r}: an origin has no path or trailing slash"


@pytest.mark.parametrize("origin", ALLOWED)
def test_preflight_from_an_allowed_origin_is_approved_as_configured(origin: str) -> None:
    """Preflight from a listed origin: 200, that origin echoed, credentials, methods, headers."""
    response = client.options("/api/me", headers=preflight(origin, "POST", "authorization"))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert tokens(response.headers["access-control-allow-methods"]) == tokens(
        ", ".join(POLICY["allow_methods"])
    )
    allowed_headers = tokens(response.headers["access-control-allow-headers"])
    assert tokens(", ".join(POLICY["allow_headers"])) <= allowed_headers
    assert response.headers["access-control-max-age"] == str(POLICY["max_age"])
    assert "origin" in tokens(response.headers["vary"]), "caches must key the answer by Origin"


@pytest.mark.parametrize("origin", ["https://app.example.com", "http://localhost:5173"])
def test_the_documented_front_ends_may_call_and_cache_preflights_for_ten_minutes(
    origin: str,
) -> None:
    """The two front ends the README names are approved, with Access-Control-Max-Age: 600."""
    response = client.options("/api/notes", headers=preflight(origin, "POST", "content-type"))
    assert response.status_code == 200, f"{origin} is a documented front end"
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-max-age"] == "600", "10 minutes, as documented"


def test_preflight_from_another_origin_is_rejected() -> None:
    """Preflight from an unlisted origin: 400 and no Access-Control-Allow-Origin."""
    response = client.options("/api/me", headers=preflight("https://evil.test"))
    assert response.status_code == 400
    assert response.text == "Disallowed CORS origin"
    assert "access-control-allow-origin" not in response.headers


def test_preflight_for_an_unlisted_method_or_header_is_rejected() -> None:
    """A listed origin still gets 400 for a method or request header the policy omits."""
    origin = ALLOWED[0]
    method = client.options("/api/me", headers=preflight(origin, "DELETE"))
    assert (method.status_code, method.text) == (400, "Disallowed CORS method")
    header = client.options("/api/me", headers=preflight(origin, "GET", "x-admin"))
    assert (header.status_code, header.text) == (400, "Disallowed CORS headers")


def test_preflight_is_answered_by_the_middleware_without_credentials() -> None:
    """OPTIONS with CORS headers never reaches the route: no token needed, no 405."""
    # Browsers send preflights without cookies or Authorization, so they must not need them.
    approved = client.options("/api/me", headers=preflight(ALLOWED[0]))
    assert approved.status_code == 200
    assert approved.text == "OK"
    # The same OPTIONS without an Origin is an ordinary request: no route handles OPTIONS.
    assert client.options("/api/me").status_code == 405


def test_simple_request_from_an_allowed_origin_gets_that_origin_back() -> None:
    """A GET from a listed origin is answered with ACAO = that origin, credentials and Vary."""
    for origin in ALLOWED:
        response = client.get("/api/public", headers={"Origin": origin})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "origin" in tokens(response.headers["vary"])


@given(origin=OUTSIDE, route=st.sampled_from(["GET /api/public", "GET /api/me", "POST /api/notes"]))
def test_no_origin_outside_the_allow_list_gets_acao(origin: str, route: str) -> None:
    """For any origin not on the list: preflight 400, and no ACAO on any response."""
    method, path = route.split()
    approved = client.options(path, headers=preflight(origin, method))
    assert approved.status_code == 400, f"preflight from {origin!r} was not rejected"
    assert "access-control-allow-origin" not in approved.headers, origin
    body = {"text": "hi"} if method == "POST" else None
    response = client.request(method, path, headers={"Origin": origin, **AUTH}, json=body)
    assert response.is_success, "the request itself is served: CORS only hides the answer"
    assert "access-control-allow-origin" not in response.headers, origin


def test_disallowed_origin_still_gets_the_data_from_a_non_browser_client() -> None:
    """CORS is enforced by browsers: the server answers a disallowed origin in full."""
    public = client.get("/api/public", headers={"Origin": "https://evil.test"})
    assert public.status_code == 200
    assert public.json() == {"message": "public data"}
    assert "access-control-allow-origin" not in public.headers
    # A write from a disallowed origin is carried out too: the handler ran.
    note = client.post(
        "/api/notes", headers={"Origin": "https://evil.test", **AUTH}, json={"text": "hi"}
    )
    assert note.status_code == 201
    assert note.json() == {"saved_for": "demo-user", "text": "hi"}


def test_origin_is_not_authentication() -> None:
    """An allowed Origin without a token is 401; any Origin (or none) with the token is 200."""
    for headers in ({"Origin": ALLOWED[0]}, {}):
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
    for headers in ({"Origin": "https://evil.test", **AUTH}, AUTH):
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 200, headers
        assert response.json() == {"user": "demo-user", "plan": "pro"}


def test_a_non_ascii_token_is_a_401_not_a_500() -> None:
    """A token with a non-ASCII character (headers decode as latin-1) is just a wrong token."""
    response = client.get("/api/me", headers={b"Authorization": "Bearer clé".encode("latin-1")})
    assert response.status_code == 401, "compare_digest on a non-ASCII str raises: encode first"
    assert response.json() == {"detail": "Not authenticated"}


@given(
    origin=st.one_of(OUTSIDE, st.sampled_from(ALLOWED)),
    method=HEADER_TEXT,
    request_headers=HEADER_TEXT,
    authorization=HEADER_TEXT,
    verb=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.sampled_from(["/api/public", "/api/me", "/api/notes", "/nowhere"]),
)
def test_hostile_cors_headers_get_4xx_never_500(
    origin: str, method: str, request_headers: str, authorization: str, verb: str, path: str
) -> None:
    """Junk in Origin, Access-Control-Request-* or Authorization never makes the server fail."""
    headers = {**preflight(origin, method, request_headers), "Authorization": authorization}
    answer = client.options(path, headers=headers)
    assert answer.status_code in {200, 400}, answer.text
    response = client.request(
        verb, path, headers={"Origin": origin, "Authorization": authorization}
    )
    assert response.status_code < 500, f"{verb} {path} Origin={origin!r}"
    if path in {"/api/me", "/api/notes"} and verb in {"GET", "POST"}:
        assert response.status_code in {401, 405}, "a junk token is not a token"


def test_real_server_applies_the_policy_to_raw_header_bytes() -> None:
    """Under Uvicorn: allowed origin echoed; a non-ASCII look-alike in raw bytes gets no ACAO."""
    token = "test-token-for-uvicorn"
    # "https://app.example.com" with its first "a" replaced by the Cyrillic letter U+0430,
    # which looks the same: sent as raw UTF-8 bytes, as a hand-made client could.
    homoglyph = "https://\u0430pp.example.com".encode()
    with (
        serve("lessons.13_cors.app:app", env={"LESSON13_API_TOKEN": token}) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        allowed = http.get("/api/public", headers={"Origin": ALLOWED[0]})
        spoofed = http.get("/api/public", headers=[(b"origin", homoglyph)])
        me = http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert allowed.headers["access-control-allow-origin"] == ALLOWED[0]
    assert spoofed.status_code == 200
    assert "access-control-allow-origin" not in spoofed.headers
    assert me.status_code == 200, "LESSON13_API_TOKEN sets the demo token"


def test_responses_document_the_401_with_its_body() -> None:
    """The OpenAPI document lists 401 (with the HTTPError body) for both protected routes."""
    paths = app.openapi()["paths"]
    for path, method in (("/api/me", "get"), ("/api/notes", "post")):
        responses = paths[path][method]["responses"]
        assert "401" in responses, f"{method.upper()} {path} does not document its 401"
        assert responses["401"]["description"] == "Missing or wrong bearer token"
        schema = responses["401"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/HTTPError"}
        assert {"400", "402", "403"}.isdisjoint(responses), "only the 401 is an error here"
    assert "401" not in paths["/api/public"]["get"]["responses"], "the public route is open"


def load_fresh_app(name: str) -> Any:
    """app.py imported again, as a new module: what a fresh `uvicorn` start would run."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("app.py"))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_the_variable_each_start_generates_a_new_256_bit_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No LESSON13_API_TOKEN (or an empty one): a random 32-byte token, new at every start."""
    monkeypatch.delenv("LESSON13_API_TOKEN", raising=False)
    first = load_fresh_app("lesson13_first_start").API_TOKEN
    monkeypatch.setenv("LESSON13_API_TOKEN", "")
    second = load_fresh_app("lesson13_second_start").API_TOKEN
    for token in (first, second):
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) == 32, f"expected 32 random bytes (256 bits), got {len(raw)}"
    assert first != second, "no fixed secret: every start makes its own token"
