"""Read secrets from files, as Docker and Kubernetes mount them

Containers often receive secrets as files (`/run/secrets/...`) instead of environment
variables. In lessons/28_settings/app.py, make `get_settings()` also read a secrets
directory when the environment variable APP_SECRETS_DIR names one: a file called
`app_jwt_secret` in it holds the JWT secret. Environment variables still win over files,
and with APP_SECRETS_DIR unset nothing changes.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ..app import app, get_settings

HINT = (
    "pydantic-settings has a secrets source built in: pass `_secrets_dir=` when the "
    "Settings object is built, just as `_env_file=` is passed. Each file's name is the "
    "variable name (prefix included) and its content is the value."
)

FILE_SECRET = "secret-mounted-as-a-file-2024"


@pytest.fixture
def secrets_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_env_files: None) -> Path:
    """A directory holding app_jwt_secret, named in APP_SECRETS_DIR; the database URL is set."""
    directory = tmp_path / "secrets"
    directory.mkdir()
    (directory / "app_jwt_secret").write_text(FILE_SECRET + "\n")
    monkeypatch.setenv("APP_SECRETS_DIR", str(directory))
    monkeypatch.setenv("APP_DATABASE_URL", "sqlite:///notes.db")
    return directory


def test_the_jwt_secret_is_read_from_the_secrets_directory(secrets_dir: Path) -> None:
    """With APP_JWT_SECRET unset the app starts: the secret is the file, newline stripped."""
    with TestClient(app) as client:
        config = client.get("/config").json()
    assert get_settings().jwt_secret.get_secret_value() == FILE_SECRET
    assert config["jwt_secret"] == "**********", "still a SecretStr, still masked"


def test_an_environment_variable_beats_the_secrets_file(
    secrets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With both set, APP_JWT_SECRET wins over the file."""
    monkeypatch.setenv("APP_JWT_SECRET", "from-the-environment")
    assert get_settings().jwt_secret.get_secret_value() == "from-the-environment"
