"""Lesson 13, the mistake: "*" for origins together with allow_credentials=True.

DO NOT COPY. It exists so the tests can show what it does:
    uvicorn "lessons.13_cors.wildcard_app:app"
"""

from typing import Annotated

from fastapi import Cookie, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI(title="Lesson 13: wildcard origins with credentials (insecure)")

# Browsers refuse the literal pair "Access-Control-Allow-Origin: *" + credentials, so
# Starlette "helpfully" echoes the caller's Origin instead. The effect: every site on
# the internet is trusted with the user's cookies.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


# A cookie-authenticated route: the kind of data a hostile page wants to read.
@app.get("/api/me")
def read_me(session: Annotated[str | None, Cookie()] = None) -> dict[str, str]:
    if session != "victim-session":
        raise HTTPException(status_code=401, detail="Not authenticated")
    return {"user": "victim", "email": "victim@example.com"}
