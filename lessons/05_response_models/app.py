"""Lesson 05: response models decide what leaves the server.

Serve it with:  uvicorn "lessons.05_response_models.app:app" --reload
"""

import hashlib
import itertools
import math
import secrets
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, EmailStr

app = FastAPI(title="Lesson 05: response models")


# Three models for one user, one per direction of travel.
class UserIn(BaseModel):  # what a client sends: it carries the password
    name: str
    email: EmailStr
    password: str


class UserOut(BaseModel):  # what a client receives: no password, no hash
    id: int
    name: str
    email: EmailStr


class UserInDB(UserOut):  # what the server keeps: everything in UserOut, plus the hash
    password_hash: str


# The body of every 404 below. Declaring it in `responses=` puts the 404 in the docs, so a
# client (or a contract test) knows this error can happen and what it looks like.
class Message(BaseModel):
    detail: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Message, "description": "Not found"}}


# The "database": plain dicts, like rows fetched by a database driver.
USERS: dict[int, dict[str, Any]] = {}
_next_id = itertools.count(1)


def hash_password(password: str) -> str:
    # A stand-in for a real password hash (lesson 14 uses Argon2): salted SHA-256.
    salt = secrets.token_hex(16)
    return salt + "$" + hashlib.sha256((salt + password).encode()).hexdigest()


def find_row(user_id: int) -> dict[str, Any]:
    row = USERS.get(user_id)
    if row is None:
        raise HTTPException(status_code=404, detail="User not found")
    return row


# The handler returns the whole row, hash included; response_model=UserOut filters it out.
# (response_model= takes precedence over the return annotation.)
@app.post("/users", response_model=UserOut, status_code=201)
def create_user(user: UserIn) -> dict[str, Any]:
    row_id = next(_next_id)
    USERS[row_id] = {
        "id": row_id,
        "name": user.name,
        "email": user.email,
        "password_hash": hash_password(user.password),
    }
    return USERS[row_id]


@app.get("/users/{user_id}", response_model=UserOut, responses=NOT_FOUND)
def read_user(user_id: int) -> dict[str, Any]:
    return find_row(user_id)


# The return annotation is the response model when there is no response_model=. A UserInDB
# *is a* UserOut (type checkers agree), yet only UserOut's fields are sent.
@app.get("/v2/users/{user_id}", responses=NOT_FOUND)
def read_user_annotated(user_id: int) -> UserOut:
    return UserInDB(**find_row(user_id))


# What the response model protects against: `dict[str, Any]` filters nothing, so the hash
# goes out to the client. Kept only to show the leak; never write an endpoint like this.
@app.get("/leaky/users/{user_id}", responses=NOT_FOUND)
def read_user_leaky(user_id: int) -> dict[str, Any]:
    return find_row(user_id)


class Preferences(BaseModel):
    theme: str = "light"
    language: str = "en"
    newsletter: bool = False


# Only what each user chose explicitly is stored; user 2 chose the default on purpose.
PREFERENCES: dict[int, dict[str, Any]] = {
    1: {"theme": "dark"},
    2: {"theme": "dark", "newsletter": False},
}


def find_preferences(user_id: int) -> dict[str, Any]:
    if user_id not in PREFERENCES:
        raise HTTPException(status_code=404, detail="No preferences for this user")
    return PREFERENCES[user_id]


@app.get("/users/{user_id}/preferences", response_model=Preferences, responses=NOT_FOUND)
def read_preferences(user_id: int) -> dict[str, Any]:
    return find_preferences(user_id)  # defaults are filled in for what was not stored


# response_model_exclude_unset: send only the fields that were set, not the defaults.
@app.get(
    "/users/{user_id}/preferences/explicit",
    response_model=Preferences,
    response_model_exclude_unset=True,
    responses=NOT_FOUND,
)
def read_explicit_preferences(user_id: int) -> dict[str, Any]:
    return find_preferences(user_id)


# A row written long ago, before emails were validated. Returning it breaks the promise of
# UserOut, so FastAPI refuses to send it: a 500, not a malformed (or leaky) response.
LEGACY_USERS: dict[int, dict[str, Any]] = {
    1: {"id": 1, "name": "Old Timer", "email": "old timer at example", "password_hash": "x$y"},
}


@app.get("/legacy/users/{user_id}", response_model=UserOut, responses=NOT_FOUND)
def read_legacy_user(user_id: int) -> dict[str, Any]:
    if user_id not in LEGACY_USERS:
        raise HTTPException(status_code=404, detail="User not found")
    return LEGACY_USERS[user_id]


# Python's JSON parser accepts NaN and Infinity, although JSON has neither. When such a value
# fails validation, FastAPI's default 422 handler cannot write it back into the error body and
# the client gets a 500 instead. This handler sends the same 422 body, with those numbers
# spelled as strings ("nan", "inf", "-inf").
def json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    return value


@app.exception_handler(RequestValidationError)
async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    detail = json_safe(jsonable_encoder(exc.errors()))
    return JSONResponse(status_code=422, content={"detail": detail})
