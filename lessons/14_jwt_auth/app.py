"""Lesson 14: the OAuth2 password flow with JWT access and refresh tokens.

Serve it with:  uvicorn "lessons.14_jwt_auth.app:app" --reload
then open http://127.0.0.1:8000/docs, click "Authorize" and log in as
alice / down-the-rabbit-hole.
"""

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import BaseModel, ConfigDict, Field, ValidationError

app = FastAPI(title="Lesson 14: JWT authentication")

# --- Signing key, algorithm, lifetimes ----------------------------------------------------
# A fresh random key at every start: a signing key is never written in source code. A real
# deployment reads it from a secret store (lesson 28), so that every worker shares it and a
# restart does not log everyone out. 64 random bytes: HS256 needs at least 32 (RFC 7518).
SECRET_KEY = secrets.token_urlsafe(64)
ALGORITHM = "HS256"
# The allow-list handed to jwt.decode(). A token's header names its own algorithm, and the
# header is written by whoever made the token: "none", or an algorithm we never issue, must
# be refused instead of being trusted.
ALLOWED_ALGORITHMS = [ALGORITHM]
ACCESS_TOKEN_TTL = timedelta(minutes=15)
REFRESH_TOKEN_TTL = timedelta(days=7)

# --- Passwords ------------------------------------------------------------------------------
# Argon2id with argon2-cffi's defaults (64 MiB of memory, 3 passes, 4 lanes): deliberately
# slow and memory-hungry, so that someone who steals the hashes cannot try billions of
# guesses per second. Every hash gets its own random salt, embedded in the hash string.
password_hash = PasswordHash((Argon2Hasher(),))

# Checked when the username does not exist, so that a login for an unknown user costs the
# same Argon2 work as a wrong password. Without it, the unknown user is answered at once
# and the wrong password ~100 ms later: the response time would tell an attacker which
# usernames exist, even though the two answers are identical. It must come from the same
# hasher as the real hashes (same cost parameters) to take the same time.
DUMMY_HASH = password_hash.hash(secrets.token_urlsafe(32))


class User(BaseModel):
    username: str
    full_name: str


class UserInDB(User):
    password_hash: str


class NewUser(BaseModel):
    username: str = Field(min_length=3, max_length=32, pattern=r"^[a-z0-9_]+$")
    full_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=12, max_length=128)


# A stand-in for a users table: it holds the hash, never the password. The hash below was
# made by `password_hash.hash(...)` from the demo password named in the docstring above.
USERS: dict[str, UserInDB] = {
    "alice": UserInDB(
        username="alice",
        full_name="Alice Liddell",
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$lAfTszer+AFNCHu5SZ5bWg$5SpaTyXZcbeucEH5nXDAtyTHg5QGJLrt6DndJUjtaqg",
    ),
}


def authenticate(username: str, password: str) -> UserInDB | None:
    user = USERS.get(username)
    if user is None:
        password_hash.verify(password, DUMMY_HASH)  # same work, same time: see DUMMY_HASH
        return None
    if not password_hash.verify(password, user.password_hash):
        return None
    return user


# --- The clock ------------------------------------------------------------------------------
# Every use of "now" goes through this dependency, so tests replace it
# (app.dependency_overrides[get_now]) instead of sleeping for 15 minutes.
def get_now() -> datetime:
    return datetime.now(UTC)


Now = Annotated[datetime, Depends(get_now)]

# --- Tokens ---------------------------------------------------------------------------------
TokenType = Literal["access", "refresh"]


class TokenClaims(BaseModel):
    # strict: a claim of the wrong JSON type is an invalid token, not something to coerce
    model_config = ConfigDict(strict=True)

    sub: str
    type: TokenType
    jti: str  # a unique id per token: what the deny-list stores
    iat: int
    exp: int


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"


def create_token(username: str, token_type: TokenType, now: datetime) -> str:
    ttl = ACCESS_TOKEN_TTL if token_type == "access" else REFRESH_TOKEN_TTL
    claims = {
        "sub": username,
        "type": token_type,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, SECRET_KEY, algorithm=ALGORITHM)


def issue_tokens(username: str, now: datetime) -> TokenPair:
    return TokenPair(
        access_token=create_token(username, "access", now),
        refresh_token=create_token(username, "refresh", now),
    )


# Revoked token ids. In production: a shared store (Redis) whose entries expire when the
# token would have expired anyway, so the list stays small.
REVOKED_JTIS: set[str] = set()


def invalid_credentials() -> HTTPException:
    # One answer for every reason a token is refused: the caller learns nothing about which
    # check failed. WWW-Authenticate tells the client which scheme to authenticate with.
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )


def decode_token(token: str, expected_type: TokenType, now: datetime) -> TokenClaims:
    try:
        payload = jwt.decode(
            token,
            SECRET_KEY,
            algorithms=ALLOWED_ALGORITHMS,
            # PyJWT checks exp/iat/nbf against the real wall clock; we switch those three
            # checks off and check iat and exp below against `now`, the injected clock (we
            # issue no nbf). The signature is still verified (verify_signature stays on),
            # and the claims must be present.
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["sub", "type", "jti", "iat", "exp"],
            },
        )
        claims = TokenClaims.model_validate(payload)
    except (jwt.InvalidTokenError, ValidationError):
        raise invalid_credentials() from None
    # Valid from its issue time (inclusive) to its expiry (exclusive), like PyJWT's own check.
    if not claims.iat <= now.timestamp() < claims.exp:
        raise invalid_credentials()
    if claims.type != expected_type:  # an access token is not a refresh token, and vice versa
        raise invalid_credentials()
    if claims.jti in REVOKED_JTIS:
        raise invalid_credentials()
    if claims.sub not in USERS:  # the user was deleted after the token was issued
        raise invalid_credentials()
    return claims


# OAuth2PasswordBearer only reads "Authorization: Bearer <token>" (401 when it is absent)
# and tells OpenAPI where to log in. It does NOT check the token: decode_token does.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def get_access_claims(token: Annotated[str, Depends(oauth2_scheme)], now: Now) -> TokenClaims:
    return decode_token(token, "access", now)


def get_current_user(claims: Annotated[TokenClaims, Depends(get_access_claims)]) -> User:
    stored = USERS[claims.sub]
    return User(username=stored.username, full_name=stored.full_name)


CurrentUser = Annotated[User, Depends(get_current_user)]

# --- Routes ---------------------------------------------------------------------------------


# The body of an HTTPException. `responses=` declares each error a route can answer with,
# so the docs show the 401/409 a client must handle, not only the happy path.
class HTTPError(BaseModel):
    detail: str


UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": HTTPError, "description": "Missing, invalid, expired or revoked credentials"}
}


@app.post("/token", responses=UNAUTHORIZED)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], now: Now) -> TokenPair:
    user = authenticate(form.username, form.password)
    if user is None:
        # The same answer for "no such user" and "wrong password": no user enumeration.
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return issue_tokens(user.username, now)


class RefreshRequest(BaseModel):
    refresh_token: str


@app.post("/token/refresh", responses=UNAUTHORIZED)
def refresh(body: RefreshRequest, now: Now) -> TokenPair:
    claims = decode_token(body.refresh_token, "refresh", now)
    # Rotation: a refresh token works once. A stolen copy that is replayed after the
    # legitimate client used it is refused.
    REVOKED_JTIS.add(claims.jti)
    return issue_tokens(claims.sub, now)


@app.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=UNAUTHORIZED)
def logout(claims: Annotated[TokenClaims, Depends(get_access_claims)]) -> None:
    REVOKED_JTIS.add(claims.jti)


@app.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"model": HTTPError, "description": "Username taken"}},
)
def sign_up(new_user: NewUser) -> User:
    if new_user.username in USERS:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail="Username taken")
    USERS[new_user.username] = UserInDB(
        username=new_user.username,
        full_name=new_user.full_name,
        password_hash=password_hash.hash(new_user.password),
    )
    return User(username=new_user.username, full_name=new_user.full_name)


@app.get("/users/me", responses=UNAUTHORIZED)
def read_me(user: CurrentUser) -> User:
    return user


# Anti-example, kept to prove a point: this route depends on the scheme alone, so it
# receives whatever string follows "Bearer ", verified by nobody.
@app.get("/scheme-only", responses=UNAUTHORIZED)
def scheme_only(token: Annotated[str, Depends(oauth2_scheme)]) -> dict[str, str]:
    return {"token_received": token}
