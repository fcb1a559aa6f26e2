"""Lesson 32: an app ready to deploy, configured from the environment.

Serve it with:  uvicorn "lessons.32_deployment.app:app"
In production: see README.md (Uvicorn workers, Gunicorn, a proxy, the Dockerfile).
"""

import os
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    # Every field comes from the environment variable DEPLOY_<FIELD NAME>: the same image
    # runs in staging and production with different environments, and no secret or
    # per-site value is baked into the code or the image.
    model_config = SettingsConfigDict(env_prefix="DEPLOY_")

    # A closed set of values: a typo such as DEPLOY_ENVIRONMENT=prod stops the process at
    # startup, so a bad rollout fails its health check instead of serving half-configured.
    environment: Literal["development", "staging", "production"] = "development"
    # Path of a named pipe (FIFO). When set, GET /slow holds its request open until a
    # writer closes the pipe: the tests use it to have a request "in flight" for exactly
    # as long as they choose, without sleeping. Unset (the default), /slow answers at once.
    hold_pipe: str | None = None


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


class Info(BaseModel):
    pid: int  # which worker process answered
    environment: str
    client: str | None  # the peer address, after Uvicorn's proxy-header handling
    scheme: str  # "https" only if a trusted proxy said so
    root_path: str  # the prefix a proxy serves the app under
    self_url: str  # a link built by the app, as a client outside the proxy must use it


def create_app(settings: Settings) -> FastAPI:
    application = FastAPI(title="Lesson 32: deployment")
    # Read once at startup and kept on the app: handlers get it through a dependency,
    # so tests can build an app from any Settings object they like.
    application.state.settings = settings

    @application.get("/health")
    def health() -> dict[str, str]:
        # What the container's HEALTHCHECK (and a load balancer) calls: cheap, no I/O.
        return {"status": "ok"}

    @application.get("/info")
    def info(request: Request, settings: SettingsDep) -> Info:
        return Info(
            pid=os.getpid(),
            environment=settings.environment,
            client=request.client.host if request.client else None,
            scheme=request.url.scheme,
            root_path=request.scope.get("root_path", ""),
            self_url=str(request.url_for("info")),
        )

    @application.get("/slow")
    def slow(settings: SettingsDep) -> dict[str, str]:
        # A stand-in for a long request (a report, an upload). A plain `def` runs in a
        # worker thread, so blocking on the pipe here does not stop other requests.
        if settings.hold_pipe is not None:
            # Opening a FIFO for reading waits for a writer; read() returns when it closes.
            with open(settings.hold_pipe, "rb") as pipe:
                pipe.read()
        return {"status": "done"}

    return application


# Uvicorn and Gunicorn import this module-level app: its settings come from the
# environment of the process that serves it.
app = create_app(Settings())
