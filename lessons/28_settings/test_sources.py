"""Lesson 28 claims: where settings come from, how strings become types, what wins."""

import os
from collections.abc import Mapping
from pathlib import Path
from unittest import mock

import annotated_types
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from pydantic.errors import PydanticImportError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from .app import DEMO_ENV_FILE, Settings, get_settings

REQUIRED = {"APP_DATABASE_URL": "sqlite:///test.db", "APP_JWT_SECRET": "test-secret"}


def write_env_file(path: Path, **values: str) -> Path:
    """Write `NAME=value` lines, the format of a .env file."""
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    return path


def settings_from(variables: Mapping[str, str]) -> Settings:
    """Settings built from exactly these environment variables, no env file.

    (Hypothesis tests cannot use the function-scoped `monkeypatch`; patch.dict restores
    the environment after every example instead.)
    """
    with mock.patch.dict(os.environ, variables):
        return Settings(_env_file=None)


# --- Environment variables ----------------------------------------------------------------


def test_environment_variables_fill_the_settings(required: dict[str, str]) -> None:
    """APP_<FIELD> environment variables set the fields; the rest keep their defaults."""
    settings = get_settings()
    assert settings.database_url.get_secret_value() == required["APP_DATABASE_URL"]
    assert settings.jwt_secret.get_secret_value() == required["APP_JWT_SECRET"]
    assert settings.app_name == Settings.model_fields["app_name"].default


def test_strings_are_converted_to_the_annotated_types(
    required: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Environment values are strings; the annotations turn them into bool, int and list."""
    monkeypatch.setenv("APP_DEBUG", "yes")
    monkeypatch.setenv("APP_SMTP_PORT", "2525")
    monkeypatch.setenv("APP_ALLOWED_HOSTS", '["api.example.com", "localhost"]')
    settings = get_settings()
    assert settings.debug is True
    assert settings.smtp_port == 2525
    assert settings.allowed_hosts == ["api.example.com", "localhost"]


def test_the_prefix_is_required_and_the_case_is_not(
    required: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`DEBUG` (no prefix) is ignored; `app_smtp_port` counts: names are matched in any case."""
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("app_smtp_port", "465")
    settings = get_settings()
    assert settings.debug is False, "an unprefixed variable belongs to someone else"
    assert settings.smtp_port == 465, "the prefix is matched case-insensitively"


def test_a_malformed_value_is_a_validation_error_naming_the_field(
    required: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unconvertible or out-of-range values fail with the field's name and the reason."""
    monkeypatch.setenv("APP_SMTP_PORT", "twenty-five")
    with pytest.raises(ValidationError) as not_a_number:
        get_settings()
    (error,) = not_a_number.value.errors()
    assert (error["loc"], error["type"]) == (("smtp_port",), "int_parsing")

    monkeypatch.setenv("APP_SMTP_PORT", "70000")
    with pytest.raises(ValidationError) as too_big:
        get_settings()
    (error,) = too_big.value.errors()
    assert (error["loc"], error["type"]) == (("smtp_port",), "less_than_equal")


def test_a_list_setting_must_be_json(
    required: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Comma-separated text is not a list: SettingsError (not ValidationError), naming it."""
    monkeypatch.setenv("APP_ALLOWED_HOSTS", "api.example.com,localhost")
    with pytest.raises(SettingsError, match="allowed_hosts"):
        get_settings()


@pytest.mark.parametrize(
    ("port", "error"),
    [
        pytest.param("0", "greater_than_equal", id="zero"),
        pytest.param("1", None, id="lowest"),
        pytest.param("65535", None, id="highest"),
        pytest.param("65536", "less_than_equal", id="above-16-bits"),
    ],
)
def test_smtp_port_accepts_exactly_1_to_65535(
    required: dict[str, str], monkeypatch: pytest.MonkeyPatch, port: str, error: str | None
) -> None:
    """A TCP port: APP_SMTP_PORT 1 and 65535 are accepted, 0 and 65536 refused by name."""
    monkeypatch.setenv("APP_SMTP_PORT", port)
    if error is None:
        assert get_settings().smtp_port == int(port)
        return
    with pytest.raises(ValidationError) as refused:
        get_settings()
    (problem,) = refused.value.errors()
    assert (problem["loc"], problem["type"]) == (("smtp_port",), error), f"port {port}"


# --- Env files ----------------------------------------------------------------------------


def test_a_dotenv_file_in_the_working_directory_is_read(tmp_path: Path) -> None:
    """`.env` in the working directory is read, and its values beat the demo file's."""
    write_env_file(tmp_path / ".env", APP_JWT_SECRET="from-dotenv", APP_DEBUG="true")
    settings = get_settings()  # the fixture made tmp_path the working directory
    assert settings.jwt_secret.get_secret_value() == "from-dotenv"
    assert settings.debug is True
    assert settings.database_url.get_secret_value().startswith("sqlite:///"), (
        "what .env does not set still comes from demo.env"
    )


def test_app_env_file_selects_the_only_file_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """APP_ENV_FILE names the one env file; the demo file is then not read at all."""
    deploy = write_env_file(tmp_path / "deploy.env", **REQUIRED, APP_APP_NAME="deployed")
    monkeypatch.setenv("APP_ENV_FILE", str(deploy))
    assert get_settings().app_name == "deployed"

    write_env_file(deploy, APP_APP_NAME="deployed")  # now without the required values
    get_settings.cache_clear()
    with pytest.raises(ValidationError, match="jwt_secret"):
        get_settings()


def test_sources_priority_environment_then_dotenv_then_demo_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Environment variable > .env > demo.env > the default in the class."""
    write_env_file(tmp_path / ".env", APP_APP_NAME="from .env", APP_JWT_SECRET="from .env")
    monkeypatch.setenv("APP_APP_NAME", "from the environment")
    settings = get_settings()
    assert settings.app_name == "from the environment", "environment beats .env"
    assert settings.jwt_secret.get_secret_value() == "from .env", ".env beats demo.env"
    assert f"APP_DATABASE_URL={settings.database_url.get_secret_value()}" in (
        DEMO_ENV_FILE.read_text()
    ), "demo.env fills what nothing else sets"
    assert settings.smtp_port == 587, "the class default applies last"


def test_foreign_keys_in_an_env_file_are_ignored_here_but_forbidden_by_default(
    tmp_path: Path,
) -> None:
    """`extra="ignore"` lets .env hold other tools' keys; BaseSettings' default refuses them."""
    env = write_env_file(tmp_path / ".env", **REQUIRED, POSTGRES_PASSWORD="for-compose")
    assert Settings().jwt_secret.get_secret_value() == "test-secret"

    class DefaultSettings(BaseSettings):  # the same prefix, without extra="ignore"
        model_config = SettingsConfigDict(env_prefix="APP_", env_file=env)
        database_url: str
        jwt_secret: str

    with pytest.raises(ValidationError) as refused:
        DefaultSettings()
    assert {(e["loc"], e["type"]) for e in refused.value.errors()} == {
        (("postgres_password",), "extra_forbidden")
    }


def test_basesettings_is_no_longer_importable_from_pydantic() -> None:
    """Seed erratum: Pydantic 2 moved BaseSettings to the pydantic-settings package."""
    with pytest.raises(PydanticImportError, match="pydantic-settings"):
        getattr(pydantic, "BaseSettings")  # what `from pydantic import BaseSettings` does  # noqa: B009


# --- Hypothesis: conversions at the edges -------------------------------------------------


def port_bounds() -> tuple[int, int]:
    """smtp_port's bounds, read from the Settings field itself (Field(ge=..., le=...))."""
    metadata = Settings.model_fields["smtp_port"].metadata
    (lower,) = (m.ge for m in metadata if isinstance(m, annotated_types.Ge))
    (upper,) = (m.le for m in metadata if isinstance(m, annotated_types.Le))
    assert isinstance(lower, int)
    assert isinstance(upper, int)
    return lower, upper


PORT_MIN, PORT_MAX = port_bounds()


@given(
    port=st.integers(min_value=PORT_MIN - 100, max_value=PORT_MAX + 100)
    | st.sampled_from([PORT_MIN - 1, PORT_MIN, PORT_MAX, PORT_MAX + 1])
    | st.integers()
)
def test_port_from_the_environment_is_accepted_exactly_inside_its_bounds(port: int) -> None:
    """For any integer, APP_SMTP_PORT is accepted ⇔ it lies within the field's own ge/le."""
    variables = {**REQUIRED, "APP_SMTP_PORT": str(port)}
    if PORT_MIN <= port <= PORT_MAX:
        assert settings_from(variables).smtp_port == port
    else:
        with pytest.raises(ValidationError) as refused:
            settings_from(variables)
        assert [e["loc"] for e in refused.value.errors()] == [("smtp_port",)]


BOOL_WORDS = ["true", "false", "1", "0", "yes", "no", "on", "off", "t", "f", "y", "n"]
# Environment values cannot hold NUL or lone surrogates, so neither is generated.
ENV_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))


@given(
    text=st.sampled_from(BOOL_WORDS).flatmap(
        lambda word: st.sampled_from([word, word.upper(), word.title(), f" {word}", f"{word}\n"])
    )
    | ENV_TEXT
)
def test_debug_from_the_environment_parses_exactly_like_pydantic_bool(text: str) -> None:
    """For any string, APP_DEBUG gives what pydantic's bool gives that string, or fails."""
    try:
        expected: bool | None = TypeAdapter(bool).validate_python(text)
    except ValidationError:
        expected = None  # the oracle refuses it
    try:
        actual: bool | None = settings_from({**REQUIRED, "APP_DEBUG": text}).debug
    except ValidationError:
        actual = None
    assert actual == expected, f"APP_DEBUG={text!r}"
