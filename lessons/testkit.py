"""Test helpers that several lessons share.

Kept deliberately small: a lesson should read top to bottom on its own, so only what at
least three lessons need lives here.
"""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastapi

REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_version(text: str) -> tuple[int, ...]:
    """Turn "0.118.3" (or "0.135") into (0, 118, 3) for comparisons."""
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


FASTAPI_VERSION: tuple[int, ...] = parse_version(fastapi.__version__)


def fastapi_at_least(version: str) -> bool:
    """True when the installed FastAPI is `version` or newer."""
    return FASTAPI_VERSION >= parse_version(version)


def http_scope(
    path: str,
    *,
    method: str = "GET",
    query_string: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    server: tuple[str, int] = ("testserver", 80),
    client: tuple[str, int] = ("127.0.0.1", 50000),
) -> dict[str, Any]:
    """An ASGI HTTP scope for driving an app by hand, with no test client in between.

    Lesson 01 spells this dictionary out to teach it; later lessons build it here.
    """
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query_string,
        "headers": [(b"host", b"testserver")] if headers is None else headers,
        "client": client,
        "server": server,
    }


@dataclass(frozen=True)
class Server:
    """A running Uvicorn process and the address it listens on."""

    process: subprocess.Popen[str]
    base_url: str
    output: list[str]


def _free_loopback_socket() -> socket.socket:
    # Binding port 0 lets the kernel choose a free port; handing the bound socket to
    # Uvicorn (--fd) means no other process can take the port between choice and use.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Uvicorn treats a socket passed with --fd as a Unix socket and so never sets
    # TCP_NODELAY; without it every response waits ~40 ms for a delayed ACK (Nagle).
    # Accepted connections inherit the option from the listening socket.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    # Listening here, before Uvicorn starts, means a connection made right after the ready
    # line waits in the backlog instead of being refused while Uvicorn sets up.
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@contextmanager
def serve(
    app_path: str,
    *uvicorn_args: str,
    env: dict[str, str] | None = None,
    ready_line: str = "Application startup complete",
    # Only an upper bound: readiness is detected from the log line, so a generous limit
    # costs nothing on a fast machine and keeps a loaded CI machine from failing.
    timeout: float = 60.0,
    # How long Uvicorn may take to shut down after SIGTERM before it is killed.
    grace: float = 10.0,
) -> Iterator[Server]:
    """Run `uvicorn app_path` in a real process on a free loopback port.

    Readiness is an event, not a guess: we wait for Uvicorn to print `ready_line`.
    The process is terminated (SIGTERM, then SIGKILL after `grace` seconds) when the block
    exits.
    """
    sock = _free_loopback_socket()
    host, port = sock.getsockname()
    command: Sequence[str] = [
        sys.executable,
        "-m",
        "uvicorn",
        app_path,
        "--fd",
        str(sock.fileno()),
        *uvicorn_args,
    ]
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        pass_fds=(sock.fileno(),),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    sock.close()  # the child holds its own copy of the listening socket
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)  # end of output: the process exited

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        while True:
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"Uvicorn did not print {ready_line!r} within {timeout}s:\n" + "".join(output)
                ) from None
            if line is None:
                raise AssertionError(
                    f"Uvicorn exited (code {process.wait()}) before it was ready:\n"
                    + "".join(output)
                )
            if ready_line in line:
                break
        yield Server(process=process, base_url=f"http://{host}:{port}", output=output)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        reader.join(timeout=10)  # the pipe reaches end-of-file once the process is gone
        process.stdout.close()


# --- databases (lessons 18, 19, 20 and 37) ------------------------------------------------

#: Set this to a PostgreSQL server URL (any database on it the user may connect to, and a
#: user allowed to CREATE DATABASE) to run the database lessons against PostgreSQL instead
#: of SQLite, e.g. ``postgresql+psycopg://lessons@127.0.0.1:5432/postgres``.
#: ``nox -s postgres`` starts a throwaway server and sets it for you.
DATABASE_URL_ENV = "LESSONS_DATABASE_URL"


def database_server_url() -> str | None:
    """The PostgreSQL server the tests should use, or None for the SQLite default."""
    return os.environ.get(DATABASE_URL_ENV) or None


@contextmanager
def isolated_database(directory: Path) -> Iterator[str]:
    """A fresh, empty database for one test, as a synchronous SQLAlchemy URL string.

    SQLite (the default): a new file inside `directory` (use pytest's `tmp_path`).
    PostgreSQL (when LESSONS_DATABASE_URL is set): a new database with a random name on that
    server, dropped afterwards. Either way nothing leaks between tests, and tests may run in
    parallel (pytest -n 2) because no two of them ever share a database.
    """
    # Imported here so lessons that never touch a database do not pay for SQLAlchemy.
    from uuid import uuid4

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = database_server_url()
    if server is None:
        yield f"sqlite:///{directory / 'lesson.db'}"
        return
    name = f"lessons_{uuid4().hex[:16]}"
    # CREATE/DROP DATABASE cannot run inside a transaction, hence AUTOCOMMIT.
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                # FORCE (PostgreSQL 13+) ends sessions a failed test may have left open.
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def async_database_url(url: str) -> str:
    """The same database as `url`, spelled for SQLAlchemy's asyncio engine.

    SQLite needs the aiosqlite driver; psycopg 3 speaks both, so PostgreSQL URLs that name
    it are already usable; a bare postgresql:// URL is pointed at psycopg.
    """
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    backend = parsed.get_backend_name()
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}[backend]
    return parsed.set(drivername=driver).render_as_string(hide_password=False)
