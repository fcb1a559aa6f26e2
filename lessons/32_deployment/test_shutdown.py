"""Lesson 32 claim: on SIGTERM, Uvicorn stops accepting, finishes in-flight requests, exits."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from .conftest import TIMEOUT, launch, open_pipe_once_held

APP = "lessons.32_deployment.app:app"


def test_sigterm_finishes_the_in_flight_request_and_refuses_new_connections(
    tmp_path: Path,
) -> None:
    """SIGTERM mid-request: new connections are refused, the request still gets its 200."""
    pipe = tmp_path / "hold"
    os.mkfifo(pipe)
    # --port 0: Uvicorn binds (and owns) the listening socket; see conftest.py for why.
    with (
        launch("uvicorn", APP, "--port", "0", env={"DEPLOY_HOLD_PIPE": str(pipe)}) as server,
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        in_flight = pool.submit(httpx.get, f"{server.base_url}/slow", timeout=TIMEOUT)
        with open_pipe_once_held(pipe, in_flight) as writer:
            server.process.send_signal(signal.SIGTERM)  # what `docker stop` sends
            # Uvicorn has closed its listening socket once it says it is waiting for
            # connections; ours is the one it waits for.
            server.wait_for("Waiting for connections to close")
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{server.base_url}/health")
            assert not in_flight.done(), "the in-flight request is still being served"
            writer.write(b"done")
        # Closing the pipe lets the handler return.
        response = in_flight.result(timeout=TIMEOUT)
        assert (response.status_code, response.json()) == (200, {"status": "done"})

        # Then the process ends by itself: lifespan shutdown, and exit.
        returncode = server.process.wait(timeout=TIMEOUT)
    output = "".join(server.output)
    assert '"GET /slow HTTP/1.1" 200' in output
    assert output.index("Shutting down") < output.index("Application shutdown complete")
    assert "Finished server process" in output
    # Uvicorn re-raises the signal it caught once shutdown is done, so the exit status
    # says "ended by SIGTERM" (a supervisor then knows it was asked to stop, not crashed).
    assert returncode == -signal.SIGTERM
