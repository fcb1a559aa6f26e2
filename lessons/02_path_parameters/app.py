"""Lesson 02: path parameters — typed conversion, route order, enums and whole paths.

Serve it with:  uvicorn "lessons.02_path_parameters.app:app" --reload
"""

from enum import StrEnum

from fastapi import APIRouter, FastAPI

app = FastAPI(title="Lesson 02: path parameters")


# Routes are tried in the order they are declared, and the first one whose path pattern
# matches wins. "/users/me" comes first, so the literal segment "me" is handled here and
# never reaches the int-typed route below.
@app.get("/users/me")
def read_current_user() -> dict[str, str]:
    return {"user": "the current user"}


# The annotation is the whole validation: the URL gives FastAPI the string "42", Pydantic
# converts it to the int 42, and a segment it cannot convert is answered with a 422.
@app.get("/users/{user_id}")
def read_user(user_id: int) -> dict[str, int]:
    return {"user_id": user_id}


# The same two routes declared the other way round, on a router of their own. "{user_id}"
# matches any single segment, "me" included. Routing only looks at the pattern, not at the
# type, so the request is committed to read_user_first, the int conversion fails, and the
# client gets a 422: "/wrong-order/users/me" is listed in the docs but unreachable.
wrong_order = APIRouter(prefix="/wrong-order")


@wrong_order.get("/users/{user_id}")
def read_user_first(user_id: int) -> dict[str, int]:
    return {"user_id": user_id}


@wrong_order.get("/users/me")
def read_current_user_too_late() -> dict[str, str]:  # pragma: no cover - unreachable, the point
    return {"user": "the current user"}


app.include_router(wrong_order)


# An Enum restricts a parameter to a fixed set of values, and the docs list them.
class Period(StrEnum):
    day = "day"
    week = "week"
    month = "month"

    @property
    def days(self) -> int:
        return {"day": 1, "week": 7, "month": 30}[self.value]


@app.get("/reports/{period}")
def read_report(period: Period) -> dict[str, str | int]:
    # The handler receives an enum member, not the bare string from the URL: a plain str
    # has no `.days`, so this line would fail with a 500 if FastAPI passed one through.
    return {"period": period.value, "days": period.days}


# ":path" changes the segment matcher from "anything except /" to "anything", so the
# parameter can hold a nested path. Nothing is sanitised: ".." segments arrive intact,
# so never join this to a directory unchecked (lesson 21 shows how).
# An empty path or one with a newline in it matches no route at all: documented as a 404.
@app.get("/files/{file_path:path}", responses={404: {"description": "No route matches"}})
def read_file_path(file_path: str) -> dict[str, str]:
    return {"file_path": file_path}
