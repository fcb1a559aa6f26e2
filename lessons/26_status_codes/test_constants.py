"""Lesson 26 claims: the 422 constant's names, per Starlette version (measured on the matrix).

`fastapi.status` is Starlette's module. Starlette 0.48 renamed HTTP_422_UNPROCESSABLE_ENTITY
to HTTP_422_UNPROCESSABLE_CONTENT (RFC 9110's name) and made the old name warn. Warnings are
errors in this project, so code that must run on every version uses the new name, or 422.
"""

import os
import subprocess
import sys
import warnings
from http import HTTPStatus

import fastapi
import pytest
import starlette
import starlette.status

from lessons.testkit import REPO_ROOT, parse_version

STARLETTE = parse_version(starlette.__version__)
RENAMED_IN = parse_version("0.48.0")
# From this release Starlette warns with its own category, a UserWarning subclass.
OWN_WARNING_CLASS_IN = parse_version("1.3.1")

needs_rename = pytest.mark.skipif(
    STARLETTE < RENAMED_IN,
    reason=f"needs Starlette >= 0.48, installed {starlette.__version__}",
)
before_rename = pytest.mark.skipif(
    STARLETTE >= RENAMED_IN,
    reason=f"needs Starlette < 0.48, installed {starlette.__version__}",
)


def expected_warning() -> type[Warning]:
    """The category the old name warns with on the installed Starlette."""
    if STARLETTE >= OWN_WARNING_CLASS_IN:
        from starlette.exceptions import StarletteDeprecationWarning

        return StarletteDeprecationWarning
    return DeprecationWarning


def test_fastapi_status_is_starlettes_module() -> None:
    """`from fastapi import status` is Starlette's module: its names follow Starlette's version."""
    assert fastapi.status is starlette.status


@needs_rename
def test_new_422_name_exists_and_is_silent() -> None:
    """From Starlette 0.48, HTTP_422_UNPROCESSABLE_CONTENT is 422 and reading it warns nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert starlette.status.HTTP_422_UNPROCESSABLE_CONTENT == 422
    assert "HTTP_422_UNPROCESSABLE_CONTENT" in starlette.status.__all__
    assert "HTTP_422_UNPROCESSABLE_ENTITY" not in starlette.status.__all__


@needs_rename
def test_old_422_name_still_works_but_warns() -> None:
    """From Starlette 0.48 the old name is still 422, with a warning that names the new one."""
    category = expected_warning()
    with pytest.warns(category, match="Use 'HTTP_422_UNPROCESSABLE_CONTENT' instead") as record:
        value = starlette.status.HTTP_422_UNPROCESSABLE_ENTITY
    assert value == 422
    assert [warning.category for warning in record] == [category]


@needs_rename
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("HTTP_413_REQUEST_ENTITY_TOO_LARGE", "HTTP_413_CONTENT_TOO_LARGE"),
        ("HTTP_414_REQUEST_URI_TOO_LONG", "HTTP_414_URI_TOO_LONG"),
        ("HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE", "HTTP_416_RANGE_NOT_SATISFIABLE"),
    ],
)
def test_the_other_renamed_constants_behave_the_same(old: str, new: str) -> None:
    """413, 414 and 416 were renamed alongside 422: same value, and the old name warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = getattr(starlette.status, new)
    with pytest.warns(expected_warning(), match=f"Use '{new}' instead"):
        assert getattr(starlette.status, old) == value


@needs_rename
def test_old_422_name_is_an_error_under_this_projects_warning_policy() -> None:
    """With warnings as errors (pytest.ini), merely reading the old name raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(expected_warning()):
            _ = starlette.status.HTTP_422_UNPROCESSABLE_ENTITY


def test_old_name_warning_is_shown_by_default_only_from_starlette_1_3_1() -> None:
    """Run like a deployed app (default filters): silent before 1.3.1, printed to stderr from it."""
    script = (
        "import importlib; "
        "print(importlib.import_module('lessons.26_status_codes.legacy_names').error_summary())"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == "422 Unprocessable\n"
    if STARLETTE >= OWN_WARNING_CLASS_IN:
        # A UserWarning subclass: Python shows it by default, so it lands in the server log.
        assert "StarletteDeprecationWarning: 'HTTP_422_UNPROCESSABLE_ENTITY' is deprecated" in (
            result.stderr
        )
        assert "legacy_names.py" in result.stderr
    else:
        # No warning before 0.48; a DeprecationWarning (ignored by default outside __main__)
        # from 0.48 to 1.3.0: either way the log shows nothing.
        assert result.stderr == ""


@before_rename
def test_only_the_old_422_name_exists_before_starlette_0_48() -> None:
    """Before Starlette 0.48 only HTTP_422_UNPROCESSABLE_ENTITY exists, with no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert starlette.status.HTTP_422_UNPROCESSABLE_ENTITY == 422
    with pytest.raises(AttributeError):
        _ = starlette.status.HTTP_422_UNPROCESSABLE_CONTENT


def test_pythons_http_status_renamed_422_in_3_13() -> None:
    """Python 3.13's HTTPStatus also says "Unprocessable Content"; the old member is an alias."""
    assert HTTPStatus.UNPROCESSABLE_ENTITY.value == 422
    assert HTTPStatus.UNPROCESSABLE_ENTITY is HTTPStatus(422), "one member, two names on 3.13"
    if sys.version_info >= (3, 13):
        assert HTTPStatus(422).phrase == "Unprocessable Content"
        assert HTTPStatus(422).name == "UNPROCESSABLE_CONTENT"
    else:
        assert HTTPStatus(422).phrase == "Unprocessable Entity"
        assert not hasattr(HTTPStatus, "UNPROCESSABLE_CONTENT")
