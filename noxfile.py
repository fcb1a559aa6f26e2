"""Nox sessions: the test suite across Pythons and FastAPI versions, lint and types.

nox -s tests      # the suite on Python 3.11, 3.12 and 3.13 with the newest releases
nox -s compat     # the suite once per FastAPI version of the matrix (Python 3.11)
nox -s lint       # ruff check + ruff format --check
nox -s types      # mypy (strict) over lessons/ and the root files
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

PYTHONS = ["3.11", "3.12", "3.13"]

# The FastAPI versions the lessons are proven on. Each runs with whatever Starlette and
# Pydantic that FastAPI resolves to. "latest" is the newest release on the index.
FASTAPI_VERSIONS = [
    "0.115.14",
    "0.118.3",
    "0.122.1",
    "0.128.8",
    "0.135.4",
    "0.141.1",
    "latest",
]

nox.options.default_venv_backend = "uv|venv"  # uv when installed, plain venv otherwise
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "compat", "lint", "types"]


def _add_pyenv_pythons_to_path() -> None:
    """Make pyenv's 3.12/3.13 reachable as python3.12/python3.13 for nox and uv.

    pyenv's shims only answer for the globally selected version, so we put each wanted
    version's own bin/ folder on PATH instead.
    """
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    extra: list[str] = []
    for minor in PYTHONS:
        candidates = sorted(
            versions.glob(f"{minor}.*/bin"),
            key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
        )
        if candidates:
            extra.append(str(candidates[-1]))
    if extra:
        os.environ["PATH"] = os.pathsep.join([*extra, os.environ.get("PATH", "")])


_add_pyenv_pythons_to_path()


def _pytest(session: nox.Session) -> None:
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole suite with the newest releases of everything."""
    session.install("--upgrade", "-e", ".[test]")
    _pytest(session)


@nox.session(python="3.11")
@nox.parametrize("fastapi", FASTAPI_VERSIONS)
def compat(session: nox.Session, fastapi: str) -> None:
    """The whole suite on one FastAPI version of the matrix."""
    pin = "fastapi" if fastapi == "latest" else f"fastapi=={fastapi}"
    session.install("--upgrade", "-e", ".[test]", pin)
    session.run(
        "python",
        "-c",
        "import fastapi, starlette, pydantic; print("
        "f'FastAPI {fastapi.__version__}, Starlette {starlette.__version__}, "
        "Pydantic {pydantic.__version__}')",
    )
    _pytest(session)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """Ruff lint rules and formatting."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.11")
def types(session: nox.Session) -> None:
    """Strict mypy over every lesson and the root files."""
    session.install("-e", ".[test]", "mypy", "nox")
    # Lesson folders start with digits, so mypy must be given the package (-p), not paths.
    session.run("mypy", "-p", "lessons")
    session.run("mypy", "conftest.py", "noxfile.py")
