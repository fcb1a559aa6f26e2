"""Lesson 08: a small notes API whose every outside contact is a dependency.

Serve it with:  uvicorn "lessons.08_dependency_overrides.app:app" --reload

Nothing in this file knows about tests. Settings, the database, the current user and the
outbound HTTP client each come from a dependency, so a test can replace any of them with
`app.dependency_overrides[original] = replacement` and leave this code untouched.
"""

import math
import sqlite3
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

app = FastAPI(title="Lesson 08: dependency overrides")


# ---------------------------------------------------------------------------------------
# Settings: built once per process (lru_cache), injected everywhere through get_settings.
# ---------------------------------------------------------------------------------------
class Settings(BaseModel):
    app_name: str = "Notes"
    # Embedded default so `uvicorn` works with no setup; a deployment would configure it.
    database_path: str = str(Path(tempfile.gettempdir()) / "lesson08-notes.sqlite3")
    max_note_length: int = 280
    # A placeholder: the lesson never calls a real weather service (tests use a mock).
    weather_url: str = "https://weather.example.com"
    weather_timeout_seconds: float = 5.0


@lru_cache
def get_settings() -> Settings:
    return Settings()


SettingsDep = Annotated[Settings, Depends(get_settings)]


# ---------------------------------------------------------------------------------------
# Database: one SQLite connection per request, opened where the settings say, closed after.
# ---------------------------------------------------------------------------------------
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (token TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, text TEXT NOT NULL
);
INSERT OR IGNORE INTO users VALUES ('demo-token', 'demo', 'user');
"""


def connect(path: str) -> sqlite3.Connection:
    # check_same_thread=False: FastAPI may run a sync dependency's setup and teardown in
    # different worker threads.
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.executescript(SCHEMA)
    return connection


def get_db(settings: SettingsDep) -> Iterator[sqlite3.Connection]:
    connection = connect(settings.database_path)
    try:
        yield connection
    finally:
        connection.close()


DbDep = Annotated[sqlite3.Connection, Depends(get_db)]


# ---------------------------------------------------------------------------------------
# The current user: looked up by the X-Token header in the database.
# ---------------------------------------------------------------------------------------
class User(BaseModel):
    name: str
    role: Literal["user", "admin"]


# The body of an HTTPException. Declaring it in `responses=` documents each error a route
# can answer with, so the docs tell clients about the 401 before they meet it.
class HTTPError(BaseModel):
    detail: str


UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": HTTPError, "description": "Missing or unknown X-Token"}
}


def get_current_user(db: DbDep, x_token: Annotated[str | None, Header()] = None) -> User:
    row = db.execute("SELECT name, role FROM users WHERE token = ?", (x_token,)).fetchone()
    if row is None:
        raise HTTPException(status_code=401, detail="missing or unknown X-Token")
    return User(name=row[0], role=row[1])


UserDep = Annotated[User, Depends(get_current_user)]


def require_admin(user: UserDep) -> User:
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="admins only")
    return user


# ---------------------------------------------------------------------------------------
# Outbound HTTP: one client per request, configured from the settings.
# ---------------------------------------------------------------------------------------
def get_weather_client(settings: SettingsDep) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=settings.weather_url, timeout=settings.weather_timeout_seconds
    ) as client:
        yield client


WeatherClientDep = Annotated[httpx.Client, Depends(get_weather_client)]


# ---------------------------------------------------------------------------------------
# Routes.
# ---------------------------------------------------------------------------------------
class NoteIn(BaseModel):
    text: str = Field(min_length=1)


class Note(BaseModel):
    id: int
    owner: str
    text: str


@app.get("/info")
def info(settings: SettingsDep) -> dict[str, str | int]:
    return {"app_name": settings.app_name, "max_note_length": settings.max_note_length}


@app.get("/me", responses=UNAUTHORIZED)
def read_me(user: UserDep) -> User:
    return user


@app.post("/notes", status_code=201, responses=UNAUTHORIZED)
def create_note(note: NoteIn, user: UserDep, db: DbDep, settings: SettingsDep) -> Note:
    if len(note.text) > settings.max_note_length:
        raise HTTPException(
            status_code=422, detail=f"a note has at most {settings.max_note_length} characters"
        )
    (note_id,) = db.execute(
        "INSERT INTO notes (owner, text) VALUES (?, ?) RETURNING id", (user.name, note.text)
    ).fetchone()
    db.commit()
    return Note(id=note_id, owner=user.name, text=note.text)


@app.get("/notes", responses=UNAUTHORIZED)
def list_my_notes(user: UserDep, db: DbDep) -> list[Note]:
    rows = db.execute("SELECT id, owner, text FROM notes WHERE owner = ? ORDER BY id", (user.name,))
    return [Note(id=row[0], owner=row[1], text=row[2]) for row in rows]


@app.get(
    "/admin/notes",
    responses={**UNAUTHORIZED, 403: {"model": HTTPError, "description": "Not an admin"}},
)
def list_all_notes(admin: Annotated[User, Depends(require_admin)], db: DbDep) -> list[Note]:
    rows = db.execute("SELECT id, owner, text FROM notes ORDER BY id")
    return [Note(id=row[0], owner=row[1], text=row[2]) for row in rows]


@app.get(
    "/weather/{city}",
    responses={502: {"model": HTTPError, "description": "The weather service failed"}},
)
def weather(city: str, client: WeatherClientDep) -> dict[str, str | float]:
    try:
        upstream = client.get("/v1/current", params={"city": city})
        upstream.raise_for_status()
        temperature = float(upstream.json()["temperature_c"])
        if not math.isfinite(temperature):  # NaN/Infinity cannot be sent back as JSON
            raise ValueError(f"not a temperature: {temperature}")
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        # Whatever went wrong upstream, our client gets one clear answer: a bad gateway.
        raise HTTPException(status_code=502, detail="weather service unavailable") from exc
    return {"city": city, "temperature_c": temperature}
