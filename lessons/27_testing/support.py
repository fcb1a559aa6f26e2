"""Test helpers a real project keeps next to its conftest.py.

Kept out of conftest.py so tests can import them (conftest modules are loaded by pytest,
not imported by tests).
"""

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

# https, because the login cookie is `Secure`: a client keeps it, but sends it back only
# over HTTPS (see test_secure_cookie_is_not_sent_back_over_plain_http).
BASE_URL = "https://testserver"

Dependency = Callable[..., Any]
Overrides = dict[Dependency, Dependency]


@contextmanager
def temporary_overrides(app: FastAPI) -> Iterator[Overrides]:
    """Hand out `app.dependency_overrides` for one test, and empty it afterwards.

    The `finally` runs however the block ends, a failed assertion included, so a test that
    fails halfway cannot leave its fakes behind for the next test (lesson 08 goes deeper).
    """
    try:
        yield app.dependency_overrides
    finally:
        app.dependency_overrides.clear()


def client_library() -> ModuleType:
    """The HTTP library the installed TestClient is built on: `httpx2` or `httpx`.

    Starlette 1.2 moved its TestClient from httpx to httpx2. `TestClient` subclasses that
    library's `Client` and nothing else, so its one base class names the library actually in
    use. Use this (not a hard-coded `import httpx`) wherever a test needs the client's own
    types, such as the exception `raise_for_status()` raises.
    """
    (base,) = TestClient.__bases__  # unpacking also checks there is exactly one
    return importlib.import_module(base.__module__.partition(".")[0])
