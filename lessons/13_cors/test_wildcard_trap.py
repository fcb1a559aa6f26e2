"""Lesson 13 claims: allow_origins=["*"] with allow_credentials=True trusts every site.

The exploit is the request a hostile page makes with fetch(url, {credentials: "include"}):
the browser attaches the victim's cookie and the page may read the answer only if it comes
back with Access-Control-Allow-Origin = the page's origin and
Access-Control-Allow-Credentials: true.
"""

import starlette
from fastapi.testclient import TestClient
from hypothesis import given

from lessons.testkit import parse_version

from .app import ALLOWED_ORIGINS
from .app import app as listed_app
from .origins import hostile_origins
from .wildcard_app import app as wildcard_app

STARLETTE_VERSION = parse_version(starlette.__version__)

wildcard = TestClient(wildcard_app)
listed = TestClient(listed_app)

VICTIM_COOKIE = {"Cookie": "session=victim-session"}
VICTIM_DATA = {"user": "victim", "email": "victim@example.com"}


@given(origin=hostile_origins(ALLOWED_ORIGINS))
def test_wildcard_with_credentials_reflects_any_origin(origin: str) -> None:
    """For any origin at all, the preflight and the cookie-carrying GET echo it with credentials."""
    approved = wildcard.options(
        "/api/me",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-anything",
        },
    )
    assert approved.status_code == 200
    assert approved.headers["access-control-allow-origin"] == origin
    assert approved.headers["access-control-allow-credentials"] == "true"
    assert approved.headers["access-control-allow-headers"] == "x-anything", "any header, too"

    stolen = wildcard.get("/api/me", headers={"Origin": origin, **VICTIM_COOKIE})
    assert stolen.status_code == 200
    assert stolen.headers["access-control-allow-origin"] == origin
    assert stolen.headers["access-control-allow-credentials"] == "true"


def test_wildcard_with_credentials_hands_the_victims_data_to_any_site() -> None:
    """The exploit: a foreign site, or a sandboxed "null" origin, reads the victim's data."""
    for origin in ("https://evil.test", "null"):
        response = wildcard.get("/api/me", headers={"Origin": origin, **VICTIM_COOKIE})
        assert response.json() == VICTIM_DATA
        # Exactly the pair of headers a browser needs before it shows the page the body.
        assert response.headers["access-control-allow-origin"] == origin
        assert response.headers["access-control-allow-credentials"] == "true"


def test_explicit_allow_list_refuses_the_same_attack() -> None:
    """The fix: the lesson's main app gives the hostile page no ACAO, so the browser hides it."""
    for origin in ("https://evil.test", "null"):
        response = listed.get("/api/public", headers={"Origin": origin, **VICTIM_COOKIE})
        assert "access-control-allow-origin" not in response.headers, origin


def test_wildcard_answer_without_cookies_depends_on_the_starlette_version() -> None:
    """No Cookie sent: Starlette < 1.0 answers "*" (+ credentials), 1.x echoes the origin."""
    response = wildcard.get("/api/me", headers={"Origin": "https://evil.test"})
    assert response.status_code == 401
    assert response.headers["access-control-allow-credentials"] == "true"
    if STARLETTE_VERSION >= (1, 0):
        assert response.headers["access-control-allow-origin"] == "https://evil.test"
    else:
        # A browser refuses "*" on a credentialed request; the Cookie case above shows the
        # old versions echoed the origin exactly when it mattered.
        assert response.headers["access-control-allow-origin"] == "*"
