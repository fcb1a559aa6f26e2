"""Lesson 13: CORS with an explicit allow-list of origins.

Serve it with:  uvicorn "lessons.13_cors.app:app" --reload
"""

import os
import secrets
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

# An origin is scheme + host + port, nothing else: no path, no trailing slash. Browsers
# send exactly that string in the `Origin` header, and CORSMiddleware compares it with
# this list character for character. List every front end that may call the API.
ALLOWED_ORIGINS = ["https://app.example.com", "http://localhost:5173"]

app = FastAPI(title="Lesson 13: CORS")

app.add_middleware(
    CORSMiddleware,
    allow_origins=ALLOWED_ORIGINS,
    # Lets the browser send cookies / Authorization along and show the page the answer.
    # Safe only because the origins above are listed one by one (see wildcard_app.py).
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type"],
    max_age=600,  # seconds a browser may cache a successful preflight
)

# CORS decides which *web pages* may read responses; it authenticates nobody. A request
# from curl or a server carries whatever Origin it likes, or none. So protected routes
# still check credentials. (A real app verifies a JWT here: lesson 14.)
API_TOKEN = os.environ.get("LESSON13_API_TOKEN") or secrets.token_urlsafe(32)


def require_token(authorization: Annotated[str | None, Header()] = None) -> str:
    expected = f"Bearer {API_TOKEN}"
    # compare_digest compares bytes: given a str with a non-ASCII character it raises (a 500).
    if authorization is None or not secrets.compare_digest(
        authorization.encode(), expected.encode()
    ):
        raise HTTPException(
            status_code=401, detail="Not authenticated", headers={"WWW-Authenticate": "Bearer"}
        )
    return "demo-user"


# The 401 body, declared in `responses=` so the docs list the error next to the success.
class HTTPError(BaseModel):
    detail: str


UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": HTTPError, "description": "Missing or wrong bearer token"}
}


@app.get("/api/public")
def read_public() -> dict[str, str]:
    return {"message": "public data"}


@app.get("/api/me", responses=UNAUTHORIZED)
def read_me(user: Annotated[str, Depends(require_token)]) -> dict[str, str]:
    return {"user": user, "plan": "pro"}


@app.post("/api/notes", status_code=201, responses=UNAUTHORIZED)
def create_note(
    note: dict[str, str], user: Annotated[str, Depends(require_token)]
) -> dict[str, str]:
    return {"saved_for": user, **note}
