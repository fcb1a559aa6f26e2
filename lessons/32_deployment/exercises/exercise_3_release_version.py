"""Tell which release is answering.

During a rolling update, old and new workers serve side by side. Add a `version` setting
(environment variable DEPLOY_VERSION, default "dev") to `Settings` in app.py, and a route
`GET /version` in `create_app` that answers `{"version": <the setting>}`. The image's build
or the orchestrator then sets DEPLOY_VERSION, and a client can see which release it reached.
"""

import pytest
from fastapi.testclient import TestClient

from ..app import Settings, create_app

HINT = (
    "A new field on Settings reads its DEPLOY_-prefixed variable by itself. "
    "The new route reads it through the same SettingsDep dependency /info uses."
)


def test_deploy_version_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """DEPLOY_VERSION=1.4.2 sets Settings().version; unset, it is "dev"."""
    monkeypatch.delenv("DEPLOY_VERSION", raising=False)
    assert Settings().version == "dev"  # type: ignore[attr-defined]
    monkeypatch.setenv("DEPLOY_VERSION", "1.4.2")
    assert Settings().version == "1.4.2"  # type: ignore[attr-defined]


def test_version_route_answers_the_configured_release() -> None:
    """GET /version answers 200 {"version": ...} with the app's own setting."""
    for release in ("1.4.2", "2025-06-01+g3f9a"):
        client = TestClient(create_app(Settings(version=release)))  # type: ignore[call-arg]
        response = client.get("/version")
        assert (response.status_code, response.json()) == (200, {"version": release})
