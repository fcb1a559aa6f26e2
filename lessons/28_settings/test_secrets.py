"""Lesson 28 claims: SecretStr keeps secrets out of repr, str, JSON, logs and responses."""

import hashlib
import hmac
import logging
import string

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from . import seed_style
from .app import Settings, app, get_settings

MASK = "**********"
# What /config shows with no optional setting changed: the class defaults, secrets masked.
DEFAULT_CONFIG = {
    "app_name": "Lesson 28 notes",
    "debug": False,
    "smtp_port": 587,
    "allowed_hosts": ["localhost"],
    "database_url": MASK,
    "jwt_secret": MASK,
}

# A module-level client for the Hypothesis test (function-scoped fixtures are shared by
# every example, which Hypothesis refuses). No `with`: routes only, settings overridden.
client = TestClient(app)


def signature_of(message: str, secret: str) -> str:
    """The expected signature, computed here with the standard library: an oracle."""
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_secretstr_hides_the_value_everywhere_but_get_secret_value(
    required: dict[str, str],
) -> None:
    """repr, str, f-strings, model_dump and model_dump_json all mask; get_secret_value doesn't."""
    settings = get_settings()
    secret = required["APP_JWT_SECRET"]
    shown = {
        "repr(settings)": repr(settings),
        "str(settings)": str(settings),
        "f-string": f"{settings.jwt_secret}",
        "model_dump()": str(settings.model_dump()),
        "model_dump_json()": settings.model_dump_json(),
    }
    for how, text in shown.items():
        assert secret not in text, f"{how} leaked the secret"
        assert MASK in text, f"{how} does not show the mask"
    assert settings.jwt_secret.get_secret_value() == secret


def test_secrets_never_reach_the_logs(
    required: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """The startup log line shows every setting, with the secrets masked."""
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    with TestClient(app):
        pass
    assert "settings loaded" in caplog.text
    assert "jwt_secret=SecretStr('**********')" in caplog.text
    for name in ("APP_JWT_SECRET", "APP_DATABASE_URL"):
        assert required[name] not in caplog.text, f"{name} leaked into the logs"
    assert "db-password-4711" not in caplog.text, "nor any part of the database URL"


def test_config_endpoint_shows_the_settings_but_masks_the_secrets(
    required: dict[str, str],
) -> None:
    """GET /config returns every setting; both secrets come back as the mask."""
    with TestClient(app) as client:
        response = client.get("/config")
    assert response.json() == DEFAULT_CONFIG


def test_the_app_uses_the_real_secret_without_showing_it(required: dict[str, str]) -> None:
    """/signature is an HMAC keyed with the real secret, which the response never contains."""
    with TestClient(app) as client:
        response = client.get("/signature", params={"message": "hello"})
    secret = required["APP_JWT_SECRET"]
    assert response.json() == {
        "message": "hello",
        "signature": signature_of("hello", secret),
    }
    assert secret not in response.text


@pytest.mark.parametrize("message", ["x", "x" * 200], ids=["one-character", "200-characters"])
def test_signature_accepts_a_message_of_1_to_200_characters(
    required: dict[str, str], message: str
) -> None:
    """Both edges of `Query(min_length=1, max_length=200)` are signed: 200 and the HMAC."""
    with TestClient(app) as client:
        response = client.get("/signature", params={"message": message})
    assert response.status_code == 200
    assert response.json() == {
        "message": message,
        "signature": signature_of(message, required["APP_JWT_SECRET"]),
    }


@pytest.mark.parametrize("message", ["", "x" * 201], ids=["empty", "too-long"])
def test_signature_rejects_an_empty_or_overlong_message(
    required: dict[str, str], message: str
) -> None:
    """Bad input to /signature is a 422, never a 500."""
    with TestClient(app) as client:
        response = client.get("/signature", params={"message": message})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "message"]


def test_the_seed_settings_leak_the_secret_through_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seed erratum: `jwt_secret: str` plus "return settings" sends the secret to anyone."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://notes:db-password-4711@db/notes")
    monkeypatch.setenv("JWT_SECRET", "the-seed-secret")
    body = TestClient(seed_style.app).get("/config").json()
    assert body["jwt_secret"] == "the-seed-secret", "the plain str is shown as is"
    assert "db-password-4711" in body["database_url"]


SECRETS = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=12, max_size=64)


@given(secret=SECRETS, message=st.text(min_size=1, max_size=50))
def test_no_secret_ever_leaks_from_settings_or_responses(secret: str, message: str) -> None:
    """For any secret: masked in repr and JSON, absent from /config and /signature, yet used."""
    settings = Settings(
        _env_file=None, database_url=SecretStr(f"sqlite:///{secret}"), jwt_secret=SecretStr(secret)
    )
    assert secret not in repr(settings)
    assert secret not in settings.model_dump_json()
    app.dependency_overrides[get_settings] = lambda: settings
    try:
        config = client.get("/config")
        signed = client.get("/signature", params={"message": message})
    finally:
        app.dependency_overrides.clear()
    # Whole bodies are compared, so nothing else (the secret included) can hide in them.
    assert config.json() == DEFAULT_CONFIG
    assert signed.json() == {"message": message, "signature": signature_of(message, secret)}
