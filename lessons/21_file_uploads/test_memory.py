"""Lesson 21 claims: `bytes = File()` is all in memory, UploadFile spools to disk (measured)."""

import gc
import threading
import tracemalloc
import warnings
from tempfile import SpooledTemporaryFile

import pytest
import starlette
from starlette.formparsers import MultiPartParser

from lessons.testkit import parse_version

from .app import MAX_BODY_BYTES
from .support import CLOSING, MULTIPART, UploadStream, asgi_client, multipart_body

STARLETTE_VERSION = parse_version(starlette.__version__)
# Starlette's threshold: a file part stays in memory up to this size, then goes to disk.
SPOOL_THRESHOLD = MultiPartParser.spool_max_size


async def peak_memory_of_upload(path: str, file_size: int) -> int:
    """Send a streamed upload of `file_size` bytes to `path`; return the peak traced memory.

    The client side streams too (UploadStream), so whatever the peak holds, the server held.
    One unmeasured request first: the first upload pays one-off costs (imports, a worker
    thread) that are not what we are measuring.
    """
    async with asgi_client() as client:
        for measured in (False, True):
            if measured:
                tracemalloc.start()
                tracemalloc.reset_peak()  # in case tracing was already on
            try:
                response = await client.post(
                    path, content=UploadStream(file_size), headers={"content-type": MULTIPART}
                )
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            assert response.status_code in (200, 201), response.text
            assert response.json()["size"] == file_size
    return peak


@pytest.mark.asyncio
async def test_bytes_file_parameter_holds_the_whole_upload_in_memory() -> None:
    """`bytes = File()` peaks at the file size or more; UploadFile in chunks stays far below."""
    file_size = MAX_BODY_BYTES * 3 // 4  # large, but inside the body limit
    as_bytes = await peak_memory_of_upload("/files/in-memory", file_size)
    as_upload_file = await peak_memory_of_upload("/files", file_size)
    assert as_bytes >= file_size, f"bytes = File() peaked at only {as_bytes} bytes"
    assert as_upload_file < file_size / 2, (
        f"UploadFile peaked at {as_upload_file} bytes for a {file_size}-byte file"
    )


@pytest.mark.asyncio
async def test_upload_file_stays_in_memory_up_to_the_threshold_then_rolls_to_disk() -> None:
    """UploadFile wraps a SpooledTemporaryFile: in memory up to 1 MiB, on disk above it."""
    async with asgi_client() as client:
        for size, on_disk in ((SPOOL_THRESHOLD, False), (SPOOL_THRESHOLD + 1, True)):
            response = await client.post(
                "/files/spooling",
                content=multipart_body(bytes(size)),
                headers={"content-type": MULTIPART},
            )
            assert response.json() == {
                "file_class": "SpooledTemporaryFile",
                "rolled_to_disk": on_disk,
                "memory_threshold": SPOOL_THRESHOLD,
            }, f"a {size}-byte file"
    assert SPOOL_THRESHOLD == 1024 * 1024


@pytest.mark.asyncio
async def test_rollover_to_disk_runs_off_the_event_loop_from_starlette_0_47_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The write that moves a spooled file to disk blocks the event loop before Starlette 0.47.2."""
    rollover_threads: list[int] = []
    original_rollover = SpooledTemporaryFile.rollover

    def recording_rollover(self: SpooledTemporaryFile[bytes]) -> None:
        rollover_threads.append(threading.get_ident())
        original_rollover(self)

    monkeypatch.setattr(SpooledTemporaryFile, "rollover", recording_rollover)
    async with asgi_client() as client:
        response = await client.post(
            "/files/spooling",
            content=UploadStream(2 * SPOOL_THRESHOLD),
            headers={"content-type": MULTIPART},
        )
    assert response.json()["rolled_to_disk"] is True
    assert len(rollover_threads) == 1
    event_loop_thread = threading.get_ident()  # pytest-asyncio runs the loop in this thread
    if STARLETTE_VERSION >= (0, 47, 2):
        assert rollover_threads[0] != event_loop_thread, "rollover should run in a worker thread"
    else:
        assert rollover_threads[0] == event_loop_thread, "old Starlette rolls over on the loop"


@pytest.mark.asyncio
async def test_a_truncated_upload_leaves_its_temp_file_to_the_garbage_collector() -> None:
    """Starlette never closes the temp file of a part cut off before its closing boundary."""
    truncated = multipart_body(b"half a file")[: -len(CLOSING)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with asgi_client() as client:
            response = await client.post(
                "/files", content=truncated, headers={"content-type": MULTIPART}
            )
        gc.collect()
    leaked = [w for w in caught if "Unclosed file <tempfile.SpooledTemporaryFile" in str(w.message)]
    assert len(leaked) == 1, "the unfinished part's temp file was not left to the GC"
    assert leaked[0].category is ResourceWarning
    # The unfinished part never reaches the form, so to FastAPI the file is simply missing.
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
