"""Lesson 35: the FIXED app. The API of vulnerable.py with every pitfall closed ("FIX").

Serve it with:  uvicorn "lessons.35_security_pitfalls.app:app" --reload
Log in with POST /login as alice / sunshine1 (a user) or root / admin-demo-passphrase-7-kittens
(an admin); root may read the internal docs at /internal/docs.
"""

import logging
import math
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import jwt
from fastapi import Cookie, Depends, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)

# --- Fixes: internal docs (API9) and debug mode (API8) ----------------------------------------
# FIX: no public /docs, /redoc or /openapi.json. The schema still exists (app.openapi());
# staff read it at /internal/docs after logging in as an admin (bottom of this file).
# FIX: debug stays False (the default); unexpected errors go to the handler below.
app = FastAPI(
    title="Lesson 35: security pitfalls, fixed",
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
)

# --- Fix: CORS for the real front end only (API8) -----------------------------------------
# FIX: name each origin that may read responses with the user's cookie. Every other site
# gets no Access-Control-Allow-Origin, so the browser hides the response from its script.
FRONTEND_ORIGINS = ["https://app.example.com"]
app.add_middleware(
    CORSMiddleware,
    allow_origins=FRONTEND_ORIGINS,
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Content-Type"],
)

# --- Fix: an unguessable signing secret (API2) ----------------------------------------------
# FIX: 64 random bytes from the operating system's CSPRNG, made at start-up. No word list
# holds it, and brute force over 2**512 keys is out of reach. A real deployment reads one
# shared key from a secret store (lesson 28); it is never written in source code.
SECRET_KEY = secrets.token_urlsafe(64)
ALGORITHM = "HS256"
TOKEN_TTL = timedelta(minutes=30)
SESSION_COOKIE = "session"

# --- Fix: slow, salted password hashes (API2) ---------------------------------------------
# FIX: Argon2id through pwdlib, with argon2-cffi's default cost (64 MiB, 3 passes, 4 lanes).
# Each hash gets its own random salt, stored inside the hash string with the parameters, so
# equal passwords hash differently and every guess costs real memory and time.
password_hash = PasswordHash((Argon2Hasher(),))


def get_password_hash() -> PasswordHash:
    # A dependency, so tests can swap in cheap Argon2 parameters instead of waiting.
    return password_hash


Hasher = Annotated[PasswordHash, Depends(get_password_hash)]
Role = Literal["user", "admin"]


class StoredUser(BaseModel):
    username: str
    role: Role
    password_hash: str


# The demo accounts (a stand-in for a users table), which hold hashes, never passwords.
# alice kept a weak password from before the sign-up rules below existed: the login limit
# is what protects her. The hashes were made once with password_hash.hash(password).
DEMO_PASSWORDS = {"alice": "sunshine1", "root": "admin-demo-passphrase-7-kittens"}
DEMO_ROLES: dict[str, Role] = {"alice": "user", "root": "admin"}
DEMO_HASHES = {
    # $algorithm$version$cost parameters$salt (random, per hash)$the hash itself
    "alice": "$argon2id$v=19$m=65536,t=3,p=4$22T8vyeE3cxBOFkSXrpiHw"
    "$iTy4R70/ep6mHdaNoXj6/4LIQzi5H4ICqGfj3X4X+ns",
    "root": "$argon2id$v=19$m=65536,t=3,p=4$JbruPchxJD4voNiuJNghag"
    "$qqQp0tqpIJwYrvxDtysC5K1j6l6FZVkFbz9QbI572a8",
}
USERS: dict[str, StoredUser] = {}


def reset_users(hashes: dict[str, str] = DEMO_HASHES) -> None:
    """Back to the two demo accounts: alice (a user) and root (an admin)."""
    USERS.clear()
    for username, role in DEMO_ROLES.items():
        USERS[username] = StoredUser(username=username, role=role, password_hash=hashes[username])


reset_users()


# --- Fix: an input model without the fields the server decides (API3) -----------------------
# FIX: SignupIn lists exactly what a client may choose. `role` is not among them, and
# extra="forbid" turns any unknown field into a 422, so a client learns it was refused.
class SignupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=32, pattern=r"^[a-z0-9_]+$")
    password: str = Field(min_length=8, max_length=128)


class LoginIn(BaseModel):
    # No length rule beyond a cap: old accounts may predate the sign-up rules. The cap
    # keeps one request from making Argon2 hash megabytes.
    username: str = Field(max_length=64)
    password: str = Field(max_length=128)


class UserOut(BaseModel):
    username: str
    role: Role


class DailyReport(BaseModel):
    orders: int
    revenue_cents: int


class ErrorOut(BaseModel):
    detail: str


class InternalErrorOut(BaseModel):
    detail: str
    error_id: str


def not_authenticated() -> HTTPException:
    return HTTPException(status_code=401, detail="Not authenticated")


def create_token(user: StoredUser) -> str:
    claims = {"sub": user.username, "role": user.role, "exp": datetime.now(UTC) + TOKEN_TTL}
    return jwt.encode(claims, SECRET_KEY, algorithm=ALGORITHM)


# --- Fix: verify every token, pin the algorithm (API2) --------------------------------------
def current_user(session: Annotated[str | None, Cookie()] = None) -> StoredUser:
    if session is None:
        raise not_authenticated()
    try:
        # FIX: signature checked with our key; the algorithm is pinned by us, not read from
        # the token's header (so "none" is refused); exp and sub must be present.
        claims = jwt.decode(
            session, SECRET_KEY, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.InvalidTokenError:
        raise not_authenticated() from None
    user = USERS.get(claims["sub"])
    if user is None:
        raise not_authenticated()
    return user


CurrentUser = Annotated[StoredUser, Depends(current_user)]


def require_admin(user: CurrentUser) -> StoredUser:
    # FIX: authorisation builds on the verified user, and the role comes from our table,
    # not from a claim: demoting someone takes effect at once.
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="Admins only")
    return user


Admin = Annotated[StoredUser, Depends(require_admin)]


@app.post(
    "/signup",
    status_code=201,
    responses={409: {"model": ErrorOut, "description": "Username taken"}},
)
def signup(new_user: SignupIn, hasher: Hasher) -> UserOut:
    if new_user.username in USERS:
        raise HTTPException(status_code=409, detail="Username taken")
    # FIX: the server decides the role.
    stored = StoredUser(
        username=new_user.username, role="user", password_hash=hasher.hash(new_user.password)
    )
    USERS[new_user.username] = stored
    return UserOut(username=stored.username, role=stored.role)


# --- Fix: limit failed logins per account (API2, API4) --------------------------------------
# FIX: after MAX_FAILED_LOGINS failures within LOCKOUT_SECONDS, the account answers 429 (even
# to the right password) until the oldest failure is LOCKOUT_SECONDS old. A 50-word list
# then takes hours per account instead of milliseconds. In-memory counts suit one process;
# several instances share them in Redis (lesson 30).
MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60
FAILED_LOGINS: dict[str, list[float]] = {}  # username -> times of its recent failures


def get_clock() -> float:
    # A dependency, so tests move time by hand instead of sleeping for 15 minutes.
    return time.monotonic()


@app.post(
    "/login",
    responses={
        401: {"model": ErrorOut, "description": "Wrong username or password"},
        429: {"model": ErrorOut, "description": "Too many failed logins"},
    },
)
def login(
    credentials: LoginIn,
    response: Response,
    hasher: Hasher,
    now: Annotated[float, Depends(get_clock)],
) -> UserOut:
    username = credentials.username
    recent = [t for t in FAILED_LOGINS.get(username, []) if now - t < LOCKOUT_SECONDS]
    if len(recent) >= MAX_FAILED_LOGINS:
        # Checked before the password: a locked account tells a guesser nothing.
        retry_after = math.ceil(recent[0] + LOCKOUT_SECONDS - now)
        raise HTTPException(
            status_code=429,
            detail="Too many failed logins; try again later",
            headers={"Retry-After": str(retry_after)},
        )
    user = USERS.get(username)
    if user is None or not hasher.verify(credentials.password, user.password_hash):
        FAILED_LOGINS[username] = [*recent, now]
        raise HTTPException(status_code=401, detail="Incorrect username or password")
    FAILED_LOGINS.pop(username, None)  # a success starts the count afresh
    # HttpOnly: page scripts cannot read it. SameSite=Lax: other sites' fetches go without it.
    response.set_cookie(
        SESSION_COOKIE, create_token(user), httponly=True, secure=True, samesite="lax"
    )
    return UserOut(username=user.username, role=user.role)


@app.get("/me", responses={401: {"model": ErrorOut, "description": "Not logged in"}})
def read_me(user: CurrentUser) -> UserOut:
    return UserOut(username=user.username, role=user.role)


@app.get(
    "/admin/users",
    responses={
        401: {"model": ErrorOut, "description": "Not logged in"},
        403: {"model": ErrorOut, "description": "Not an admin"},
    },
)
def list_users(admin: Admin) -> list[UserOut]:
    return [UserOut(username=u.username, role=u.role) for u in USERS.values()]


# --- Fix: errors without tracebacks (API8) --------------------------------------------------
def load_daily_report() -> DailyReport:
    # A stand-in for a query against the reporting database. Tests swap in a loader that
    # fails the way a database outage does.
    return DailyReport(orders=42, revenue_cents=123_456)


def get_report_loader() -> Callable[[], DailyReport]:
    return load_daily_report


@app.get(
    "/reports/daily",
    responses={500: {"model": InternalErrorOut, "description": "Unexpected error"}},
)
def daily_report(
    load: Annotated[Callable[[], DailyReport], Depends(get_report_loader)],
) -> DailyReport:
    return load()


@app.exception_handler(Exception)
async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # FIX: the client gets a fixed message and an id; the traceback goes to the log under
    # the same id, where operators (not attackers) read it.
    error_id = uuid.uuid4().hex
    logger.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    body = InternalErrorOut(detail="Internal server error", error_id=error_id)
    return JSONResponse(status_code=500, content=body.model_dump())


# --- Fix: the docs, for admins only (API9) --------------------------------------------------
# include_in_schema=False: the doors to the map are not drawn on the map.
@app.get("/internal/openapi.json", include_in_schema=False)
def internal_openapi(admin: Admin) -> dict[str, Any]:
    return app.openapi()


@app.get("/internal/docs", include_in_schema=False)
def internal_docs(admin: Admin) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/internal/openapi.json", title="Internal API docs")
