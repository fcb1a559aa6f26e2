"""Lesson 06: constraints on every kind of parameter, and what a 422 looks like.

Serve it with:  uvicorn "lessons.06_validation.app:app" --reload
"""

from typing import Annotated

from fastapi import Body, Cookie, FastAPI, Header, Path, Query
from pydantic import AfterValidator, BaseModel, Field, field_validator

app = FastAPI(title="Lesson 06: validation")

# One pattern, used twice (a path parameter and a body field). Anchor both ends: an
# unanchored pattern only has to match *somewhere* in the value.
SKU_PATTERN = r"^[A-Z]{3}-\d{4}$"


# --- Query parameters -----------------------------------------------------------------
# Query(...) adds constraints on top of the type; the default still makes them optional.
@app.get("/items")
def list_items(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    q: Annotated[str | None, Query(min_length=3, max_length=50)] = None,
    sort: Annotated[str, Query(pattern=r"^-?(name|price)$")] = "name",
) -> dict[str, object]:
    return {"limit": limit, "q": q, "sort": sort}


# --- Path parameters ------------------------------------------------------------------
# gt is strict (> 0), le is inclusive (<= 999_999).
@app.get("/items/{item_id}")
def read_item(item_id: Annotated[int, Path(gt=0, le=999_999)]) -> dict[str, int]:
    return {"item_id": item_id}


@app.get("/skus/{sku}")
def read_sku(sku: Annotated[str, Path(pattern=SKU_PATTERN)]) -> dict[str, str]:
    return {"sku": sku}


# --- Custom validators ----------------------------------------------------------------
# AfterValidator runs *after* the type and constraints passed; raising ValueError turns
# into an ordinary 422 entry, exactly like a built-in constraint.
def check_tag(value: str) -> str:
    if value != value.lower() or " " in value:
        raise ValueError("tags are lower-case words without spaces")
    return value


Tag = Annotated[str, Field(min_length=1, max_length=20), AfterValidator(check_tag)]


# --- Body -----------------------------------------------------------------------------
class Item(BaseModel):
    name: str = Field(min_length=2, max_length=40)
    sku: str = Field(pattern=SKU_PATTERN)
    price: float = Field(gt=0, le=1_000_000)
    quantity: int = Field(ge=1, le=1_000)
    tags: list[Tag] = Field(default_factory=list, max_length=5)

    # field_validator sees the whole (already type-checked) field: good for rules that
    # span several values, such as "no duplicates".
    @field_validator("tags")
    @classmethod
    def tags_are_unique(cls, tags: list[str]) -> list[str]:
        if len(set(tags)) != len(tags):
            raise ValueError("tags must be unique")
        return tags


@app.post("/items", status_code=201)
def create_item(item: Item) -> Item:
    return item


# A single scalar in the body: Body(embed=True) expects {"stars": 4}.
@app.post("/items/{item_id}/rating")
def rate_item(
    item_id: Annotated[int, Path(gt=0)],
    stars: Annotated[int, Body(ge=1, le=5, embed=True)],
) -> dict[str, int]:
    return {"item_id": item_id, "stars": stars}


# --- Headers and cookies --------------------------------------------------------------
# The parameter x_token is read from the header "X-Token": FastAPI turns underscores
# into hyphens (Python names cannot contain "-"), and header names ignore case.
@app.get("/me")
def read_me(
    x_token: Annotated[str, Header(min_length=8, max_length=64)],
    session_id: Annotated[str, Cookie(min_length=16, max_length=64)],
    x_api_version: Annotated[int, Header(ge=1, le=3)] = 1,
    cart_items: Annotated[int, Cookie(ge=0, le=50)] = 0,
) -> dict[str, object]:
    return {
        "x_token": x_token,
        "x_api_version": x_api_version,
        "session_id": session_id,
        "cart_items": cart_items,
    }
