"""A diagnostics route that exists only in debug mode

In lessons/28_settings/app.py, add `GET /debug/env-files`. When `settings.debug` is true it
answers `{"env_files": [...]}`: the file NAMES (`path.name`) that `env_files()` returns, in
order (an empty list when none are read). When debug is off it answers 404
`{"detail": "Not Found"}`, exactly like a path that does not exist. Take the settings
through the `SettingsDep` dependency, so tests can switch debug on with an override.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ..app import Settings, app, get_settings

HINT = (
    "Add a route to `router` that takes `settings: SettingsDep`; raise FastAPI's "
    "HTTPException(404) when `settings.debug` is false, and otherwise build the list from "
    "`env_files() or ()`."
)


def settings_with(debug: bool) -> Settings:
    return Settings(
        _env_file=None, debug=debug, database_url=SecretStr("sqlite://"), jwt_secret=SecretStr("k")
    )


def test_debug_route_lists_the_env_files_in_priority_order() -> None:
    """With debug on and APP_ENV_FILE unset, the route lists demo.env then .env."""
    app.dependency_overrides[get_settings] = lambda: settings_with(debug=True)
    response = TestClient(app).get("/debug/env-files")
    assert response.status_code == 200, f"debug on: got {response.status_code}"
    assert response.json() == {"env_files": ["demo.env", ".env"]}


def test_debug_route_names_the_chosen_file_or_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """APP_ENV_FILE=prod.env lists only prod.env; APP_ENV_FILE= (empty) lists nothing."""
    app.dependency_overrides[get_settings] = lambda: settings_with(debug=True)
    client = TestClient(app)
    monkeypatch.setenv("APP_ENV_FILE", str(tmp_path / "prod.env"))
    assert client.get("/debug/env-files").json() == {"env_files": ["prod.env"]}
    monkeypatch.setenv("APP_ENV_FILE", "")
    assert client.get("/debug/env-files").json() == {"env_files": []}


def test_debug_route_is_a_plain_404_when_debug_is_off(required: dict[str, str]) -> None:
    """With the real settings (APP_DEBUG unset, so False) the route answers like an unknown path."""
    with TestClient(app) as client:
        response = client.get("/debug/env-files")
        unknown = client.get("/no-such-path")
    assert response.status_code == 404, f"debug off: got {response.status_code}"
    assert response.json() == unknown.json() == {"detail": "Not Found"}
