"""Project-wide pytest configuration: Hypothesis profiles and FastAPI version guards."""

from __future__ import annotations

import os

import fastapi
import pytest
from hypothesis import HealthCheck, settings

from lessons.testkit import parse_version

# `python -m lessons` support: record which lessons pass on this machine, and import
# exercise files (lessons/NN_slug/exercises/) under their package name.
pytest_plugins = ["lessons.progress", "lessons.exercise_collection"]

# Hypothesis profiles.
# - "dev" (the default): quick, so a learner re-running one lesson waits seconds.
# - "ci": more examples and derandomized, so CI is thorough and every run is identical.
# Select one with HYPOTHESIS_PROFILE=ci (CI=true selects "ci" automatically).
# Every profile turns off the two timing checks: `deadline` (one example's run time) and
# the `too_slow` health check (time spent generating data). Both measure the machine, not
# the lesson: on a loaded two-core CI runner they failed tests whose claims all held.
settings.register_profile("relaxed", deadline=None, suppress_health_check=[HealthCheck.too_slow])
relaxed = settings.get_profile("relaxed")
settings.register_profile("dev", relaxed, max_examples=40)
settings.register_profile("ci", relaxed, max_examples=150, derandomize=True, print_blob=True)
# - "mutation": tools/mutation.py runs a lesson once per mutant; derandomized so a mutant is
#   killed or not the same way every time, and fewer examples because there are thousands.
settings.register_profile("mutation", relaxed, max_examples=20, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip tests marked `@pytest.mark.fastapi(since=..., before=...)` on other versions.

    The reason names the needed and the installed version, for example
    "needs FastAPI >= 0.135, installed 0.118.3". Skipping at collection (rather than inside
    the test) makes the summary point at the test itself.
    """
    installed = fastapi.__version__
    for item in items:
        for marker in item.iter_markers(name="fastapi"):
            unknown = set(marker.kwargs) - {"since", "before"}
            if marker.args or unknown or not marker.kwargs:
                raise pytest.UsageError(
                    f"{item.nodeid}: use @pytest.mark.fastapi(since='0.NNN') and/or before='0.NNN'"
                )
            since = marker.kwargs.get("since")
            before = marker.kwargs.get("before")
            if since is not None and parse_version(installed) < parse_version(since):
                reason = f"needs FastAPI >= {since}, installed {installed}"
                item.add_marker(pytest.mark.skip(reason=reason))
            if before is not None and parse_version(installed) >= parse_version(before):
                reason = f"needs FastAPI < {before}, installed {installed}"
                item.add_marker(pytest.mark.skip(reason=reason))
