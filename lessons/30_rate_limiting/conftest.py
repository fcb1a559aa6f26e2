"""Fixtures for lesson 30: a fake clock, and a real redis-server for the shared-store tests."""

from __future__ import annotations

import queue
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

INSTALL_HINT = "redis-server not installed; apt-get install redis-server"


class FakeClock:
    """A clock the test moves by hand: `clock()` reads it, `clock.advance(s)` moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    # An epoch time like time.time() returns, ten seconds after a whole minute: a 60 s
    # window then has 50 s left, so "seconds left" and "window length" differ in tests.
    return FakeClock(60 * 28_333_334 + 10.0)


@dataclass(frozen=True)
class RedisServer:
    port: int
    process: subprocess.Popen[str]
    reader: threading.Thread

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=10)  # the pipe ends once the process is gone
        assert self.process.stdout is not None
        self.process.stdout.close()

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10)


def _free_port() -> int:
    # The kernel picks a free port; redis-server binds it a moment later. Another process
    # could take it in between, so a start that fails with "in use" is retried.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_redis(binary: str, workdir: Path, timeout: float = 30.0) -> RedisServer | None:
    """Start redis-server and wait for its "Ready" line; None if the port was taken."""
    port = _free_port()
    process = subprocess.Popen(
        [
            *(binary, "--port", str(port), "--bind", "127.0.0.1"),
            # No RDB snapshots, no append-only file: nothing is written outside the tmp dir.
            *("--save", "", "--appendonly", "no", "--dir", str(workdir)),
            *("--daemonize", "no", "--loglevel", "notice"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def pump() -> None:  # keep reading, so a full pipe never blocks the server
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    server = RedisServer(port=port, process=process, reader=reader)
    while True:
        try:
            line = lines.get(timeout=timeout)  # an upper bound, not a synchronisation sleep
        except queue.Empty:
            server.stop()
            raise AssertionError(
                f"redis-server not ready within {timeout}s:\n" + "".join(output)
            ) from None
        if line is None:
            server.stop()
            if "Address already in use" in "".join(output):
                return None
            raise AssertionError("redis-server exited before it was ready:\n" + "".join(output))
        if "Ready to accept connections" in line:
            return server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A private redis-server on a free loopback port, one per test process (xdist worker)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(INSTALL_HINT)
    workdir = tmp_path_factory.mktemp("redis")
    server = None
    for _attempt in range(5):
        server = _start_redis(binary, workdir)
        if server is not None:
            break
    assert server is not None, "redis-server found no free port in 5 attempts"
    try:
        with server.client() as client:
            assert client.ping(), "redis-server printed Ready but does not answer PING"
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A client of the private server, with an empty database for every test."""
    with redis_server.client() as client:
        client.flushdb()
        yield client
