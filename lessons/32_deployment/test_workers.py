"""Lesson 32 claims: several worker processes share one port, each answering as itself."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import Launched, launch

APP = "lessons.32_deployment.app:app"
WORKERS = 2
READY = "Application startup complete"  # each worker prints it after its lifespan startup


@pytest.fixture(scope="module")
def uvicorn_workers() -> Iterator[Launched]:
    """`uvicorn --workers 2`, once every worker is serving."""
    with launch("uvicorn", APP, "--port", "0", "--workers", str(WORKERS)) as server:
        # The supervisor prints its address, then starts the workers: wait for all of
        # them, so that any of them may take the next connection.
        server.wait_for(READY, times=WORKERS)
        yield server


@pytest.fixture(scope="module")
def gunicorn_workers() -> Iterator[Launched]:
    """Gunicorn with uvicorn-worker's worker class, WEB_CONCURRENCY=2, once all serve."""
    with launch(
        "gunicorn",
        *("--worker-class", "uvicorn_worker.UvicornWorker"),
        *("--bind", "127.0.0.1:0"),
        # Gunicorn 25+ opens a control socket at a fixed path in $HOME; two test processes
        # would fight over it, and nothing here needs it.
        "--no-control-socket",
        # Import the app once in the master, then fork the workers: faster start and shared
        # memory pages. The lifespan still runs in each worker; open connections and
        # threads there, never at import time, or every fork would share them.
        "--preload",
        APP,
        env={"WEB_CONCURRENCY": str(WORKERS)},  # Gunicorn's default for --workers
    ) as server:
        server.wait_for(READY, times=WORKERS)
        yield server


def pids_answering(server: Launched, wanted: int, attempts: int = 500) -> set[int]:
    """Ask /info on fresh connections until `wanted` distinct PIDs answered (or give up)."""
    seen: set[int] = set()
    for _ in range(attempts):  # a bound, not a timer: the kernel decides who accepts
        seen.add(httpx.get(f"{server.base_url}/info").json()["pid"])
        if len(seen) >= wanted:
            break
    return seen


def parent_of(pid: int) -> int:
    """The parent PID of a running process, from /proc (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])  # fields after "(command name)"


def test_uvicorn_workers_answer_from_distinct_child_processes(uvicorn_workers: Launched) -> None:
    """`uvicorn --workers 2`: two child processes of the supervisor take turns answering."""
    server = uvicorn_workers
    pids = pids_answering(server, WORKERS)
    assert len(pids) == WORKERS, f"only {pids} answered:\n" + "".join(server.output)
    assert {parent_of(pid) for pid in pids} == {server.process.pid}, (
        "the supervisor only watches: its worker children serve the requests"
    )


def test_gunicorn_runs_uvicorn_worker_processes_from_web_concurrency(
    gunicorn_workers: Launched,
) -> None:
    """Gunicorn + uvicorn_worker.UvicornWorker, WEB_CONCURRENCY=2: two workers answer."""
    server = gunicorn_workers
    output = "".join(server.output)
    assert "Using worker: uvicorn_worker.UvicornWorker" in output
    assert output.count("Booting worker with pid") == WORKERS, "WEB_CONCURRENCY set the count"
    pids = pids_answering(server, WORKERS)
    assert len(pids) == WORKERS, f"only {pids} answered:\n{output}"
    assert {parent_of(pid) for pid in pids} == {server.process.pid}


def test_the_seeds_uvicorn_workers_module_is_deprecated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed erratum: `-k uvicorn.workers.UvicornWorker` warns; the class moved to uvicorn-worker."""
    monkeypatch.delitem(sys.modules, "uvicorn.workers", raising=False)  # import it afresh
    with pytest.warns(DeprecationWarning, match="use `uvicorn-worker` package instead"):
        importlib.import_module("uvicorn.workers")
