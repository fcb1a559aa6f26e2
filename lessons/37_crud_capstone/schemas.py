"""What the API accepts and returns: Pydantic models, separate from the table."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from .models import NAME_LENGTH

# PostgreSQL text cannot hold NUL (SQLite can): refused here, it is a 422 on both databases.
NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH, pattern=NO_NUL)]

# The bounds both apps (app.py and naive.py) publish, defined once.
# Ids are INTEGER columns: a bound keeps an enormous id a 422, not a driver overflow.
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Limit = Annotated[int, Query(ge=1, le=100)]
# Offset pages make the database skip `offset` rows: the cap keeps that cheap.
Offset = Annotated[int, Query(ge=0, le=10_000)]


class UserCreate(BaseModel):
    # extra="forbid": a client cannot slip in {"id": 1} or any field we did not ask for.
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: EmailStr


class UserUpdate(BaseModel):
    """PATCH body: every field optional. Only the fields the client SENT are changed."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    email: EmailStr | None = None

    # "Left out" and "null" differ: left out keeps the value (the default None is never
    # validated, so this never sees it); an explicit null would blank a NOT NULL column.
    @field_validator("name", "email")
    @classmethod
    def not_null(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


# No from_attributes needed: FastAPI checks what a route returns against its response_model
# reading the attributes itself, so the routes can return ORM User objects as they are.
class UserOut(BaseModel):
    id: int
    name: str
    email: str


class UserPage(BaseModel):
    items: list[UserOut]
    total: int
    limit: int
    offset: int


class Problem(BaseModel):
    detail: str
