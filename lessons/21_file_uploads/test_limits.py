"""Lesson 21 claims: an oversized body is refused with 413 early, with flat memory."""

import gc
import socket
import tracemalloc
import warnings
from urllib.parse import urlsplit

import pytest
import starlette
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st

from lessons.testkit import parse_version, serve

from . import builtin_limit as builtin
from .app import MAX_AVATAR_BYTES, MAX_BODY_BYTES, too_large
from .support import MULTIPART, UploadStream, asgi_client, fresh_upload_dir, multipart_body

STARLETTE_VERSION = parse_version(starlette.__version__)
CHUNK = UploadStream.piece_size  # the most the server can read past the limit
OVERSIZED = 50 * MAX_BODY_BYTES  # what the hostile client claims to send
# The limits as the README documents them, written out rather than read from the app: a
# changed constant in app.py or builtin_limit.py must fail a test, not move it along.
DOCUMENTED_MAX_BODY_BYTES = 8 * 1024 * 1024  # 8 MiB, 8,388,608 bytes
DOCUMENTED_BUILTIN_MAX_BODY_BYTES = 1024 * 1024  # 1 MiB, 1,048,576 bytes

# Starlette < 1.6 closes the form parser's temp files only when the multipart data itself
# is invalid. When reading the body fails instead (our 413 raised mid-upload), the half-
# written temp file is closed by the garbage collector, which warns. Library behaviour on
# old versions, proven in test_an_upload_aborted_mid_file_closes_its_temp_file_from_starlette_1_6.
abort_leaks_temp_file = pytest.mark.filterwarnings(
    "ignore:Unclosed file <tempfile.SpooledTemporaryFile:ResourceWarning"
)


@pytest.mark.asyncio
async def test_a_declared_oversized_body_is_refused_before_a_single_byte_is_read() -> None:
    """Content-Length above the limit: 413 at once; the server reads none of the body."""
    upload = UploadStream(OVERSIZED)
    async with asgi_client() as client:
        response = await client.post(
            "/files",
            content=upload,
            headers={"content-type": MULTIPART, "content-length": str(upload.body_size)},
        )
    assert response.status_code == 413
    assert response.json() == {"detail": too_large(MAX_BODY_BYTES)}
    assert upload.body_bytes_read == 0


@abort_leaks_temp_file
@pytest.mark.asyncio
async def test_a_streamed_oversized_upload_is_refused_with_flat_memory() -> None:
    """A chunked upload of 50x the limit stops at the limit, in flat memory."""
    async with asgi_client() as client:
        # Warm-up (not measured): the first upload pays for imports and a worker thread.
        await client.post(
            "/files",
            content=multipart_body(bytes(2 * 1024 * 1024)),
            headers={"content-type": MULTIPART},
        )
        upload = UploadStream(OVERSIZED)
        tracemalloc.start()
        tracemalloc.reset_peak()  # in case tracing was already on
        try:
            response = await client.post(
                "/files", content=upload, headers={"content-type": MULTIPART}
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status_code == 413
    assert response.json() == {"detail": too_large(MAX_BODY_BYTES)}
    assert upload.body_bytes_read <= MAX_BODY_BYTES + CHUNK, "the server read past the limit"
    assert peak < MAX_BODY_BYTES / 2, f"peak {peak} bytes: the body was held in memory"
    assert peak < upload.body_size / 100


@abort_leaks_temp_file
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
@pytest.mark.asyncio
async def test_a_body_of_exactly_the_limit_passes_and_one_byte_more_is_413(declared: bool) -> None:
    """The documented 8 MiB limit is inclusive: 8,388,608 bytes are stored, one more is 413."""
    overhead = UploadStream(0).body_size  # multipart framing around the file bytes
    limit = DOCUMENTED_MAX_BODY_BYTES
    async with asgi_client() as client:
        for body_size, expected in ((limit, 201), (limit + 1, 413)):
            upload = UploadStream(body_size - overhead)
            headers = {"content-type": MULTIPART}
            if declared:
                headers["content-length"] = str(upload.body_size)
            response = await client.post("/files", content=upload, headers=headers)
            assert upload.body_size == body_size
            assert response.status_code == expected, f"{body_size}-byte body: {response.text}"
    assert response.json() == {"detail": "Request body exceeds the limit of 8388608 bytes"}


@pytest.mark.asyncio
async def test_a_size_check_in_the_handler_runs_only_after_the_whole_body_arrived() -> None:
    """/avatars refuses a big file with 413 too, but only after reading every byte of it."""
    upload = UploadStream(4 * MAX_AVATAR_BYTES)
    async with asgi_client() as client:
        response = await client.post(
            "/avatars", content=upload, headers={"content-type": MULTIPART}
        )
    assert response.status_code == 413
    assert upload.body_bytes_read == upload.body_size, "the handler ran before the body was read"


CONTENT_LENGTHS = st.one_of(
    st.integers(min_value=0, max_value=3 * MAX_BODY_BYTES).map(str),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=12),
)


@example(value=str(MAX_BODY_BYTES))  # the edges, always tried
@example(value=str(MAX_BODY_BYTES + 1))
@example(value="\u00b2")  # "²": str.isdigit() says yes, int() says no
@given(value=CONTENT_LENGTHS)
def test_any_content_length_header_gets_413_or_passes_never_a_500(
    client: TestClient, value: str
) -> None:
    """For any header text: 413 iff it is an ASCII integer above the limit, else it works."""
    too_big = value.isascii() and value.isdigit() and int(value) > MAX_BODY_BYTES
    with fresh_upload_dir():
        response = client.post(
            "/files",
            content=multipart_body(b"small"),
            headers=[
                (b"content-type", MULTIPART.encode()),
                (b"content-length", value.encode("latin-1")),
            ],
        )
    assert response.status_code == (413 if too_big else 201), response.text


def test_a_real_server_refuses_before_the_client_sends_the_body() -> None:
    """Against Uvicorn, `Expect: 100-continue` with a huge Content-Length gets 413, never 100."""
    with serve("lessons.21_file_uploads.app:app", ready_line="Uvicorn running on") as server:
        address = urlsplit(server.base_url)
        with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
            # What curl sends before a big upload: the headers only, then it waits.
            sock.sendall(
                b"POST /files HTTP/1.1\r\nHost: localhost\r\n"
                + f"Content-Type: {MULTIPART}\r\nContent-Length: {OVERSIZED}\r\n".encode()
                + b"Expect: 100-continue\r\n\r\n"
            )
            reply = b""
            while b"\r\n\r\n" not in reply or not reply.endswith(b"}"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
    status_line = reply.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413"), reply
    assert too_large(MAX_BODY_BYTES).encode() in reply


@pytest.mark.asyncio
async def test_an_upload_aborted_mid_file_closes_its_temp_file_from_starlette_1_6() -> None:
    """Old Starlette leaves an aborted upload's temp file to the garbage collector (a warning)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with asgi_client() as client:
            response = await client.post(
                "/files",
                content=UploadStream(2 * MAX_BODY_BYTES),
                headers={"content-type": MULTIPART},
            )
        gc.collect()
    assert response.status_code == 413
    leaked = [w for w in caught if "Unclosed file <tempfile.SpooledTemporaryFile" in str(w.message)]
    if STARLETTE_VERSION >= (1, 6):
        assert leaked == [], "Starlette >= 1.6 closes the temp files when reading the body fails"
    else:
        assert leaked, "Starlette < 1.6 leaves the aborted part's temp file to the GC"


# --- FastAPI's own limit ------------------------------------------------------------------
@pytest.mark.fastapi(since="0.164")
@pytest.mark.asyncio
async def test_fastapi_max_body_size_refuses_oversized_bodies() -> None:
    """FastAPI(max_body_size=1 MiB): 413 above it, declared or streamed; exactly 1 MiB passes."""
    limit = builtin.BUILTIN_MAX_BODY_BYTES
    async with asgi_client(builtin.app) as client:
        declared = UploadStream(50 * limit)
        response = await client.post(
            "/files",
            content=declared,
            headers={"content-type": MULTIPART, "content-length": str(declared.body_size)},
        )
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == "Content Too Large"
        assert declared.body_bytes_read == 0

        streamed = UploadStream(50 * limit)
        response = await client.post(
            "/files", content=streamed, headers={"content-type": MULTIPART}
        )
        assert response.status_code == 413
        assert response.json() == {"detail": "Content Too Large"}
        assert streamed.body_bytes_read <= limit + CHUNK

        small = await client.post("/files", files={"file": ("a.txt", b"fits", "text/plain")})
        assert small.json() == {"size": 4}

        # The documented 1 MiB is inclusive: a body of exactly 1,048,576 bytes passes.
        overhead = UploadStream(0).body_size
        limit = DOCUMENTED_BUILTIN_MAX_BODY_BYTES
        for body_size, expected in ((limit, 200), (limit + 1, 413)):
            upload = UploadStream(body_size - overhead)
            response = await client.post(
                "/files",
                content=upload,
                headers={"content-type": MULTIPART, "content-length": str(body_size)},
            )
            assert response.status_code == expected, f"{body_size}-byte body: {response.text}"


@pytest.mark.fastapi(before="0.164")
@pytest.mark.asyncio
async def test_fastapi_max_body_size_is_silently_ignored_before_0_164() -> None:
    """Older FastAPI swallows the unknown keyword into app.extra and enforces nothing."""
    limit = builtin.BUILTIN_MAX_BODY_BYTES
    assert getattr(builtin.app, "extra", None) == {
        "max_body_size": DOCUMENTED_BUILTIN_MAX_BODY_BYTES
    }
    upload = UploadStream(2 * limit)
    async with asgi_client(builtin.app) as client:
        response = await client.post("/files", content=upload, headers={"content-type": MULTIPART})
    assert response.status_code == 200
    assert response.json() == {"size": 2 * limit}
