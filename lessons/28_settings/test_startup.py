"""Lesson 28 claims: settings are validated at startup, cached once, and swappable in tests."""

import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from lessons.testkit import serve

from . import seed_style
from .app import Settings, app, create_app, get_settings, lifespan

# --- Fail at startup, not at first use ----------------------------------------------------


def test_building_the_app_reads_no_settings(no_env_files: None) -> None:
    """create_app() succeeds with nothing configured: construction does not touch settings."""
    built = create_app()
    assert built.title == "Lesson 28: settings"
    assert get_settings.cache_info().currsize == 0, "no settings were built yet"


def test_a_route_without_the_settings_dependency_never_builds_them(no_env_files: None) -> None:
    """/health answers with nothing configured (no lifespan run): only Depends builds settings."""
    response = TestClient(create_app()).get("/health")  # no `with`: the lifespan does not run
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert get_settings.cache_info().misses == 0, "get_settings was never called"


def test_missing_required_settings_stop_the_app_at_startup(no_env_files: None) -> None:
    """Starting the app (the lifespan) raises one ValidationError listing every missing field."""
    with pytest.raises(ValidationError) as failed, TestClient(create_app()):
        pytest.fail("the app must not start without its required settings")
    assert {(e["loc"], e["type"]) for e in failed.value.errors()} == {
        (("database_url",), "missing"),
        (("jwt_secret",), "missing"),
    }


@pytest.mark.asyncio
async def test_the_lifespan_validates_the_settings_when_entered_by_hand(
    no_env_files: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`async with lifespan(app)` (no client, no server) fails without settings, else starts."""
    with pytest.raises(ValidationError) as failed:
        async with lifespan(app):
            pytest.fail("startup must not finish without the required settings")
    assert {e["loc"] for e in failed.value.errors()} == {("database_url",), ("jwt_secret",)}

    monkeypatch.setenv("APP_DATABASE_URL", "sqlite://")
    monkeypatch.setenv("APP_JWT_SECRET", "by-hand")
    assert get_settings.cache_info().currsize == 0, "a failed build is not cached"
    async with lifespan(app):
        assert get_settings.cache_info().currsize == 1, "entering built and cached the settings"
        assert get_settings().jwt_secret.get_secret_value() == "by-hand"


def test_uvicorn_exits_with_an_error_when_a_required_setting_is_missing() -> None:
    """A real `uvicorn` on the app, with no settings at all, fails startup and exits non-zero."""
    # serve() waits (bounded) for "Application startup complete" and raises AssertionError,
    # with the exit code and the whole output, if the process exits first.
    with (
        pytest.raises(AssertionError, match=r"Uvicorn exited \(code [1-9]\d*\)") as exited,
        serve("lessons.28_settings.app:app", env={"APP_ENV_FILE": ""}),
    ):
        pytest.fail("uvicorn must not start without the required settings")
    output = str(exited.value)
    assert "Application startup failed. Exiting." in output
    assert "Application startup complete" not in output
    assert "jwt_secret" in output
    assert "Field required" in output


def test_the_lesson_app_starts_with_no_setup_on_demo_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With nothing configured, the app starts on demo.env and says so in a warning."""
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    with TestClient(app) as client:
        response = client.get("/config")
    assert response.status_code == 200
    assert response.json()["jwt_secret"] == "**********"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["lesson 28: demo.env fills every setting not set elsewhere"]


def test_the_seed_pattern_starts_and_fails_at_the_first_request() -> None:
    """Seed erratum: with settings read lazily, the app starts, then the first request fails."""
    with TestClient(seed_style.app) as client:  # startup succeeds: nothing was checked
        assert client.get("/docs").status_code == 200
        with pytest.raises(ValidationError, match="jwt_secret"):
            client.get("/config")  # a 500 for a real client


# --- One cached object --------------------------------------------------------------------


def test_lru_cache_builds_one_settings_object_for_the_process(required: dict[str, str]) -> None:
    """get_settings() returns the same object every time; Settings() builds a new one."""
    assert get_settings() is get_settings()
    assert Settings() is not Settings(), "the class itself has no cache"
    get_settings.cache_clear()
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/config").status_code == 200
    info = get_settings.cache_info()
    assert info.misses == 1, "built once, at startup..."
    assert info.hits == 3, "...then reused by every request"


def test_changed_environment_is_ignored_until_the_cache_is_cleared(
    required: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """monkeypatch.setenv alone changes nothing for a cached app; with cache_clear it does."""
    client = TestClient(app)
    assert client.get("/config").json()["debug"] is False
    monkeypatch.setenv("APP_DEBUG", "true")
    assert client.get("/config").json()["debug"] is False, "the cached object is stale"
    get_settings.cache_clear()
    assert client.get("/config").json()["debug"] is True


def test_dependency_override_swaps_the_settings_for_routes(no_env_files: None) -> None:
    """An override hands routes other settings: no environment, no cache involved."""
    app.dependency_overrides[get_settings] = lambda: Settings(
        _env_file=None,
        database_url=SecretStr("sqlite://"),
        jwt_secret=SecretStr("override-secret"),
        debug=True,
    )
    client = TestClient(app)  # no `with`: the lifespan would call the real get_settings
    assert client.get("/config").json()["debug"] is True
    assert get_settings.cache_info().currsize == 0, "the real get_settings never ran"


def test_dependency_override_does_not_reach_the_lifespan(no_env_files: None) -> None:
    """The lifespan calls get_settings() directly, so an override cannot rescue startup."""
    app.dependency_overrides[get_settings] = lambda: Settings(
        _env_file=None, database_url=SecretStr("sqlite://"), jwt_secret=SecretStr("x")
    )
    with pytest.raises(ValidationError, match="jwt_secret"), TestClient(app):
        pytest.fail("startup validates the real settings, override or not")
