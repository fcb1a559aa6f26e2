"""Lesson 32's test helpers: the Dockerfile, read; servers, started and watched.

The module-wide server (`default_server`) runs exactly the command of the Dockerfile, through
`lessons.testkit.serve`; `launch` starts servers that must bind their own port.

`lessons.testkit.serve` hands Uvicorn a socket the test already bound (`--fd`). That is
the right tool for most serving tests, but not for two of this lesson's:

- Graceful shutdown. Uvicorn duplicates a socket it is handed, and on SIGTERM closes only
  its duplicate: the original descriptor stays open in the process, so the kernel keeps
  accepting connections that nobody will ever serve (they hang instead of being refused).
  A server that binds `--port 0` itself owns the only copy, and closing it refuses new
  connections, as in production.
- Several workers. The test must wait until *every* worker has started, which means
  counting log lines as they arrive, not just waiting for the first one.

So here the server binds port 0 (the kernel picks a free port; no fixed ports, nothing to
race for), prints the address it got, and every line it prints can be waited for.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from lessons.testkit import REPO_ROOT, Server, serve

DOCKERFILE = Path(__file__).with_name("Dockerfile")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # FROM, RUN, CMD, ... in capitals
    arguments: str  # the rest of the instruction, continuation lines joined


def read_dockerfile(path: Path = DOCKERFILE) -> list[Instruction]:
    """The Dockerfile's instructions, without comments, continuation lines joined."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # Docker drops comment lines, even inside a continued instruction
        pending += line.removesuffix("\\").strip() + " "
        if not line.endswith("\\"):
            keyword, _, arguments = pending.strip().partition(" ")
            instructions.append(Instruction(keyword.upper(), arguments.strip()))
            pending = ""
    return instructions


def exec_form(arguments: str) -> list[str]:
    """Parse the JSON-list ("exec") form of CMD/ENTRYPOINT/HEALTHCHECK CMD; fail otherwise."""
    try:
        argv = json.loads(arguments)
    except json.JSONDecodeError:
        raise AssertionError(f"not exec form (a JSON list of strings): {arguments}") from None
    assert isinstance(argv, list), arguments
    assert all(isinstance(argument, str) for argument in argv), arguments
    return argv


def image_command() -> list[str]:
    """The command the container runs: the Dockerfile's last CMD, in exec form."""
    commands = [i for i in read_dockerfile() if i.keyword == "CMD"]
    assert commands, "the Dockerfile has no CMD"
    return exec_form(commands[-1].arguments)


@pytest.fixture(scope="session")
def default_server() -> Iterator[Server]:
    """The image's command with Uvicorn's defaults, on a free port; one per test process.

    `serve` adds `--fd`, which takes precedence over the image's `--host`/`--port`: the
    same command, listening where the test chose instead of on port 8000.
    """
    program, app_path, *arguments = image_command()
    assert program == "uvicorn", f"the image runs {program}, not uvicorn"
    with serve(app_path, *arguments, env={"DEPLOY_ENVIRONMENT": "development"}) as server:
        yield server


# Uvicorn: "Uvicorn running on http://127.0.0.1:41445 (Press CTRL+C to quit)"
# Gunicorn: "Listening at: http://127.0.0.1:57177 (10648)"
ADDRESS = re.compile(r"(?:Uvicorn running on|Listening at:) (http://127\.0\.0\.1:\d+)")

# Upper bounds only: every wait ends as soon as the awaited line arrives, so a generous
# limit costs nothing on a fast machine and keeps a loaded one from failing.
TIMEOUT = 60.0


@dataclass
class Launched:
    """A running server process, its address, and everything it has printed so far."""

    process: subprocess.Popen[str]
    lines: queue.Queue[str | None]
    output: list[str] = field(default_factory=list)
    base_url: str = ""

    def wait_for(self, text: str, times: int = 1) -> str:
        """Block until `text` has appeared in `times` more output lines; return the last.

        Fails if the process exits first.
        """
        seen = 0
        line: str | None = ""
        while seen < times:
            try:
                line = self.lines.get(timeout=TIMEOUT)
            except queue.Empty:  # pragma: no cover - only when a server hangs
                raise AssertionError(
                    f"no {text!r} within {TIMEOUT}s:\n" + "".join(self.output)
                ) from None
            if line is None:
                raise AssertionError(
                    f"the server exited before printing {text!r}:\n" + "".join(self.output)
                )
            seen += text in line
        assert line is not None
        return line


@contextmanager
def launch(*command: str, env: dict[str, str] | None = None) -> Iterator[Launched]:
    """Run `python -m <command>`; yield once it prints the address it listens on.

    A single Uvicorn process prints its address after the app's startup; a supervisor
    (Uvicorn `--workers`, Gunicorn) prints it before starting its workers, so a test that
    needs them all waits for their startup lines with `wait_for(..., times=N)`.

    The process is terminated (SIGTERM, then SIGKILL) when the block exits, unless the
    test already stopped it.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    launched = Launched(process=process, lines=queue.Queue())

    def pump() -> None:  # keep reading, so a full pipe never blocks the server
        assert process.stdout is not None
        for line in process.stdout:
            launched.output.append(line)
            launched.lines.put(line)
        launched.lines.put(None)  # end of output: the process exited

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        found = ADDRESS.search(launched.wait_for("http://127.0.0.1:"))
        assert found is not None, "".join(launched.output)
        launched.base_url = found.group(1)
        yield launched
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:  # pragma: no cover - only if a server hangs
                process.kill()
                process.wait()
        reader.join(timeout=TIMEOUT)
        assert process.stdout is not None
        process.stdout.close()


def open_pipe_once_held(pipe: Path, request: Future[Any]) -> BinaryIO:
    """Open the hold pipe for writing: this returns once /slow has opened it for reading.

    That moment is the synchronisation point: the request is now in flight. If the request
    ends first (or nothing happens within TIMEOUT), fail instead of blocking for ever.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        opening = pool.submit(open, pipe, "wb")
        either: list[Future[Any]] = [request, opening]
        wait(either, timeout=TIMEOUT, return_when=FIRST_COMPLETED)
        if not opening.done():  # pragma: no cover - only when /slow never reads the pipe
            # Opening the read end ourselves lets the blocked open() return.
            os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))
            opening.result().close()
            outcome = request.result() if request.done() else "still running"
            raise AssertionError(f"/slow never opened the hold pipe; the request: {outcome!r}")
        return opening.result()
