"""Test helpers that keep dependency overrides from leaking from one test into the next.

`app.dependency_overrides` is a plain dict on the app object, which lives as long as the
test process. Whatever a test puts there stays for every later test, unless removed.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI

Dependency = Callable[..., Any]


class LeftoverOverrides(AssertionError):
    """Raised when overrides from an earlier test are still installed."""


def assert_no_overrides(app: FastAPI) -> None:
    """Fail, naming them, if any dependency overrides are installed on `app`."""
    if app.dependency_overrides:
        names = sorted(getattr(dep, "__name__", repr(dep)) for dep in app.dependency_overrides)
        raise LeftoverOverrides(f"dependency overrides left installed: {', '.join(names)}")


@contextmanager
def guard_against_leaks(app: FastAPI) -> Iterator[None]:
    """Wrap one test: it must start with no overrides and must not leave any behind.

    Whatever happens, the overrides are cleared on the way out, so one leaky test fails
    on its own instead of quietly changing the tests that run after it.
    """
    assert_no_overrides(app)  # a leak from whatever ran before
    try:
        yield
    finally:
        leftovers = dict(app.dependency_overrides)
        app.dependency_overrides.clear()
    if leftovers:  # only reached when the test itself passed: report its leak
        names = sorted(getattr(dep, "__name__", repr(dep)) for dep in leftovers)
        raise LeftoverOverrides(f"the test left dependency overrides installed: {', '.join(names)}")


@contextmanager
def overridden(app: FastAPI, replacements: Mapping[Dependency, Dependency]) -> Iterator[None]:
    """Install `replacements` for the block, then restore exactly what was there before.

    Restoring (not just clearing) keeps overrides set by an enclosing fixture intact, and
    the `finally` restores them even when the block fails.
    """
    saved = dict(app.dependency_overrides)
    app.dependency_overrides.update(replacements)
    try:
        yield
    finally:
        app.dependency_overrides.clear()
        app.dependency_overrides.update(saved)
