"""Lesson 25 claims: one setting decides whether the docs are public, protected or gone.

The app factory takes the settings, so each mode is simply another app built here.
"""

import base64
import dataclasses
import re
import secrets

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from lessons.testkit import fastapi_at_least, serve

from .app import DOCS_URL, OPENAPI_URL, REDOC_URL, DocsMode, Settings, create_app

SETTINGS = Settings(docs_mode=DocsMode.PROTECTED)
public = TestClient(create_app(Settings(docs_mode=DocsMode.PUBLIC)))
protected = TestClient(create_app(SETTINGS))
production_app = create_app(Settings(docs_mode=DocsMode.OFF))
production = TestClient(production_app)

DOCS_PAGES = (OPENAPI_URL, DOCS_URL, REDOC_URL)
FASTAPI_DEFAULTS = ("/docs", "/redoc", "/openapi.json")
GOOD_LOGIN = (SETTINGS.docs_username, SETTINGS.docs_password)
OUR_DETAIL = "Incorrect docs username or password"  # what require_docs_user answers


def basic_header(username: str, password: str) -> dict[str, str]:
    """An HTTP Basic Authorization header, built by hand (UTF-8, like browsers today)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def test_public_mode_serves_the_docs_at_the_custom_urls_only() -> None:
    """docs_url/redoc_url move Swagger UI and ReDoc; FastAPI's default /docs and /redoc are 404."""
    assert (DOCS_URL, REDOC_URL) != ("/docs", "/redoc"), "the lesson's point is custom URLs"
    for page in (DOCS_URL, REDOC_URL):
        response = public.get(page)
        assert response.status_code == 200, page
        assert response.headers["content-type"].startswith("text/html"), page
        # The page is an empty shell that the browser fills by fetching the schema.
        assert re.search(rf"""['"]{re.escape(OPENAPI_URL)}['"]""", response.text), page
    for page in ("/docs", "/redoc"):
        assert public.get(page).status_code == 404, page
    assert public.get(OPENAPI_URL).json()["info"]["title"] == "Orders API"


def test_production_mode_answers_404_for_every_docs_url() -> None:
    """DOCS_MODE=off: no Swagger UI, no ReDoc and no schema (404), while the API keeps working."""
    for page in {*DOCS_PAGES, *FASTAPI_DEFAULTS}:
        response = production.get(page)
        assert response.status_code == 404, page
        assert response.json() == {"detail": "Not Found"}, page
    assert production.get("/health").json() == {"status": "ok"}
    # The schema still exists in the process (for tests, or a build step that exports it).
    assert production_app.openapi()["info"]["title"] == "Orders API"


def test_protected_docs_demand_credentials() -> None:
    """Without the docs password the pages and the schema are 401 with a Basic challenge."""
    wrong_logins = {
        "none": {},
        "wrong password": basic_header(SETTINGS.docs_username, "guess"),
        "wrong user": basic_header("admin", SETTINGS.docs_password),
        "bearer token": {"Authorization": "Bearer abc.def.ghi"},
    }
    for page in DOCS_PAGES:
        for case, headers in wrong_logins.items():
            response = protected.get(page, headers=headers)
            assert response.status_code == 401, (page, case)
            assert response.headers["www-authenticate"] == 'Basic realm="docs"', (page, case)
    assert protected.get("/docs").status_code == 404, "the default URL stays switched off"
    assert protected.get("/health").status_code == 200, "the API itself needs no docs password"


def test_protected_docs_open_with_the_right_password() -> None:
    """With the docs password: both pages and the same schema the public app serves."""
    for page in (DOCS_URL, REDOC_URL):
        response = protected.get(page, auth=GOOD_LOGIN)
        assert response.status_code == 200, page
        assert OPENAPI_URL in response.text, page
    schema = protected.get(OPENAPI_URL, auth=GOOD_LOGIN).json()
    assert schema == public.get(OPENAPI_URL).json()
    # The docs routes themselves are hidden from the schema they serve.
    assert not {DOCS_URL, REDOC_URL, OPENAPI_URL} & set(schema["paths"])


def test_malformed_basic_header_is_401() -> None:
    """A `Basic` header that is not base64 is a 401 challenge (its detail text changed in 0.122)."""
    response = protected.get(DOCS_URL, headers={"Authorization": "Basic !!not-base64!!"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="docs"'
    expected = (
        "Not authenticated" if fastapi_at_least("0.122") else "Invalid authentication credentials"
    )
    assert response.json() == {"detail": expected}


# Candidates: arbitrary text (including non-ASCII, which compare_digest refuses as str),
# the real values, and near misses built from them (prefixes, extensions, case changes).
def near_misses(secret: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(secret),
        st.text(max_size=12),
        st.integers(0, len(secret)).map(lambda n: secret[:n]),
        st.text(min_size=1, max_size=3).map(lambda extra: secret + extra),
        st.just(secret.upper()),
    )


@given(
    username=near_misses(SETTINGS.docs_username).filter(lambda name: ":" not in name),
    password=near_misses(SETTINGS.docs_password),
)
def test_only_the_exact_credentials_open_the_docs(username: str, password: str) -> None:
    """For any username and password: 200 exactly when both match, otherwise 401, never a 500."""
    response = protected.get(DOCS_URL, headers=basic_header(username, password))
    expected = 200 if (username, password) == GOOD_LOGIN else 401  # oracle: plain equality
    assert response.status_code == expected, (username, password)


def test_non_ascii_docs_password_is_refused_without_a_crash() -> None:
    """compare_digest raises on non-ASCII str; comparing bytes turns such a login into a 401."""
    with pytest.raises(TypeError):
        secrets.compare_digest("pässwort", "pässwort")
    accented = TestClient(
        create_app(Settings(docs_mode=DocsMode.PROTECTED, docs_password="pässwort"))
    )
    # FastAPI's HTTPBasic decodes credentials as ASCII, so this password can never log in:
    # the non-ASCII header is refused before our check runs, and an ASCII guess is compared
    # as bytes. Either way a 401, never a 500.
    refused_by_fastapi = accented.get(
        DOCS_URL, headers=basic_header(SETTINGS.docs_username, "pässwort")
    )
    assert refused_by_fastapi.status_code == 401
    assert refused_by_fastapi.json()["detail"] != OUR_DETAIL, "HTTPBasic refuses it first"
    refused_by_us = accented.get(DOCS_URL, headers=basic_header(SETTINGS.docs_username, "passwort"))
    assert refused_by_us.status_code == 401
    assert refused_by_us.json()["detail"] == OUR_DETAIL


def test_docs_mode_is_read_from_the_environment_and_typos_fail() -> None:
    """DOCS_MODE picks the mode (default public); an unknown value refuses to build settings."""
    assert Settings.from_env({}).docs_mode is DocsMode.PUBLIC
    for mode in DocsMode:
        assert Settings.from_env({"DOCS_MODE": mode.value}).docs_mode is mode
    with pytest.raises(ValueError, match="'of'"):
        Settings.from_env({"DOCS_MODE": "of"})


def test_settings_cannot_change_once_the_app_is_built() -> None:
    """Settings are frozen: the protected docs keep checking the password they were built with."""
    settings = Settings(docs_mode=DocsMode.PROTECTED)
    docs = TestClient(create_app(settings))
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.docs_password = "changed-later"  # type: ignore[misc]
    assert docs.get(DOCS_URL, auth=GOOD_LOGIN).status_code == 200
    assert docs.get(DOCS_URL, auth=(SETTINGS.docs_username, "changed-later")).status_code == 401


def test_real_server_started_with_docs_off_hides_them() -> None:
    """`DOCS_MODE=off uvicorn lessons.25_openapi_docs.app:app` serves the API but no docs."""
    with (
        serve("lessons.25_openapi_docs.app:app", env={"DOCS_MODE": "off"}) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        statuses = {page: http.get(page).status_code for page in DOCS_PAGES}
        health = http.get("/health")
    assert statuses == dict.fromkeys(DOCS_PAGES, 404)
    assert health.json() == {"status": "ok"}
