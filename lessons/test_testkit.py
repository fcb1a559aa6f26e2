"""Claims about lessons/testkit.py's `serve`: a real Uvicorn process never hangs a test.

The lessons' own tests exercise the happy path (a server that starts and stops); these pin
down the two ways out when Uvicorn misbehaves, so a broken lesson fails with a message
instead of blocking the suite.
"""

from __future__ import annotations

import signal
import textwrap
from pathlib import Path

import pytest

from lessons.testkit import serve

# A bare ASGI app (no FastAPI needed) whose startup completes but whose shutdown never does:
# Uvicorn, asked to stop with SIGTERM, waits for the shutdown forever.
STUBBORN_APP = '''
import asyncio


async def app(scope, receive, send):
    """Completes startup; never completes shutdown."""
    assert scope["type"] == "lifespan"
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        else:
            await asyncio.Event().wait()  # nothing ever sets it
'''


@pytest.fixture
def stubborn_app_dir(tmp_path: Path) -> Path:
    (tmp_path / "stubborn.py").write_text(textwrap.dedent(STUBBORN_APP))
    return tmp_path


def test_server_that_ignores_sigterm_is_killed_after_the_grace_period(
    stubborn_app_dir: Path,
) -> None:
    """serve() kills a Uvicorn that has not stopped `grace` seconds after SIGTERM."""
    with serve("stubborn:app", "--app-dir", str(stubborn_app_dir), grace=0.5) as server:
        assert server.process.poll() is None, "the server should be running inside the block"
    assert server.process.returncode == -signal.SIGKILL, (
        "a server stuck in shutdown must end by SIGKILL, not hang the test: "
        f"exit code {server.process.returncode}"
    )


def test_server_that_never_prints_the_ready_line_fails_naming_it(
    stubborn_app_dir: Path,
) -> None:
    """serve() gives up after `timeout` seconds without output and says what it waited for."""
    never_ready = serve(
        "stubborn:app",
        "--app-dir",
        str(stubborn_app_dir),
        ready_line="a line Uvicorn never prints",
        timeout=1.0,
        grace=0.5,
    )
    # Whatever Uvicorn manages to print first (on a loaded machine maybe nothing within the
    # second), the wait ends in an AssertionError naming the line, never in a hang.
    expected = r"Uvicorn did not print 'a line Uvicorn never prints' within 1\.0s:"
    with pytest.raises(AssertionError, match=expected), never_ready:
        pass  # never reached: serve() raises on entering the block
