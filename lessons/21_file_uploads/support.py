"""Test helpers for lesson 21: hand-built multipart bodies, a counting upload stream."""

import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from .app import CHUNK_SIZE, app, get_upload_dir

BOUNDARY = "lesson21boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def part_head(
    field: str = "file",
    filename: bytes | None = b"upload.bin",
    content_type: str = "text/plain",
) -> bytes:
    """The opening of one part, the file name written raw (no escaping); None: no filename."""
    disposition = f'Content-Disposition: form-data; name="{field}"'.encode()
    if filename is not None:
        disposition += b'; filename="' + filename + b'"'
    return (
        f"--{BOUNDARY}\r\n".encode()
        + disposition
        + f"\r\nContent-Type: {content_type}\r\n\r\n".encode()
    )


CLOSING = f"\r\n--{BOUNDARY}--\r\n".encode()


def multipart_body(
    content: bytes, filename: bytes | None = b"upload.bin", content_type: str = "text/plain"
) -> bytes:
    """A complete one-file multipart body around `content`."""
    return part_head(filename=filename, content_type=content_type) + content + CLOSING


class UploadStream:
    """A multipart upload of `file_size` zero bytes, produced piece by piece as it is read.

    Nothing is generated before the server asks for it, so `body_bytes_read` tells how much
    of the upload the server actually pulled in, and the client never holds the whole body.
    """

    # The file bytes go out in pieces of this size. Any size would do (it is the most a
    # server can read past a limit); the app's read size keeps the numbers round.
    piece_size = CHUNK_SIZE

    def __init__(self, file_size: int) -> None:
        self.file_size = file_size
        self.head = part_head(content_type="text/plain")
        self.body_size = len(self.head) + file_size + len(CLOSING)
        self.body_bytes_read = 0

    def _pieces(self) -> Iterator[bytes]:
        yield self.head
        for start in range(0, self.file_size, self.piece_size):
            yield bytes(min(self.piece_size, self.file_size - start))
        yield CLOSING

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces():
            self.body_bytes_read += len(piece)  # counted when the server asks for it
            yield piece


def asgi_client(target: FastAPI = app) -> httpx.AsyncClient:
    """An httpx client that calls the app in-process and streams request bodies to it.

    (The synchronous TestClient reads a streamed request body completely before the app
    sees any of it, which would defeat every memory measurement in this lesson.)
    """
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=target), base_url="http://test")


@contextmanager
def fresh_upload_dir() -> Iterator[Path]:
    """A new empty upload directory for one block (one Hypothesis example), then removed.

    It is `<new temporary directory>/uploads`: a file that escaped one level up would show
    up next to it, in its parent.
    """
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name) / "uploads"
        directory.mkdir()
        saved = dict(app.dependency_overrides)
        app.dependency_overrides[get_upload_dir] = lambda: directory
        try:
            yield directory
        finally:
            app.dependency_overrides.clear()  # exactly the overrides from before the block
            app.dependency_overrides.update(saved)
