"""Lesson 08 claims: overrides outlive the test that set them unless removed; a guard
catches the leak; a fixture or context manager removes them even when the test fails.

Each "test" below is a plain function called in a fixed sequence inside one pytest test,
so the demonstration does not depend on test order (pytest-randomly) or on which worker
runs it (pytest -n 2).
"""

import pytest
from fastapi.testclient import TestClient

from .app import Settings, app, get_db, get_settings
from .overrides import LeftoverOverrides, assert_no_overrides, guard_against_leaks, overridden

client = TestClient(app)


def fake_settings() -> Settings:
    return Settings(app_name="Fake notes")


def leaky_test() -> None:
    """A test that installs an override and never removes it."""
    app.dependency_overrides[get_settings] = fake_settings
    assert client.get("/info").json()["app_name"] == "Fake notes"


def careful_test() -> None:
    """The same test, with the override confined to a `with` block."""
    with overridden(app, {get_settings: fake_settings}):
        assert client.get("/info").json()["app_name"] == "Fake notes"


def unsuspecting_test() -> str:
    """A later test that knows nothing about overrides and expects the real settings."""
    app_name: str = client.get("/info").json()["app_name"]
    return app_name


def test_a_forgotten_override_leaks_into_the_next_test() -> None:
    """After a test that forgets to clean up, the next test silently runs against the fake."""
    try:
        leaky_test()
        assert unsuspecting_test() == "Fake notes", "the next test got the first test's fake"
    finally:
        app.dependency_overrides.clear()
    assert unsuspecting_test() == "Notes", "once removed, the real dependency is back"


def test_the_leftover_check_names_the_leaked_dependency() -> None:
    """assert_no_overrides fails after the leaky test and names what was left behind."""
    try:
        leaky_test()
        with pytest.raises(LeftoverOverrides, match="get_settings"):
            assert_no_overrides(app)
    finally:
        app.dependency_overrides.clear()
    assert_no_overrides(app)  # passes on a clean app


def test_the_guard_fails_the_leaky_test_and_protects_the_next_one() -> None:
    """guard_against_leaks (the autouse fixture's body) fails the leaker and cleans up."""
    # What the autouse fixture wraps around every test, here around the leaky one:
    with pytest.raises(LeftoverOverrides, match="get_settings"), guard_against_leaks(app):
        leaky_test()
    with guard_against_leaks(app):
        assert unsuspecting_test() == "Notes", "the next test starts clean"


def test_the_guard_refuses_to_start_a_test_on_a_dirty_app() -> None:
    """If overrides are already installed when a test starts, the guard fails it up front."""
    app.dependency_overrides[get_settings] = fake_settings
    try:
        with pytest.raises(LeftoverOverrides, match="get_settings"), guard_against_leaks(app):
            pytest.fail("the test body must not run on a dirty app")
    finally:
        app.dependency_overrides.clear()


def test_the_context_manager_removes_its_overrides_even_when_the_test_fails() -> None:
    """`overridden` restores the previous overrides on the way out, also after a failure."""
    careful_test()
    assert unsuspecting_test() == "Notes"
    with (
        pytest.raises(AssertionError, match="the test failed"),
        overridden(app, {get_settings: fake_settings}),
    ):
        raise AssertionError("the test failed")
    assert app.dependency_overrides == {}, "cleaned up despite the failure"


def test_the_context_manager_restores_outer_overrides_rather_than_wiping_them() -> None:
    """Nested `overridden` blocks: the inner one restores the outer block's overrides."""

    def other_settings() -> Settings:
        return Settings(app_name="Inner")

    with overridden(app, {get_settings: fake_settings}):
        with overridden(app, {get_settings: other_settings, get_db: lambda: None}):
            assert unsuspecting_test() == "Inner"
        assert app.dependency_overrides == {get_settings: fake_settings}
        assert unsuspecting_test() == "Fake notes"
    assert app.dependency_overrides == {}
