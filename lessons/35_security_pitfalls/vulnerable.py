"""Lesson 35: the VULNERABLE app. Eight security pitfalls, each marked "PITFALL".

Never deploy this. It is the "before" half of the lesson: app.py is the same API with
every pitfall fixed, block for block, so `diff -u vulnerable.py app.py` shows each fix.
The tests run a real exploit against both apps.

Serve it with:  uvicorn "lessons.35_security_pitfalls.vulnerable:app" --reload
"""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Cookie, Depends, FastAPI, HTTPException, Response
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

# --- Pitfalls: public internal docs (API9) and debug mode (API8) ---------------------------
# PITFALL: /docs, /redoc and /openapi.json are public (FastAPI's defaults), so anyone gets a
# map of every route, the admin ones included.
# PITFALL: debug=True answers an unhandled error with the full traceback: file paths,
# source lines and the exception message (connection strings, SQL, internal host names).
app = FastAPI(title="Lesson 35: security pitfalls, VULNERABLE", debug=True)

# --- Pitfall: credentialed CORS for every origin (API8) ------------------------------------
# PITFALL: "*" plus credentials. The CORS standard forbids that combination, so Starlette
# echoes whatever Origin the request names instead: every web site on the internet may read
# a logged-in user's responses from inside that user's browser.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

# --- Pitfall: a guessable signing secret (API2) ---------------------------------------------
# PITFALL: a placeholder copied from an example .env file. It is long enough (36 bytes) to
# pass PyJWT's key-length check, yet it is in every attacker's word list: anyone holding
# one token can find it offline and then sign tokens for any user.
SECRET_KEY = "change-me-before-going-to-production"
ALGORITHM = "HS256"
TOKEN_TTL = timedelta(minutes=30)
SESSION_COOKIE = "session"


# --- Pitfall: fast, unsalted password hashes (API2) -----------------------------------------
# PITFALL: one SHA-256 per password, no salt. Equal passwords get equal hashes, and one
# table of pre-hashed common passwords cracks every account in a leaked dump at once.
def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


class StoredUser(BaseModel):
    username: str
    role: str
    password_hash: str


# The demo accounts (a stand-in for a users table).
DEMO_PASSWORDS = {"alice": "sunshine1", "root": "admin-demo-passphrase-7-kittens"}
DEMO_ROLES = {"alice": "user", "root": "admin"}
USERS: dict[str, StoredUser] = {}


def reset_users() -> None:
    """Back to the two demo accounts: alice (a user) and root (an admin)."""
    USERS.clear()
    for username, role in DEMO_ROLES.items():
        password = hash_password(DEMO_PASSWORDS[username])
        USERS[username] = StoredUser(username=username, role=role, password_hash=password)


reset_users()


# --- Pitfall: mass assignment (API3) --------------------------------------------------------
# PITFALL: one model for what a client may send and what the server decides. `role` has a
# default, so honest clients never send it, but nothing stops a client who does.
class User(BaseModel):
    username: str
    password: str
    role: str = "user"


class LoginIn(BaseModel):
    username: str
    password: str


class UserOut(BaseModel):
    username: str
    role: str


class DailyReport(BaseModel):
    orders: int
    revenue_cents: int


def not_authenticated() -> HTTPException:
    return HTTPException(status_code=401, detail="Not authenticated")


def create_token(user: StoredUser) -> str:
    claims = {"sub": user.username, "role": user.role, "exp": datetime.now(UTC) + TOKEN_TTL}
    return jwt.encode(claims, SECRET_KEY, algorithm=ALGORITHM)


def current_user(session: Annotated[str | None, Cookie()] = None) -> StoredUser:
    # This check verifies the signature; only the key it trusts is weak (see SECRET_KEY).
    if session is None:
        raise not_authenticated()
    try:
        claims = jwt.decode(session, SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        raise not_authenticated() from None
    user = USERS.get(claims["sub"])
    if user is None:
        raise not_authenticated()
    return user


# --- Pitfall: a JWT read without verifying its signature (API2) -----------------------------
def require_admin(session: Annotated[str | None, Cookie()] = None) -> dict[str, Any]:
    if session is None:
        raise not_authenticated()
    try:
        # PITFALL: "just read the role". Without the signature check, the claims are
        # whatever the sender wrote: a token signed with any key, or with alg "none", works.
        claims: dict[str, Any] = jwt.decode(session, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise not_authenticated() from None
    if claims.get("role") != "admin":
        raise HTTPException(status_code=403, detail="Admins only")
    return claims


@app.post("/signup", status_code=201)
def signup(user: User) -> UserOut:
    if user.username in USERS:
        raise HTTPException(status_code=409, detail="Username taken")
    # PITFALL (mass assignment): the client's `role` goes straight into the table.
    stored = StoredUser(
        username=user.username, role=user.role, password_hash=hash_password(user.password)
    )
    USERS[user.username] = stored
    return UserOut(username=stored.username, role=stored.role)


# --- Pitfall: unlimited login attempts (API2, API4) -----------------------------------------
# PITFALL: nothing counts failures. An attacker tries a word list against one account as
# fast as the server answers.
@app.post("/login")
def login(credentials: LoginIn, response: Response) -> UserOut:
    user = USERS.get(credentials.username)
    if user is None or hash_password(credentials.password) != user.password_hash:
        raise HTTPException(status_code=401, detail="Incorrect username or password")
    response.set_cookie(SESSION_COOKIE, create_token(user), secure=True, samesite="none")
    return UserOut(username=user.username, role=user.role)


@app.get("/me")
def read_me(user: Annotated[StoredUser, Depends(current_user)]) -> UserOut:
    return UserOut(username=user.username, role=user.role)


@app.get("/admin/users")
def list_users(admin: Annotated[dict[str, Any], Depends(require_admin)]) -> list[UserOut]:
    return [UserOut(username=u.username, role=u.role) for u in USERS.values()]


# --- The error that leaks (see debug=True at the top) ---------------------------------------
def load_daily_report() -> DailyReport:
    # A stand-in for a query against the reporting database. Tests swap in a loader that
    # fails the way a database outage does.
    return DailyReport(orders=42, revenue_cents=123_456)


def get_report_loader() -> Callable[[], DailyReport]:
    return load_daily_report


@app.get("/reports/daily")
def daily_report(
    load: Annotated[Callable[[], DailyReport], Depends(get_report_loader)],
) -> DailyReport:
    return load()
