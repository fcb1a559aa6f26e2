"""Lesson 21 variant: FastAPI's own request body limit, `max_body_size` (FastAPI 0.164+).

Serve it with:  uvicorn "lessons.21_file_uploads.builtin_limit:app"

From FastAPI 0.164 the app (and an APIRouter, and a single path operation) takes
`max_body_size`: the whole body, counted while it arrives, 413 above the limit. Older
versions accept the keyword without complaint and ignore it (FastAPI(**extra) swallows
unknown keywords), so on those this app has no limit at all: the middleware in app.py is
what works on every version.
"""

from fastapi import FastAPI, UploadFile

BUILTIN_MAX_BODY_BYTES = 1024 * 1024

app = FastAPI(title="Lesson 21: FastAPI's max_body_size", max_body_size=BUILTIN_MAX_BODY_BYTES)


@app.post("/files")
async def upload_file(file: UploadFile) -> dict[str, int | None]:
    return {"size": file.size}
