"""Lesson 15: authorisation — roles, one policy table, object-level checks, OAuth2 scopes.

Serve it with:  uvicorn "lessons.15_permissions.app:app" --reload
then open http://127.0.0.1:8000/docs, click "Authorize", log in as alice (admin), bob or
carol (editors) or dave (viewer) with the password "<name>-demo-pass", and tick scopes.

Authentication is kept minimal here (opaque random tokens held by the server) so that the
lesson stays on authorisation; lesson 14 does tokens properly.
"""

import secrets
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Security, status
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    SecurityScopes,
)
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import BaseModel, Field

app = FastAPI(title="Lesson 15: permissions")


# --- The policy: the ONE place that knows who may do what ----------------------------------
class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


class Permission(StrEnum):
    ARTICLES_READ = "articles:read"
    ARTICLES_WRITE = "articles:write"  # create articles, edit your own
    ARTICLES_MODERATE = "articles:moderate"  # publish and edit anyone's
    USERS_MANAGE = "users:manage"


POLICY: dict[Role, set[Permission]] = {
    Role.ADMIN: set(Permission),
    Role.EDITOR: {Permission.ARTICLES_READ, Permission.ARTICLES_WRITE},
    Role.VIEWER: {Permission.ARTICLES_READ},
}


def is_allowed(role: Role, permission: Permission) -> bool:
    return permission in POLICY[role]


class User(BaseModel):
    username: str
    role: Role


class Article(BaseModel):
    id: int
    title: str
    author: str
    published: bool = False


class Note(BaseModel):
    id: int
    owner: str
    text: str


# Object-level rules live with the policy too: a route never compares usernames itself.
def may_edit_article(user: User, article: Article) -> bool:
    if is_allowed(user.role, Permission.ARTICLES_MODERATE):
        return True
    return is_allowed(user.role, Permission.ARTICLES_WRITE) and article.author == user.username


def may_read_note(user: User, note: Note) -> bool:
    return note.owner == user.username


# --- Users and login (minimal authentication) ----------------------------------------------
password_hash = PasswordHash((Argon2Hasher(),))
DUMMY_HASH = password_hash.hash(secrets.token_urlsafe(32))  # unknown users: see lesson 14


class StoredUser(User):
    password_hash: str


# A stand-in for a users table: hashes of "<name>-demo-pass", made by password_hash.hash().
USERS: dict[str, StoredUser] = {
    "alice": StoredUser(
        username="alice",
        role=Role.ADMIN,
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$y5mOlB0ZaFRqVT32cHN4xg$A6cYPnJ4NVKR/jQpIORA6Dgw5uucbXM7icETWvQ4bYg",
    ),
    "bob": StoredUser(
        username="bob",
        role=Role.EDITOR,
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$LGtHvjlsKSrkbWMtwmJ6qQ$goj5i2kIV9z4AzppXXHTSAv2L9XzVXvNYoNZMczbi0I",
    ),
    "carol": StoredUser(
        username="carol",
        role=Role.EDITOR,
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$bMXm+hKNZfk+6qUxrsRYPg$vaewmTO3s9s5FbyktxtZBurA3Ah25zDCqU6qVsrgqbo",
    ),
    "dave": StoredUser(
        username="dave",
        role=Role.VIEWER,
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$kR2ZXb2ek5fkXhr+2F6XYw$TPvX5nInBhP+fIeIsaRIAI9BqOQ91+y+DNFovkPN7wg",
    ),
}


class Session(BaseModel):
    username: str
    scopes: list[str]


# Opaque tokens: a random string the server looks up. (No expiry here; lesson 14 has it.)
SESSIONS: dict[str, Session] = {}


def issue_token(username: str, scopes: list[str]) -> str:
    token = secrets.token_urlsafe(32)
    SESSIONS[token] = Session(username=username, scopes=scopes)
    return token


# OAuth2 scopes are what a *token* may do; a user delegates some of their permissions to
# it at login. Here each permission is also a scope of the same name.
oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={
        Permission.ARTICLES_READ: "Read articles",
        Permission.ARTICLES_WRITE: "Write articles",
        Permission.ARTICLES_MODERATE: "Publish and edit any article",
        Permission.USERS_MANAGE: "Manage users",
    },
)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    scope: str


def authenticate(username: str, password: str) -> StoredUser | None:
    user = USERS.get(username)
    if user is None:
        password_hash.verify(password, DUMMY_HASH)  # same cost as a wrong password
        return None
    return user if password_hash.verify(password, user.password_hash) else None


# --- Documented errors ----------------------------------------------------------------------
# The body of an HTTPException. Each route lists the errors it can answer with in
# `responses=`, so the docs show clients the 401/403/404 they must handle.
class HTTPError(BaseModel):
    detail: str


ERRORS: dict[int, str] = {
    400: "Unknown scope requested",
    401: "Not authenticated: no, unknown or revoked token, or wrong password",
    403: "The token lacks the scope, or the role lacks the permission",
    404: "Not found",
}


def documented(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": HTTPError, "description": ERRORS[code]} for code in codes}


@app.post("/token", responses=documented(400, 401))
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenResponse:
    # form.scopes: the space-separated "scope" form field, split. Unknown names are an
    # error (RFC 6749 "invalid_scope"), not something to ignore silently.
    unknown = [scope for scope in form.scopes if scope not in set(Permission)]
    if unknown:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=f"Unknown scope: {unknown[0]}")
    user = authenticate(form.username, form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # Least privilege: the token gets the scopes asked for that the role allows, no more.
    granted = [scope for scope in form.scopes if is_allowed(user.role, Permission(scope))]
    return TokenResponse(access_token=issue_token(user.username, granted), scope=" ".join(granted))


# --- Authentication, then scopes ------------------------------------------------------------
def get_current_user(
    security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]
) -> User:
    session = SESSIONS.get(token)
    user = USERS.get(session.username) if session else None
    if session is None or user is None:
        # 401: we do not know who you are. Authenticating (again) can fix that.
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # security_scopes.scopes: every scope that the route and the dependencies between it
    # and here asked for with Security(..., scopes=[...]).
    for scope in security_scopes.scopes:
        if scope not in session.scopes:
            # 403: we know who you are, but this token was not granted the scope (RFC 6750
            # "insufficient_scope"). The challenge names the scope the client should request.
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"Missing scope: {scope}",
                headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
            )
    return User(username=user.username, role=user.role)


# --- The dependency factory routes use ------------------------------------------------------
def require(permission: Permission) -> Callable[[User], User]:
    """Dependency factory: `Depends(require(Permission.X))` guards a route with one permission.

    Two questions, asked in this order: does the token carry the scope (checked by
    get_current_user, through Security), and does the user's role allow it (the policy)?
    The role is read at request time, so demoting a user takes effect at once, even for
    tokens issued before.
    """

    def check_permission(
        user: Annotated[User, Security(get_current_user, scopes=[permission])],
    ) -> User:
        if not is_allowed(user.role, permission):
            # 403, not 401: logging in again would not change the answer.
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"Role {user.role} lacks permission {permission}",
            )
        return user

    return check_permission


require_admin = require(Permission.USERS_MANAGE)

# --- Data -----------------------------------------------------------------------------------
ARTICLES: dict[int, Article] = {
    1: Article(id=1, title="Bob's first article", author="bob"),
    2: Article(id=2, title="Carol on caching", author="carol"),
}
NOTES: dict[int, Note] = {
    1: Note(id=1, owner="bob", text="Bob's private note"),
    2: Note(id=2, owner="carol", text="Carol's private note"),
}


class ArticleIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)


# --- Routes: each one states the permission it needs ----------------------------------------
# When the handler does not need the user, the guard goes in `dependencies=[...]`.
@app.get(
    "/articles",
    dependencies=[Depends(require(Permission.ARTICLES_READ))],
    responses=documented(401, 403),
)
def list_articles() -> list[Article]:
    return list(ARTICLES.values())


@app.post("/articles", status_code=status.HTTP_201_CREATED, responses=documented(401, 403))
def create_article(
    body: ArticleIn, user: Annotated[User, Depends(require(Permission.ARTICLES_WRITE))]
) -> Article:
    article = Article(id=max(ARTICLES, default=0) + 1, title=body.title, author=user.username)
    ARTICLES[article.id] = article
    return article


@app.put("/articles/{article_id}", responses=documented(401, 403, 404))
def edit_article(
    article_id: int,
    body: ArticleIn,
    user: Annotated[User, Depends(require(Permission.ARTICLES_WRITE))],
) -> Article:
    article = ARTICLES.get(article_id)
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Article not found")
    # Object level: the permission says "may edit articles"; the policy decides *which*.
    # Articles are public (anyone with articles:read lists them), so saying 403 reveals
    # nothing: the client learns the truth, "it exists, but it is not yours".
    if not may_edit_article(user, article):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Not your article")
    article.title = body.title
    return article


@app.post(
    "/articles/{article_id}/publish",
    dependencies=[Depends(require(Permission.ARTICLES_MODERATE))],
    responses=documented(401, 403, 404),
)
def publish_article(article_id: int) -> Article:
    article = ARTICLES.get(article_id)
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Article not found")
    article.published = True
    return article


@app.get("/notes/{note_id}", responses=documented(401, 404))
def read_note(note_id: int, user: Annotated[User, Depends(get_current_user)]) -> Note:
    note = NOTES.get(note_id)
    # Notes are private: even their existence is nobody else's business. Someone else's
    # note gets exactly the answer a missing note gets (404), so ids cannot be probed.
    if note is None or not may_read_note(user, note):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Note not found")
    return note


@app.get("/users", dependencies=[Depends(require_admin)], responses=documented(401, 403))
def list_users() -> list[User]:
    return [User(username=u.username, role=u.role) for u in USERS.values()]


# The seed's example: only an admin may delete a user.
@app.delete(
    "/users/{username}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(require_admin)],
    responses=documented(401, 403, 404),
)
def delete_user(username: str) -> None:
    if USERS.pop(username, None) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found")


# --- HTTPBearer: what happens when the header is missing (changed in FastAPI 0.122) ---------
# With the default auto_error=True, FastAPI answers for you: 403 before 0.122, 401 (with
# WWW-Authenticate: Bearer) from 0.122 on.
bearer_default = HTTPBearer()
# With auto_error=False you get None and choose the answer: 401 on every version.
bearer_optional = HTTPBearer(auto_error=False)


def user_from_bearer(credentials: HTTPAuthorizationCredentials | None) -> User:
    session = SESSIONS.get(credentials.credentials) if credentials else None
    if session is None or session.username not in USERS:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return User(username=session.username, role=USERS[session.username].role)


@app.get("/bearer/default", responses=documented(401, 403))  # 403: before 0.122
def whoami_default(
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer_default)],
) -> User:
    return user_from_bearer(credentials)


@app.get("/bearer/explicit", responses=documented(401))
def whoami_explicit(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_optional)],
) -> User:
    return user_from_bearer(credentials)
