"""Lesson 24 claims: StreamingResponse sends chunks as they come, in flat memory, stops cleanly."""

import asyncio
import tracemalloc
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from lessons.testkit import Server, serve

from .app import CHUNK_SIZE, app, job_steps
from .asgi_call import call

client = TestClient(app)

PATIENCE = 30.0  # seconds any single step may take on a loaded machine; never waited normally

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One real Uvicorn process for the tests that need a real socket."""
    with serve("lessons.24_streaming.app:app") as running:
        yield running


# --- chunks as they come -----------------------------------------------------------------


def test_client_reads_each_chunk_before_the_generator_finishes(server: Server) -> None:
    """Each line reaches the client while the generator still waits for the next step."""
    job = uuid.uuid4().hex  # unique per test run: the server process is shared
    with (
        httpx.Client(base_url=server.base_url, timeout=PATIENCE) as http,
        http.stream("GET", f"/jobs/{job}/progress") as response,
    ):
        assert response.status_code == 200
        lines = response.iter_lines()
        # The generator cannot finish before it receives "done", and the test sends
        # "done" only after reading these lines: so each arrived mid-stream.
        assert next(lines) == f"watching job {job}"
        for step in ("compiling", "testing", "done"):
            http.post(f"/jobs/{job}/steps", params={"step": step}).raise_for_status()
            assert next(lines) == step
        assert list(lines) == [], "after 'done' the generator returns and the body ends"


def test_client_disconnect_stops_the_generator_and_runs_its_cleanup(server: Server) -> None:
    """Closing the connection mid-stream cancels the endless generator; its finally runs."""
    feed = uuid.uuid4().hex
    with (
        httpx.Client(base_url=server.base_url, timeout=PATIENCE) as http,
        http.stream("GET", f"/feeds/{feed}") as response,
    ):
        lines = response.iter_lines()
        assert [next(lines), next(lines)] == ["tick 0", "tick 1"]
    # Leaving the block with the body unread closes the TCP connection.

    # The cleanup happens in another process. This request waits on the server side for
    # the generator's `finally` (an event, not a poll), bounded by `wait` seconds.
    with httpx.Client(base_url=server.base_url, timeout=PATIENCE + 5) as http:
        report = http.get(f"/feeds/{feed}/cleanup", params={"wait": PATIENCE}).json()
    assert report["cleaned_up"] is True, "the generator's finally never ran"
    assert report["ticks_sent"] >= 2
    assert report["ended_by"] == "CancelledError", (
        "Starlette noticed the disconnect and cancelled the stream at the generator's await"
    )


def test_a_feed_without_news_gives_up_and_forgets_the_job() -> None:
    """No step within `give_up_after` seconds: the feed says so, ends, drops the job's queue."""
    job = uuid.uuid4().hex
    # The app's patience, asked small: the test never waits out the 30-second default.
    response = client.get(f"/jobs/{job}/progress", params={"give_up_after": 0.01})
    assert response.status_code == 200
    assert response.text == f"watching job {job}\nno news: giving up\n"
    assert job not in job_steps, "the generator's finally forgets the queue"


def test_cleanup_report_says_false_when_the_feed_never_ended() -> None:
    """Waiting for a feed that never ran ends after `wait` seconds with cleaned_up false."""
    feed = uuid.uuid4().hex
    response = client.get(f"/feeds/{feed}/cleanup", params={"wait": 0.01})
    assert response.status_code == 200
    assert response.json() == {"feed": feed, "cleaned_up": False}


@pytest.mark.parametrize("give_up_after", ["0", "-1", "60.001"])
def test_progress_patience_is_above_0_and_at_most_60_seconds(give_up_after: str) -> None:
    """`give_up_after` outside (0, 60] is a 422 on that parameter, before any stream starts."""
    job = uuid.uuid4().hex
    # A "done" already waits in the queue: were the value accepted, the feed would end at
    # once instead of waiting out its patience.
    client.post(f"/jobs/{job}/steps", params={"step": "done"}).raise_for_status()
    try:
        response = client.get(f"/jobs/{job}/progress", params={"give_up_after": give_up_after})
    finally:
        job_steps.pop(job, None)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "give_up_after"]


def test_a_step_is_at_most_100_characters() -> None:
    """A step of 100 characters is queued and echoed; 101 characters is a 422 on `step`."""
    job = uuid.uuid4().hex
    try:
        accepted = client.post(f"/jobs/{job}/steps", params={"step": "s" * 100})
        refused = client.post(f"/jobs/{job}/steps", params={"step": "s" * 101})
        assert job_steps[job].qsize() == 1, "only the valid step reached the job's queue"
    finally:
        job_steps.pop(job, None)
    assert accepted.status_code == 200
    assert accepted.json() == {"job": job, "step": "s" * 100}
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "step"]


@pytest.mark.parametrize("every", ["0", "-1", "1.001"])
def test_tick_interval_is_above_0_and_at_most_1_second(server: Server, every: str) -> None:
    """`every` outside (0, 1] is a 422 on that parameter: the endless feed never starts."""
    # A real server, read as a stream: had the value been accepted, the test would see the
    # 200 of an endless body and close it, rather than wait for its end.
    with (
        httpx.Client(base_url=server.base_url, timeout=PATIENCE) as http,
        http.stream("GET", f"/feeds/{uuid.uuid4().hex}", params={"every": every}) as response,
    ):
        assert response.status_code == 422
        response.read()
    assert response.json()["detail"][0]["loc"] == ["query", "every"]


@pytest.mark.parametrize("wait", ["0", "60.001", "-1"])
def test_cleanup_wait_is_bounded_to_at_most_60_seconds(wait: str) -> None:
    """`wait` must be above 0 and at most 60: anything else is a 422, not a long hang."""
    response = client.get("/feeds/any/cleanup", params={"wait": wait})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "wait"]


# --- flat memory --------------------------------------------------------------------------


def peak_memory_while_downloading(path: str, size: int) -> tuple[int, int, int]:
    """Download through the bare ASGI app; return (bytes received, chunks, traced peak)."""
    received = chunks = 0

    def count(chunk: bytes) -> None:
        nonlocal received, chunks
        if chunk:
            # Piece k starts with its own number: proof the bytes are the right ones.
            assert chunk[:16] == f"{chunks:015d}\n".encode() or path.endswith("buffered")
            received += len(chunk)
            chunks += 1

    # Warm up first: the first call imports modules and starts worker threads, one-off
    # allocations that have nothing to do with the body.
    asyncio.run(call(app, path, f"size={CHUNK_SIZE}", lambda chunk: None))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start = asyncio.run(call(app, path, f"size={size}", count))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert start["status"] == 200
    return received, chunks, peak


def test_large_download_streams_in_flat_memory() -> None:
    """The largest download allowed, 100 MiB, streams while traced memory peaks below 5 MB."""
    size = 104857600  # 100 MiB: the published maximum of `size`
    received, chunks, peak = peak_memory_while_downloading("/download", size)
    assert received == size
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB: the body was accumulated somewhere"
    assert chunks == 1600, "one body message per 64 KiB generator chunk"


def test_buffered_download_holds_the_whole_body_in_memory() -> None:
    """The same bytes built into one Response first: the peak exceeds the body size."""
    size = 20 * MB
    received, chunks, peak = peak_memory_while_downloading("/download-buffered", size)
    assert received == size
    assert chunks == 1, "a plain Response sends its body in one message"
    assert peak > size, f"peak {peak / MB:.1f} MB: the whole body was in memory at once"


def test_streamed_bytes_equal_the_buffered_bytes() -> None:
    """Streaming changes how the bytes travel, not which bytes: same body, Content-Length set."""
    size = 3 * CHUNK_SIZE + 123  # a partial last chunk too
    streamed = client.get("/download", params={"size": size})
    buffered = client.get("/download-buffered", params={"size": size})
    assert streamed.content == buffered.content
    assert len(streamed.content) == size
    assert streamed.headers["content-length"] == str(size)
    assert streamed.headers["content-type"] == "application/octet-stream"


@pytest.mark.parametrize("path", ["/download", "/download-buffered"])
def test_an_empty_download_is_200_with_no_bytes(path: str) -> None:
    """size=0 is the smallest valid request: 200, Content-Length 0, an empty body."""
    response = client.get(path, params={"size": 0})
    assert response.status_code == 200
    assert response.headers["content-length"] == "0"
    assert response.content == b""


def test_streaming_routes_document_their_real_media_types() -> None:
    """OpenAPI names what each route streams (not FastAPI's default application/json)."""
    paths = app.openapi()["paths"]
    documented = {
        path: list(paths[path]["get"]["responses"]["200"]["content"])
        for path in ("/download", "/download-buffered", "/events/by-hand", "/feeds/{feed_id}")
    }
    assert documented == {
        "/download": ["application/octet-stream"],
        "/download-buffered": ["application/octet-stream"],
        "/events/by-hand": ["text/event-stream"],
        "/feeds/{feed_id}": ["text/plain"],
    }


@pytest.mark.parametrize("path", ["/download", "/download-buffered"])
@pytest.mark.parametrize("size", ["-1", "104857601", "lots"])
def test_download_size_is_validated(path: str, size: str) -> None:
    """A size outside 0..100 MiB (104857600) or not a number is a 422, never a huge body."""
    response = client.get(path, params={"size": size})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "size"]


# The bounds and defaults the lesson documents, as "METHOD path?parameter": literal values,
# so a changed constraint in app.py shows up here instead of being followed.
PUBLISHED_QUERY_SCHEMAS: dict[str, dict[str, float]] = {
    "POST /jobs/{job_id}/steps?step": {"maxLength": 100},
    "GET /jobs/{job_id}/progress?give_up_after": {
        "exclusiveMinimum": 0,
        "maximum": 60,
        "default": 30,
    },
    "GET /download?size": {"minimum": 0, "maximum": 104857600},
    "GET /download-buffered?size": {"minimum": 0, "maximum": 104857600},
    "GET /feeds/{feed_id}?every": {"exclusiveMinimum": 0, "maximum": 1, "default": 0.05},
    "GET /feeds/{feed_id}/cleanup?wait": {"exclusiveMinimum": 0, "maximum": 60, "default": 10},
    "GET /countdown?start": {"minimum": 0, "maximum": 10, "default": 3},
}


@pytest.mark.parametrize("parameter", PUBLISHED_QUERY_SCHEMAS)
def test_openapi_publishes_each_query_bound_and_default(parameter: str) -> None:
    """OpenAPI states each documented bound and default of the lesson's query parameters."""
    method, _, rest = parameter.partition(" ")
    path, _, name = rest.partition("?")
    operation = app.openapi()["paths"][path][method.lower()]
    schema = next(p["schema"] for p in operation["parameters"] if p["name"] == name)
    expected = PUBLISHED_QUERY_SCHEMAS[parameter]
    assert {key: schema.get(key) for key in expected} == expected, (path, name, schema)


# --- which thread runs the generator -----------------------------------------------------


def thread_report(path: str) -> tuple[str, list[str]]:
    """(event loop thread id, [thread id of each generator step]) as the app reports them."""
    lines = client.get(path).text.splitlines()
    loop = lines[0].removeprefix("event loop ")
    steps = [line.removeprefix("generator ") for line in lines[1:]]
    assert len(steps) == 3, lines
    return loop, steps


def test_sync_generator_runs_in_a_worker_thread() -> None:
    """A plain (sync) generator is iterated in a worker thread, off the event loop."""
    loop, steps = thread_report("/threads/sync-generator")
    assert all(step != loop for step in steps), (loop, steps)


def test_async_generator_runs_on_the_event_loop_thread() -> None:
    """An async generator is iterated on the event loop's own thread."""
    loop, steps = thread_report("/threads/async-generator")
    assert all(step == loop for step in steps), (loop, steps)
