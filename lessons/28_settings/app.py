"""Lesson 28: typed settings from the environment, validated when the app starts.

Serve it with:  uvicorn "lessons.28_settings.app:app" --reload
(it starts with the lesson's demo values; see "Why it starts with no setup" in README.md)
"""

import hashlib
import hmac
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Uvicorn configures this logger, so these lines appear in its output with no logging setup.
logger = logging.getLogger("uvicorn.error")


class Settings(BaseSettings):
    # Each field comes from the environment variable APP_<FIELD NAME> (in any case), or
    # from an env file; the annotation says how to convert the string.
    model_config = SettingsConfigDict(
        env_prefix="APP_",
        env_file=".env",
        # An env file is often shared with other tools (docker compose, ...): ignore keys
        # that are not ours instead of refusing to start (the default is "forbid").
        extra="ignore",
    )

    app_name: str = "Lesson 28 notes"
    debug: bool = False
    # The port of the mail server the app sends through (not the port Uvicorn listens on).
    smtp_port: int = Field(default=587, ge=1, le=65535)
    # A list comes from JSON text: APP_ALLOWED_HOSTS='["api.example.com", "localhost"]'
    allowed_hosts: list[str] = ["localhost"]

    # Required: no default, so a deployment that forgets them cannot start. Both are
    # secrets (a database URL usually embeds a password): SecretStr keeps them out of
    # repr(), str(), logs and JSON; only .get_secret_value() returns the real value.
    database_url: SecretStr
    jwt_secret: SecretStr


# Fake values for the two required settings, kept in a file next to this one, so that the
# lesson's app starts with no setup. They are in git: never real secrets.
DEMO_ENV_FILE = Path(__file__).with_name("demo.env")


def env_files() -> tuple[Path, ...] | None:
    """The env files to read, lowest priority first (environment variables beat them all).

    A deployment names its own file in APP_ENV_FILE, or sets it empty to read environment
    variables only. Unset, as on a fresh clone, the demo file is read first and a `.env`
    in the working directory may override it.
    """
    chosen = os.environ.get("APP_ENV_FILE")
    if chosen is None:
        return (DEMO_ENV_FILE, Path(".env"))
    return (Path(chosen),) if chosen else None


@lru_cache
def get_settings() -> Settings:
    # Built on the first call, then the same object for the life of the process: the
    # environment and files are read once, not on every request.
    return Settings(_env_file=env_files())


SettingsDep = Annotated[Settings, Depends(get_settings)]

router = APIRouter()


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/config")
def show_config(settings: SettingsDep) -> dict[str, Any]:
    # Safe to show: in JSON mode every SecretStr becomes "**********".
    return settings.model_dump(mode="json")


@router.get("/signature")
def sign(
    settings: SettingsDep, message: Annotated[str, Query(min_length=1, max_length=200)]
) -> dict[str, str]:
    # The one place the real secret is needed, and the only way to get it out.
    key = settings.jwt_secret.get_secret_value().encode()
    digest = hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
    return {"message": message, "signature": digest}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Fail fast: build (and so validate) the settings before the first request. A
    # missing or malformed setting stops the server here, with every problem listed,
    # instead of surfacing as a 500 on whichever request first needs it.
    settings = get_settings()
    logger.info("lesson 28: settings loaded: %r", settings)  # SecretStr: masked
    if DEMO_ENV_FILE in (env_files() or ()):
        logger.warning("lesson 28: %s fills every setting not set elsewhere", DEMO_ENV_FILE.name)
    yield


def create_app() -> FastAPI:
    """Build the app. Building it reads no settings; starting it reads and validates them."""
    app = FastAPI(title="Lesson 28: settings", lifespan=lifespan)
    app.include_router(router)
    return app


app = create_app()
