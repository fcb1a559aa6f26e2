"""Nox sessions: the test suite across Pythons and FastAPI versions, lint and types.

nox -s tests      # the suite on Python 3.11, 3.12 and 3.13 with the newest releases
nox -s compat     # the suite per FastAPI version of the matrix (changed lessons only)
nox -s report     # runs compat, then writes COMPATIBILITY.md (on CI: fails if stale)
nox -s lint       # ruff check + ruff format --check
nox -s types      # mypy (strict) over lessons/ and the root files
nox -s postgres   # the database lessons against a throwaway PostgreSQL server
nox -s coverage   # branch coverage of all lesson code (apps, helpers), required 100%
nox -s contract   # Schemathesis fuzzes every lesson app from its own OpenAPI document
nox -s mutation   # every lesson's tests against mutants of its code (changed lessons only)
nox -s flakes     # lessons run 10x in random order, serial and -n 2 (changed lessons only)
nox -s exercises  # every exercise fails as shipped and passes with its reference solution
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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
nox.options.sessions = ["tests", "report", "lint", "types", "postgres", "exercises"]


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


def _pytest(session: nox.Session, *args: str, env: dict[str, str] | None = None) -> None:
    """pytest without its cache folder, with `args` and then the session's own arguments."""
    session.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", *args, *session.posargs, env=env
    )


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole suite with the newest releases of everything."""
    session.install("--upgrade", "-e", ".[test]")
    _pytest(session)


RESULTS_DIR = Path(".reports")


def _results_file(fastapi: str) -> Path:
    return RESULTS_DIR / f"compat-{fastapi}.json"


@nox.session(python="3.11")
@nox.parametrize("fastapi", FASTAPI_VERSIONS)
def compat(session: nox.Session, fastapi: str) -> None:
    """The suite on one FastAPI version of the matrix; results feed `report`.

    Incremental (tools/compat.py): only lessons changed since .ci/compat/VERSION.json run,
    or all of them when the resolved libraries changed. Off CI the record is rewritten;
    `nox -s compat -- --all` runs everything regardless.
    """
    pin = "fastapi" if fastapi == "latest" else f"fastapi=={fastapi}"
    session.install("--upgrade", "-e", ".[test]", pin)
    session.run(
        "python",
        "-c",
        "import fastapi, starlette, pydantic; print("
        "f'FastAPI {fastapi.__version__}, Starlette {starlette.__version__}, "
        "Pydantic {pydantic.__version__}')",
    )
    update = [] if os.environ.get("CI") else ["--update"]
    results = ["--results", str(_results_file(fastapi))]
    session.run("python", "-m", "tools.compat", fastapi, *results, *update, *session.posargs)


@nox.session(python="3.11", requires=["compat"])
def report(session: nox.Session) -> None:
    """Write COMPATIBILITY.md from the compat runs; on CI, fail instead if it is stale."""
    session.install("-e", ".")
    files = [str(_results_file(version)) for version in FASTAPI_VERSIONS]
    check = ["--check"] if os.environ.get("CI") else []
    session.run("python", "-m", "tools.compat_report", *files, *check)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """Ruff lint rules and formatting."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.11")
def types(session: nox.Session) -> None:
    """Strict mypy over every lesson and the root files."""
    session.install("-e", ".[test]", "mypy", "nox", "schemathesis>=4.0", "cosmic-ray>=8.7")
    # Lesson folders start with digits, so mypy must be given the package (-p), not paths.
    session.run("mypy", "-p", "lessons")
    session.run("mypy", "conftest.py", "noxfile.py", "tools")


# --- PostgreSQL ---------------------------------------------------------------------------

#: The lessons whose database tests also run on PostgreSQL (see lessons/testkit.py).
DATABASE_LESSONS = [
    "lessons/18_databases",
    "lessons/19_async_databases",
    "lessons/20_migrations",
    "lessons/37_crud_capstone",
]


def _postgres_bindir(session: nox.Session) -> Path:
    """Where initdb and pg_ctl live, installing the Debian package when they are missing."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found and shutil.which("apt-get"):
        session.log("PostgreSQL is not installed: installing the Debian package")
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", "-qq", external=True, env=env)
        session.run("apt-get", "install", "-y", "-qq", "postgresql", external=True, env=env)
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        session.error("PostgreSQL binaries not found and apt-get is unavailable")
    return found[-1].parent  # the newest major version


@contextmanager
def _throwaway_postgres(session: nox.Session) -> Iterator[str]:
    """Start a private PostgreSQL server on a free loopback port; yield its URL; remove it.

    The data directory is a temporary folder, authentication is `trust` for loopback only,
    and durability is switched off (fsync) because the data is thrown away anyway.
    PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
    """
    bindir = _postgres_bindir(session)
    workdir = Path(tempfile.mkdtemp(prefix="lessons-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, user="postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as probe:  # a free port; the server binds it a moment later
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = workdir / "data"
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {workdir} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )

    def pg(*args: str) -> None:
        session.run(*as_user, *args, external=True, silent=True)

    pg(str(bindir / "initdb"), "-D", str(data), "-U", "lessons", "--auth=trust", "-E", "UTF8")
    pg(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(workdir / "log"),
        "-w",
        "start",
    )
    try:
        yield f"postgresql+psycopg://lessons@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            check=False,
        )
        shutil.rmtree(workdir, ignore_errors=True)


@nox.session(python="3.11")
def postgres(session: nox.Session) -> None:
    """Lessons 18, 19, 20 and 37 against a real, throwaway PostgreSQL server."""
    session.install("-e", ".[test]")
    with _throwaway_postgres(session) as url:
        session.log(f"PostgreSQL at {url}")
        _pytest(session, *DATABASE_LESSONS, env={"LESSONS_DATABASE_URL": url})


# --- proof that the lessons are true --------------------------------------------------------


@nox.session(python="3.11")
def coverage(session: nox.Session) -> None:
    """Branch coverage of every lesson's own code (not its tests), required to be 100%.

    Real Uvicorn processes and `python -m lessons` runs that the tests start are measured
    too (see [tool.coverage] in pyproject.toml). Four passes add up into one report: the
    suite without lesson 19; lesson 19 with greenlets measured (its handlers resume inside
    SQLAlchemy's greenlets, and measuring greenlets everywhere makes Hypothesis ~30x
    slower); then the database lessons again on a throwaway PostgreSQL server, so the
    PostgreSQL branches of lessons/testkit.py are measured as well.
    """
    session.install("-e", ".[test]")
    env = {"HYPOTHESIS_PROFILE": "dev"}
    greenlets = {"LESSONS_COVERAGE_CONCURRENCY": "greenlet"}
    async_lesson = "lessons/19_async_databases"
    other_database_lessons = [name for name in DATABASE_LESSONS if name != async_lesson]
    measure = ["--cov", "--cov-append", "--cov-report=", "--cov-fail-under=0"]
    session.run("coverage", "erase")
    _pytest(session, "-n", "2", *measure, f"--ignore={async_lesson}", env=env)
    _pytest(session, *measure, async_lesson, env={**env, **greenlets})
    with _throwaway_postgres(session) as url:
        database = {**env, "LESSONS_DATABASE_URL": url}
        _pytest(session, "-n", "2", *measure, *other_database_lessons, env=database)
        _pytest(session, *measure, async_lesson, env={**database, **greenlets})
    session.run("coverage", "report")  # fail_under = 100 in pyproject.toml


@nox.session(python="3.11")
def contract(session: nox.Session) -> None:
    """Every lesson app fuzzed from its own OpenAPI document (tools/contract)."""
    session.install("-e", ".[test]", "schemathesis>=4.0")
    _pytest(session, "-n", "2", "tools/contract")


@nox.session(python="3.11")
def flakes(session: nox.Session) -> None:
    """Hunt flaky tests (tools/flakes.py): `-- --all --update` hunts everything and records it."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "tools.flakes", *session.posargs)


@nox.session(python="3.11")
def mutation(session: nox.Session) -> None:
    """Mutation testing (tools/mutation.py): lessons changed since the record; `-- --all`."""
    session.install("-e", ".[test]", "cosmic-ray>=8.7")
    session.run("python", "-m", "tools.mutation", *session.posargs)


@nox.session(python="3.11")
def exercises(session: nox.Session) -> None:
    """Every exercise fails as shipped and passes, with the lesson's tests, once solved.

    Incremental: lessons proven at the fingerprint recorded in .ci/exercises-record.json
    (their files, the checker, the taught libraries' versions) are not checked again.
    `nox -s exercises -- --update` records the lessons it proves; commit the record.
    """
    session.install("-e", ".[test]")
    # --require-all: a lesson with fewer than two exercises fails the session too.
    record = ["--record", ".ci/exercises-record.json"]
    session.run(
        "python", "-m", "lessons", "check-exercises", "--require-all", *record, *session.posargs
    )
