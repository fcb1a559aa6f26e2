"""Lesson 21: file uploads that survive hostile clients.

Serve it with:  uvicorn "lessons.21_file_uploads.app:app" --reload
Then:           curl -F "file=@notes.txt;type=text/plain" http://127.0.0.1:8000/files

Every upload endpoint reads `multipart/form-data` (python-multipart parses it). The client
controls everything in such a request: its size, the declared content type, the file name.
"""

import hashlib
import re
import tempfile
import uuid
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Depends, FastAPI, File, HTTPException, UploadFile
from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# --- Limits and allow-lists -------------------------------------------------------------
# The whole request body: file bytes, form fields and the multipart framing together.
MAX_BODY_BYTES = 8 * 1024 * 1024
# Uploads are read (and hashed, and written) this many bytes at a time, never all at once.
CHUNK_SIZE = 64 * 1024
# Content types we store, each with the first bytes ("magic number") such a file starts with.
# The part's Content-Type header is whatever the client typed, so we check the bytes too.
ALLOWED_TYPES: dict[str, bytes] = {
    "text/plain": b"",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "application/pdf": b"%PDF-",
}
# A stricter, per-endpoint limit, checked the naive way (in the handler). See /avatars.
MAX_AVATAR_BYTES = 256 * 1024


# --- The size limit, as a pure ASGI middleware ------------------------------------------
# A check inside a handler or a dependency is too late: FastAPI parses the whole multipart
# body (spooling the files) before either runs. This sits in front of the app and counts
# bytes while they arrive, so an oversized body is refused after at most MAX_BODY_BYTES.
def too_large(limit: int) -> str:
    return f"Request body exceeds the limit of {limit} bytes"


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # 1. A client that announces its size is refused before we read a single byte.
        #    (isascii: "²" passes str.isdigit() but int() rejects it; never crash on a header.)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body_bytes:
            response = JSONResponse({"detail": too_large(self.max_body_bytes)}, status_code=413)
            await response(scope, receive, send)
            return

        # 2. A chunked upload has no Content-Length (and an ASGI server does not have to
        #    check it), so count what actually arrives and stop as soon as it is too much.
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))  # a disconnect message has no body
            if received > self.max_body_bytes:
                # Raised inside whatever is reading the body (FastAPI's form parser,
                # request.body(), request.stream()): FastAPI re-raises HTTPExceptions
                # from body parsing, so the client gets a normal 413. Nothing else is read.
                raise HTTPException(413, detail=too_large(self.max_body_bytes))
            return message

        await self.app(scope, counting_receive, send)


app = FastAPI(title="Lesson 21: file uploads")
app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=MAX_BODY_BYTES)


# --- Where files go: a dependency, so tests and deployments can choose ------------------
DEFAULT_UPLOAD_DIR = Path(tempfile.gettempdir()) / "fastapi-lessons-21-uploads"


def get_upload_dir() -> Path:
    DEFAULT_UPLOAD_DIR.mkdir(exist_ok=True)  # its parent, the system temp dir, always exists
    return DEFAULT_UPLOAD_DIR


UploadDir = Annotated[Path, Depends(get_upload_dir)]


# --- Never trust the client's file name -------------------------------------------------
UNSAFE_CHARACTER = re.compile(r"[^A-Za-z0-9._-]")
MAX_NAME_LENGTH = 100


def safe_filename(client_name: str | None) -> str:
    # Keep the last path component only, whatever separator the client's system uses.
    base = (client_name or "").replace("\\", "/").split("/")[-1]
    # A small ASCII allow-list: NUL, control characters, spaces and Unicode look-alikes of
    # "." and "/" (fullwidth U+FF0E, U+FF0F, ...) are replaced: they mean nothing to the OS.
    cleaned = UNSAFE_CHARACTER.sub("_", base)
    # No hidden files (".htaccess"), no "." or ".."; bounded length; never empty.
    return cleaned.lstrip(".")[:MAX_NAME_LENGTH] or "upload"


class StoredFile(BaseModel):
    filename: str | None  # what the client called it: untrusted, for display only
    stored_as: str  # the name on disk, chosen by the server
    content_type: str
    size: int
    sha256: str
    chunks: int  # how many reads it took: the file was never in memory as a whole


async def checked_content_type(upload: UploadFile) -> str:
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in ALLOWED_TYPES:
        raise HTTPException(415, f"{content_type or 'no content type'!r} is not accepted")
    signature = ALLOWED_TYPES[content_type]
    head = await upload.read(len(signature))
    await upload.seek(0)
    if head != signature:
        raise HTTPException(415, f"{upload.filename!r} is not really {content_type}")
    return content_type


def new_target(directory: Path, client_name: str | None) -> Path:
    # A random prefix: two clients uploading "report.pdf" never overwrite each other.
    target = directory / f"{uuid.uuid4().hex}_{safe_filename(client_name)}"
    if target.resolve().parent != directory.resolve():  # defence in depth: must stay inside
        raise HTTPException(400, "Invalid file name")
    return target


async def store(upload: UploadFile, content_type: str, directory: Path) -> StoredFile:
    target = new_target(directory, upload.filename)
    digest = hashlib.sha256()
    size = chunks = 0
    # anyio's async file runs each disk operation in a worker thread, off the event loop.
    # Mode "xb": fail rather than replace an existing file.
    async with await anyio.open_file(target, "xb") as out:
        while chunk := await upload.read(CHUNK_SIZE):
            digest.update(chunk)  # the hash is built incrementally, chunk by chunk
            await out.write(chunk)
            size += len(chunk)
            chunks += 1
    return StoredFile(
        filename=upload.filename,
        stored_as=target.name,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        chunks=chunks,
    )


# --- Documented errors ------------------------------------------------------------------
# Every status an endpoint can answer is in the OpenAPI document, with the body's shape, so a
# client (or a generated SDK) knows what to expect.
class Detail(BaseModel):
    detail: str


Responses = dict[int | str, dict[str, Any]]
# Any multipart endpoint: a body that is not valid multipart (400), one over the limit (413).
UPLOAD_ERRORS: Responses = {
    400: {"model": Detail, "description": "Not a valid multipart body, or a bad file name"},
    413: {"model": Detail, "description": "The request body is over the size limit"},
}
# Endpoints that check the content type (and the magic number) of what they store.
STORE_ERRORS: Responses = {
    **UPLOAD_ERRORS,
    415: {"model": Detail, "description": "Content type not allowed, or not what it claims"},
}


# --- Endpoints ----------------------------------------------------------------------------
@app.post("/files", status_code=201, responses=STORE_ERRORS)
async def upload_file(file: UploadFile, directory: UploadDir) -> StoredFile:
    content_type = await checked_content_type(file)
    return await store(file, content_type, directory)


@app.post("/files/batch", status_code=201, responses=STORE_ERRORS)
async def upload_files(files: list[UploadFile], directory: UploadDir) -> list[StoredFile]:
    # Check every file before storing any: one bad file rejects the batch, leaving nothing.
    checked = [(file, await checked_content_type(file)) for file in files]
    return [await store(file, content_type, directory) for file, content_type in checked]


@app.post("/avatars", responses=UPLOAD_ERRORS)
async def upload_avatar(file: UploadFile) -> dict[str, int | None]:
    # Correct, but late: when this line runs, the whole body has already been received
    # and spooled. Only the middleware above stops a big upload early.
    if file.size is None or file.size > MAX_AVATAR_BYTES:
        raise HTTPException(413, f"An avatar may be at most {MAX_AVATAR_BYTES} bytes")
    return {"size": file.size}


@app.post("/files/in-memory", responses=UPLOAD_ERRORS)
async def upload_into_memory(file: Annotated[bytes, File()]) -> dict[str, int]:
    # `bytes = File()` hands the handler the entire file as one bytes object: fine for
    # small files, a memory problem for big ones (the test measures it).
    return {"size": len(file)}


@app.post("/files/spooling", responses=UPLOAD_ERRORS)
async def show_spooling(file: UploadFile) -> dict[str, str | int | bool]:
    # UploadFile wraps a SpooledTemporaryFile: kept in memory up to a threshold, then
    # "rolled over" to a real temporary file on disk. `_rolled` and `_max_size` are the
    # standard library's own (private, untyped) attributes, read here only to show what
    # happened: every Starlette version hands the handler a SpooledTemporaryFile.
    spooled = vars(file.file)
    return {
        "file_class": type(file.file).__name__,
        "rolled_to_disk": spooled["_rolled"],
        "memory_threshold": spooled["_max_size"],
    }
