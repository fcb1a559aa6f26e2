"""Lesson 27 claims: Starlette's TestClient moved from httpx to httpx2 in Starlette 1.2.

What changed is read from the installed Starlette, so every claim is asserted on the side of
the change each venv of the matrix is on.
"""

import json
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
import starlette
from fastapi.testclient import TestClient

from lessons.testkit import REPO_ROOT, parse_version

from .app import app
from .support import BASE_URL, client_library

STARLETTE = parse_version(starlette.__version__)
HTTPX2_ERA = STARLETTE >= (1, 2)  # Starlette 1.2.0 added httpx2 support to the TestClient
EXPECTED_LIBRARY = "httpx2" if HTTPX2_ERA else "httpx"

new_starlette_only = pytest.mark.skipif(
    not HTTPX2_ERA, reason=f"needs Starlette >= 1.2, installed {starlette.__version__}"
)
old_starlette_only = pytest.mark.skipif(
    HTTPX2_ERA, reason=f"needs Starlette < 1.2, installed {starlette.__version__}"
)

PROBE = Path(__file__).with_name("hide_httpx2.py")


@pytest.fixture(scope="module")
def import_reports() -> list[dict[str, Any]]:
    """Import the TestClient in a fresh interpreter: with everything, without both libraries,
    without httpx2. A subprocess, so this process's module cache is never disturbed (no network).

    "Without both" runs before "without httpx2" on purpose: httpx is importable again in the
    last scenario only if the probe undid the hiding of the one before.
    """
    scenarios = ["", "httpx2,httpx", "httpx2"]
    finished = subprocess.run(
        [sys.executable, str(PROBE), *scenarios],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    reports: list[dict[str, Any]] = json.loads(finished.stdout)
    return reports


def test_testclient_responses_come_from_httpx2_from_starlette_1_2() -> None:
    """The TestClient's responses are httpx2 objects on Starlette >= 1.2, httpx ones before."""
    response = TestClient(app, base_url=BASE_URL).get("/health")
    module = type(response).__module__.partition(".")[0]
    assert module == EXPECTED_LIBRARY, f"Starlette {starlette.__version__} uses {module}"
    assert client_library().__name__ == EXPECTED_LIBRARY
    assert isinstance(response, httpx2.Response) is HTTPX2_ERA
    assert isinstance(response, httpx.Response) is not HTTPX2_ERA, (
        "httpx2 is a separate package: its classes are not subclasses of httpx's"
    )


def test_raise_for_status_error_comes_from_the_client_library() -> None:
    """Catch `raise_for_status()` errors with the client's own library, not a fixed import."""
    response = TestClient(app, base_url=BASE_URL).get("/no-such-page")
    library = client_library()
    with pytest.raises(library.HTTPStatusError):
        response.raise_for_status()
    if HTTPX2_ERA:
        # An `except httpx.HTTPStatusError` written for old Starlette lets the error through.
        with pytest.raises(httpx2.HTTPStatusError), suppress(httpx.HTTPStatusError):
            response.raise_for_status()


@new_starlette_only
def test_testclient_prefers_httpx2_and_warns_when_it_falls_back_to_httpx(
    import_reports: list[dict[str, Any]],
) -> None:
    """Starlette >= 1.2: httpx2 if installed; else httpx plus a StarletteDeprecationWarning."""
    with_everything, _, without_httpx2 = import_reports
    assert with_everything["library"] == "httpx2"
    assert with_everything["warnings"] == [], "with httpx2 installed there is nothing to warn"
    assert without_httpx2["library"] == "httpx", "the fallback still works..."
    (warning,) = without_httpx2["warnings"]
    assert warning["category"] == "StarletteDeprecationWarning", "...but warns"
    assert "install `httpx2`" in warning["message"]
    # A UserWarning, not a DeprecationWarning: visible by default, and with this project's
    # filterwarnings=error it would fail every test module that imports the TestClient.
    assert warning["is_user_warning"]
    assert not warning["is_deprecation_warning"]


@old_starlette_only
def test_old_testclient_uses_httpx_even_with_httpx2_installed(
    import_reports: list[dict[str, Any]],
) -> None:
    """Starlette < 1.2 knows nothing of httpx2: httpx either way, and no warning."""
    with_everything, _, without_httpx2 = import_reports
    assert with_everything["library"] == "httpx"
    assert without_httpx2["library"] == "httpx"
    assert with_everything["warnings"] == without_httpx2["warnings"] == []


def test_testclient_without_its_http_library_refuses_to_import(
    import_reports: list[dict[str, Any]],
) -> None:
    """With neither library importable, the import fails naming the one to install."""
    _, without_both, _ = import_reports
    assert "library" not in without_both
    assert f"pip install {EXPECTED_LIBRARY}\n" in without_both["error"]


def test_mock_transports_work_only_with_their_own_library() -> None:
    """httpx.MockTransport serves httpx clients, httpx2.MockTransport httpx2 ones; never mixed."""

    def answer_httpx(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"library": "httpx"})

    def answer_httpx2(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"library": "httpx2"})

    with httpx.Client(transport=httpx.MockTransport(answer_httpx)) as client:
        assert client.get("https://upstream.invalid/").json() == {"library": "httpx"}
    with httpx2.Client(transport=httpx2.MockTransport(answer_httpx2)) as client2:
        assert client2.get("https://upstream.invalid/").json() == {"library": "httpx2"}

    assert not isinstance(httpx.MockTransport(answer_httpx), httpx2.BaseTransport)
    # Mixed, the client rejects the other library's response object (an internal assert).
    with (
        httpx2.Client(transport=httpx.MockTransport(answer_httpx)) as mixed,  # type: ignore[arg-type]
        pytest.raises(AssertionError),
    ):
        mixed.get("https://upstream.invalid/")
