"""Lesson 27: a small app with one of everything a test suite has to drive.

HTTP routes with validation, a lifespan that opens a resource, a login cookie, an
overridable dependency, a bug that raises, and a WebSocket. The tests drive all of it with
`TestClient` and with `httpx.AsyncClient`, side by side.

Serve it with:  uvicorn "lessons.27_testing.app:app" --reload
"""

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import (
    Cookie,
    Depends,
    FastAPI,
    HTTPException,
    Path,
    Request,
    Response,
    WebSocket,
    WebSocketDisconnect,
    status,
)
from pydantic import BaseModel, Field


class Store:
    """Stands in for a database pool: opened by the lifespan, shared by every request."""

    def __init__(self) -> None:
        self.items: dict[int, str] = {1: "apple", 2: "pear"}
        self.sessions: dict[str, str] = {}  # session token -> username


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Startup: a fresh store per run of the app, so no state survives from one test's
    # client to the next.
    app.state.store = Store()
    try:
        yield
    finally:
        # Shutdown: the store is gone; a request after this gets a 503, not stale data.
        del app.state.store


app = FastAPI(title="Lesson 27: testing", lifespan=lifespan)


class Problem(BaseModel):
    """The body of every error this app raises on purpose: {"detail": "..."}."""

    detail: str


# Documented error answers, so /openapi.json lists every status a route really returns.
# Each route that needs the store answers 503 when no lifespan opened it.
NO_STORE: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "The store is not open (no lifespan ran)"}
}
NOT_LOGGED_IN: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No valid session cookie"}
}
NO_SUCH_ITEM: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No item has this id"}
}


def get_store(request: Request) -> Store:
    store: Store | None = getattr(request.app.state, "store", None)
    if store is None:
        # Without the lifespan there is no store. Say so clearly instead of crashing: this
        # is what a test sees when its client never ran the lifespan.
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "store not open: no lifespan")
    return store


StoreDep = Annotated[Store, Depends(get_store)]


class User(BaseModel):
    username: str


def get_current_user(store: StoreDep, session: Annotated[str | None, Cookie()] = None) -> User:
    username = store.sessions.get(session or "")
    if username is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not logged in")
    return User(username=username)


UserDep = Annotated[User, Depends(get_current_user)]


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/items/{item_id}", responses={**NO_SUCH_ITEM, **NO_STORE})
def read_item(item_id: Annotated[int, Path(ge=1)], store: StoreDep) -> dict[str, int | str]:
    if item_id not in store.items:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such item")
    return {"id": item_id, "name": store.items[item_id]}


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")


@app.post("/login", status_code=status.HTTP_204_NO_CONTENT, responses=NO_STORE)
def login(credentials: Login, store: StoreDep, response: Response) -> None:
    # (A real login checks a password: lesson 14.) The session token goes into a cookie the
    # browser sends back by itself. `secure=True` means "only over HTTPS": test clients
    # honour that, which is why the tests talk to https://testserver.
    token = secrets.token_urlsafe(16)
    store.sessions[token] = credentials.username
    response.set_cookie("session", token, httponly=True, secure=True, samesite="lax")


@app.get("/me", responses={**NOT_LOGGED_IN, **NO_STORE})
def me(user: UserDep) -> User:
    return user


@app.get("/boom")
def boom() -> None:
    # A bug: an exception nothing handles. Clients get a bare 500; TestClient by default
    # re-raises it inside the test, so the test shows the real traceback.
    raise RuntimeError("boom: an unhandled bug")


@app.websocket("/ws")
async def shout(websocket: WebSocket) -> None:
    # Echo each text frame in capitals; "bye" ends the conversation with a normal close.
    await websocket.accept()
    try:
        while True:
            text = await websocket.receive_text()
            if text == "bye":
                await websocket.close(code=status.WS_1000_NORMAL_CLOSURE)
                return
            await websocket.send_text(text.upper())
    except WebSocketDisconnect:
        return  # the client left first: nothing to clean up
